// Notifications by channel (issue 22): a client on her phone turns email off in her account and
// finds it off when she comes back; the page says whether this device receives push.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, test } from 'node:test';
import { api, createAdmin, hydrated, resultsDir, signIn, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let world;

before(async () => { world = await startWorld({ smtp: true }); });
after(() => stopWorld(world));

const GRACE = 'grace@client.example';

test('a client chooses how she hears of new messages, on her phone', async () => {
  const { portal, browser, smtp } = world;
  const admin = await createAdmin(portal);
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await signIn(staff, portal, admin);
  await api(staffContext, portal, 'people/add', { display_name: 'Grace Hopper', email: GRACE, role: 'client', invite: 'true' });
  const clientContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const token = new URL(await smtp.link(GRACE, `${portal.url}/invitation?token=`)).searchParams.get('token');
  await api(clientContext, portal, 'invitations/accept', { token, password: 'harbour lantern orchard violet' });
  const client = await clientContext.newPage();
  const errors = watchForErrors(client);

  await client.goto(`${portal.url}/sign-in`);
  await hydrated(client);
  const panel = client.getByTestId(T.NOTIFICATIONS);
  await panel.waitFor();
  assert.equal(await client.getByTestId(T.NOTIFY_EMAIL).isChecked(), true, 'on at first');
  assert.equal(await client.getByTestId(T.NOTIFY_PUSH).isChecked(), true);
  // The page has asked this browser whether it receives push, and says so.
  await client.getByTestId(T.PUSH_STATUS).filter({ hasText: /notifications/i }).waitFor();
  await client.getByTestId(T.NOTIFY_EMAIL).uncheck();
  await client.getByTestId(T.SAVE_NOTIFICATIONS).click();
  await client.getByTestId(T.NOTIFICATIONS_SAVED).waitFor();
  assert.ok(await client.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing scrolls sideways');
  await client.screenshot({ path: `${resultsDir}/notifications-phone.png`, fullPage: true });

  await client.reload();
  await hydrated(client);
  await panel.waitFor();
  assert.equal(await client.getByTestId(T.NOTIFY_EMAIL).isChecked(), false, 'kept');
  assert.equal(await client.getByTestId(T.NOTIFY_PUSH).isChecked(), true);
  const choices = await api(clientContext, portal, 'account/notifications', {});
  assert.equal(choices.email, false);
  assert.equal(choices.push, true);

  // This browser already receives push (subscribed in an earlier session): the account page
  // files its subscription under this session. Signing out turns push off in the browser too.
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  const subscription = ['https://push.example.com/dossier-e2e', ecdh.getPublicKey().toString('base64url'), crypto.randomBytes(16).toString('base64url')];
  await clientContext.addInitScript((subscription) => {
    let real;
    Object.defineProperty(window, 'dossierPush', {
      configurable: true,
      get: () => real,
      set: (push) => {
        real = Object.assign(push, {
          state: async () => 'on',
          current: async () => subscription,
          unsubscribe: async () => { window.dossierPushTurnedOff = true; return subscription[0]; },
        });
      },
    });
  }, subscription);
  await client.reload();
  await hydrated(client);
  await client.getByTestId(T.PUSH_STATUS).filter({ hasText: /on for this device/i }).waitFor();
  for (let i = 0; (await api(clientContext, portal, 'account/notifications', {})).devices !== 1; i++) {
    assert.ok(i < 50, 'the subscription is filed');
    await client.waitForTimeout(100);
  }
  await client.getByTestId(T.TOPBAR_SIGN_OUT).click();
  await client.waitForFunction(() => window.dossierPushTurnedOff === true);

  assert.deepEqual(errors, []);
  await client.close();
  await staff.close();
  await clientContext.close();
  await staffContext.close();
});
