// The portal as its people meet it: the firm's own name and colour everywhere, help one tap
// away, a client's home that is their inbox, and on a phone a conversation that fills the
// screen with the reply box in reach. Times are the reader's own, in two time zones at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, createAdmin, enabled, hydrated, resultsDir, signIn, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let portal;
let browser;
let smtp;

before(async () => ({ portal, browser, smtp } = await startWorld({ smtp: true })));
after(() => stopWorld({ portal, browser, smtp }));

const GRACE = 'grace@client.example';
let admin;

test('the firm is named in the header, the tab and the installed app, and its help is one tap away', async () => {
  admin = await createAdmin(portal);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchForErrors(page);
  await signIn(page, portal, admin);

  await page.goto(`${portal.url}/settings`);
  await enabled(page, T.SAVE_SETTINGS);
  await page.getByTestId(T.FIRM_NAME_SETTING).fill('Harper & Co');
  await page.getByTestId(T.ACCENT_SETTING).fill('#0b5d3b');
  await page.getByTestId(T.SAVE_SETTINGS).click();
  await page.getByTestId(T.SETTINGS_SAVED).waitFor();

  // The logo: an SVG is refused with the reason; a PNG is taken and shown at once.
  await page.getByTestId(T.LOGO_INPUT).setInputFiles([
    { name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') },
  ]);
  assert.match(await page.getByTestId(T.LOGO_ERROR).textContent(), /SVG is not accepted/);
  await Promise.all([
    page.waitForEvent('load'),
    page.getByTestId(T.LOGO_INPUT).setInputFiles(new URL('../../server/tests/suite/fixtures/logo-192.png', import.meta.url).pathname),
  ]);
  await page.getByTestId(T.BRAND_LOGO).waitFor();
  await page.getByTestId(T.REMOVE_LOGO).waitFor();

  await page.goto(`${portal.url}/matters`);
  await hydrated(page);
  assert.equal((await page.getByTestId(T.BRAND).textContent()).trim(), 'Harper & Co');
  assert.equal(await page.getByTestId(T.BRAND_LOGO).evaluate((img) => img.complete && img.naturalWidth), 192, 'the logo is in the header');
  assert.equal(await page.title(), 'Matters · Harper & Co');
  assert.equal(await page.locator('.topbar').evaluate((e) => getComputedStyle(e).backgroundColor), 'rgb(11, 93, 59)');
  const manifest = await (await page.request.get(`${portal.url}/manifest.webmanifest`)).json();
  assert.equal(manifest.name, 'Harper & Co');
  assert.equal(manifest.theme_color, '#0b5d3b');
  assert.equal(manifest.icons[0].sizes, '192x192', 'the square logo is the installed app\'s icon');
  await page.screenshot({ path: `${resultsDir}/brand-matters.png` });

  // "?" leads to the firm's help; every link in it leads somewhere.
  await page.getByTestId(T.TOPBAR_HELP).click();
  await page.getByTestId(T.STAFF_HELP).waitFor();
  await page.screenshot({ path: `${resultsDir}/staff-help.png`, fullPage: true });
  const links = await page.getByTestId(T.STAFF_HELP).locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.length > 10, links.join(' '));
  for (const href of links) {
    if (href.startsWith('#')) {
      assert.equal(await page.locator(`[id="${href.slice(1)}"]`).count(), 1, href);
    } else {
      const reply = await page.request.get(new URL(href, portal.url).href);
      assert.ok(reply.status() < 400, `${href}: ${reply.status()}`);
    }
  }

  // Signed out, the sign-in page names the firm too.
  const visitor = await browser.newPage();
  await visitor.goto(`${portal.url}/sign-in`);
  await visitor.getByRole('heading', { name: 'Sign in to Harper & Co' }).waitFor();
  assert.equal(await visitor.locator('.sign-in-logo').evaluate((img) => img.complete && img.naturalWidth), 192, 'and on the sign-in page');
  assert.equal(await visitor.title(), 'Sign in · Harper & Co');
  await visitor.close();
  // The refused SVG's answer (400) is the only error.
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), [], 'no console errors');
  await context.close();
});

test('a client on a phone finds the firm\'s message in their inbox and reads it full screen, in their own time zone', async () => {
  const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: 'America/New_York' });
  const staff = await staffContext.newPage();
  await signIn(staff, portal, admin);
  const matter = await api(staffContext, portal, 'matters/create', { number: '2026-0700', name: 'Hopper lease' });
  const grace = await api(staffContext, portal, 'people/add', { display_name: 'Grace Hopper', email: GRACE, role: 'client', invite: 'true' });
  await api(staffContext, portal, 'matters/people/add', { id: matter.id, email: GRACE, role: 'client' });
  const conversation = await api(staffContext, portal, 'conversations/create', {
    matter_id: matter.id, subject: 'Signing the lease', body: 'Please sign the lease by Friday.', 'participants[0]': grace.id,
  });
  // A long thread: the reply box must still be in reach without scrolling to its end.
  for (let i = 1; i <= 12; i++) {
    await api(staffContext, portal, 'conversations/post', { id: conversation, body: `Point ${i} of the lease, explained at some length so that it wraps.` });
  }

  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, timezoneId: 'Pacific/Auckland' };
  const clientContext = await browser.newContext(phone);
  const token = new URL(await smtp.link(GRACE, `${portal.url}/invitation?token=`)).searchParams.get('token');
  await api(clientContext, portal, 'invitations/accept', { token, password: 'harbour lantern orchard violet' });
  const client = await clientContext.newPage();
  const errors = watchForErrors(client);
  await client.goto(portal.url);
  await hydrated(client);
  const line = client.getByTestId(T.INBOX_LINE).filter({ hasText: 'Signing the lease' });
  await line.waitFor();
  assert.match(await line.textContent(), /13 unread/);
  assert.match(await line.textContent(), /2026-0700 · Hopper lease/);
  await client.screenshot({ path: `${resultsDir}/phone-inbox.png`, fullPage: true });

  // The same moment, in each reader's own zone.
  const shown = async (page) => page.getByTestId(T.INBOX_LINE).filter({ hasText: 'Signing the lease' }).locator('time').evaluate((t) => ({
    text: t.textContent,
    expected: new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(t.dateTime)),
  }));
  await staff.goto(portal.url);
  await hydrated(staff);
  const inAuckland = await shown(client);
  const inNewYork = await shown(staff);
  // Written just now: today, in every zone, so shown as the hour and minute there.
  assert.deepEqual(errors, [], 'no console errors before the times');
  assert.equal(inAuckland.text, inAuckland.expected);
  assert.equal(inNewYork.text, inNewYork.expected);
  assert.notEqual(inAuckland.text, inNewYork.text, 'two zones, two readings');

  await line.locator('a').click();
  await client.waitForURL(/conversation=/);
  await client.getByTestId(T.MESSAGES_LIST).getByText('Point 12 of the lease', { exact: false }).waitFor();
  assert.equal(await client.getByTestId(T.EXTERNAL_CONVERSATIONS).isVisible(), false, 'the list gives way to the conversation');
  await enabled(client, T.SEND_MESSAGE);
  const reply = await client.getByTestId(T.REPLY).boundingBox();
  assert.ok(reply && reply.y + reply.height <= 844, `the reply box is on screen: ${JSON.stringify(reply)}`);
  await client.screenshot({ path: `${resultsDir}/phone-conversation.png` });
  await client.getByTestId(T.REPLY).fill('Signed, thank you.');
  await client.getByTestId(T.SEND_MESSAGE).click();
  await client.getByTestId(T.MESSAGES_LIST).getByText('Signed, thank you.').waitFor();

  // Back to the list, then the matter's details under its own tab.
  await client.getByTestId(T.BACK_TO_CONVERSATIONS).click();
  await client.getByTestId(T.EXTERNAL_CONVERSATIONS).getByText('Signing the lease').waitFor();
  await client.getByTestId(T.MATTER_TAB).filter({ hasText: 'Details' }).click();
  await client.getByTestId(T.MATTER_PEOPLE).getByText('Grace Hopper').waitFor();
  assert.equal(await client.getByTestId(T.MATTER_TAB).filter({ hasText: 'Files' }).count(), 0, 'a client has no All Files');
  await client.screenshot({ path: `${resultsDir}/phone-details.png`, fullPage: true });
  assert.deepEqual(errors, [], 'no console errors');
  await clientContext.close();
  await staffContext.close();
});
