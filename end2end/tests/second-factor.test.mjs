// Accounts in a real browser: the administrator sets up an authenticator app from the QR code's
// key (proving it is them with a code sent by email) and signs in with password and code; staff invite a client by email, and the client accepts
// in a second browser, enrols an authenticator app, signs out and in again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAdmin, launchBrowser, resultsDir, startPortal, startSmtpSink, totpCode, watchForErrors } from './portal.mjs';

let portal;
let browser;
let smtp;
let adminCodes;

before(async () => {
  smtp = await startSmtpSink();
  portal = await startPortal({ env: { DOSSIER_SMTP_URL: smtp.url } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  portal?.stop();
  smtp?.close();
});

async function signInWithPassword(page, { email, password }) {
  await page.goto(`${portal.url}/sign-in`);
  await page.waitForFunction(() => document.querySelector('[data-testid=sign-in-submit]')?.disabled === false);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

test('an administrator enrols an authenticator app, then signs in with password and code', async () => {
  const account = await createAdmin(portal);
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchForErrors(page);
  await signInWithPassword(page, account);
  await page.getByTestId('signed-in').waitFor();

  await page.getByTestId('totp-start').click();
  const secret = (await page.getByTestId('totp-secret').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is drawn');

  // The account can receive email, so setting up an app also asks for the code just emailed:
  // the password alone must not add a second factor.
  const [, proof] = await smtp.find(account.email, /verification code is (\d{6})/);
  await page.getByTestId('totp-proof').fill(proof);

  // A wrong code first: a sentence, nothing enrolled.
  await page.getByTestId('totp-code').fill(totpCode(secret, 7));
  await page.getByTestId('totp-confirm').click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /not right/);

  await page.getByTestId('totp-code').fill(totpCode(secret));
  await page.getByTestId('totp-confirm').click();
  await page.getByTestId('recovery-codes').waitFor();
  const codes = await page.locator('[data-testid=recovery-codes] li').allTextContents();
  assert.equal(codes.length, 10);
  adminCodes = codes;
  assert.equal(new Set(codes).size, 10);
  await page.screenshot({ path: `${resultsDir}/recovery-codes.png`, fullPage: true });
  await page.getByTestId('recovery-codes-done').click();
  await page.getByTestId('second-factor-on').waitFor();

  await page.getByTestId('topbar-sign-out').click();
  await page.getByTestId('sign-in-form').waitFor();

  // The password alone is not enough now.
  await signInWithPassword(page, account);
  await page.getByTestId('sign-in-code-form').waitFor();
  assert.equal(await page.getByTestId('signed-in').count(), 0);
  await page.screenshot({ path: `${resultsDir}/sign-in-code.png`, fullPage: true });
  // The enrolment code is spent; the next step's code is accepted.
  await page.getByTestId('sign-in-code').fill(totpCode(secret, 1));
  await page.getByTestId('sign-in-code-submit').click();
  await page.getByTestId('signed-in').waitFor();
  assert.equal(await page.getByTestId('topbar-user').textContent(), 'Ada Lovelace');
  await page.getByTestId('second-factor-on').waitFor();

  // And a recovery code signs in once.
  await page.getByTestId('topbar-sign-out').click();
  await page.getByTestId('sign-in-form').waitFor();
  await signInWithPassword(page, account);
  await page.getByTestId('sign-in-code').fill(codes[0]);
  await page.getByTestId('sign-in-code-submit').click();
  await page.getByTestId('signed-in').waitFor();

  assert.deepEqual(errors.filter((e) => !/status of 403/.test(e)), [], 'no unexpected console errors');
  await context.close();
});

test('staff invite a client by email; the client accepts, enrols an app, and signs in with it', async () => {
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  const staffErrors = watchForErrors(staff);
  // The administrator has two-step verification from the test above: a recovery code signs in.
  // (codes[0] was spent there.)
  await signInWithPassword(staff, { email: 'ada@firm.example', password: 'correct horse battery staple' });
  await staff.getByTestId('sign-in-code-form').waitFor();
  await staff.getByTestId('sign-in-code').fill(adminCodes[1]);
  await staff.getByTestId('sign-in-code-submit').click();
  await staff.getByTestId('topbar-people').click();
  await staff.getByTestId('add-person-form').waitFor();
  await staff.waitForFunction(() => document.querySelector('[data-testid=add-person]')?.disabled === false);
  await staff.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await staff.getByLabel('Email', { exact: true }).fill('grace@client.example');
  await staff.getByLabel(/Mobile number/).fill('+44 7700 900123');
  await staff.getByTestId('add-person').click();
  await staff.getByTestId('person-added').waitFor();
  await staff.locator('[data-testid=person][data-email="grace@client.example"]').waitFor();
  await staff.screenshot({ path: `${resultsDir}/people.png`, fullPage: true });

  const invited = staff.locator('[data-testid=person][data-email="grace@client.example"] [data-testid=person-status]');
  assert.equal(await invited.textContent(), 'Invited');
  assert.equal(await staff.getByLabel('Name', { exact: true }).inputValue(), '', 'the form is ready for the next person');
  const link = await smtp.link('grace@client.example', `${portal.url}/invitation?token=`);

  // The client, in a browser of their own.
  const clientContext = await browser.newContext();
  const client = await clientContext.newPage();
  const clientErrors = watchForErrors(client);
  await client.goto(link);
  await client.getByTestId('invitation-form').waitFor();
  await client.waitForFunction(() => document.querySelector('[data-testid=invitation-submit]')?.disabled === false);
  await client.getByLabel(/Password/).fill('harbour lantern orchard violet');
  await client.getByTestId('invitation-submit').click();
  await client.getByTestId('invitation-accepted').waitFor();
  await client.screenshot({ path: `${resultsDir}/invitation-accepted.png`, fullPage: true });

  // The status in the directory follows.
  await staff.reload();
  const status = staff.locator('[data-testid=person][data-email="grace@client.example"] [data-testid=person-status]');
  await status.waitFor();
  assert.equal(await status.textContent(), 'Active');

  await client.goto(`${portal.url}/sign-in`);
  await client.getByTestId('totp-start').waitFor();
  await client.waitForFunction(() => document.querySelector('[data-testid=totp-start]') && document.querySelector('[data-testid=totp-start]')?.disabled === false);
  await client.getByTestId('totp-start').click();
  const secret = (await client.getByTestId('totp-secret').textContent()).trim();
  const [, proof] = await smtp.find('grace@client.example', /verification code is (\d{6})/);
  await client.getByTestId('totp-proof').fill(proof);
  await client.setViewportSize({ width: 390, height: 844 });
  await client.screenshot({ path: `${resultsDir}/totp-enrol-phone.png`, fullPage: true });
  await client.getByTestId('totp-code').fill(totpCode(secret));
  await client.getByTestId('totp-confirm').click();
  await client.getByTestId('recovery-codes').waitFor();
  await client.getByTestId('recovery-codes-done').click();
  await client.getByTestId('topbar-sign-out').click();
  await client.getByTestId('sign-in-form').waitFor();

  await signInWithPassword(client, { email: 'grace@client.example', password: 'harbour lantern orchard violet' });
  await client.getByTestId('sign-in-code-form').waitFor();
  await client.getByTestId('sign-in-code').fill(totpCode(secret, 1));
  await client.getByTestId('sign-in-code-submit').click();
  await client.getByTestId('signed-in').waitFor();
  assert.equal(await client.getByTestId('topbar-user').textContent(), 'Grace Hopper');
  assert.equal(await client.getByTestId('topbar-people').count(), 0, 'a client has no directory');

  assert.deepEqual(staffErrors.filter((e) => !/status of 403/.test(e)), [], 'no unexpected console errors (staff)');
  assert.deepEqual(clientErrors, [], 'no console errors (client)');
  await staffContext.close();
  await clientContext.close();
});
