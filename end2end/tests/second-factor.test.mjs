// Two-step verification in a real browser: the administrator sets up an authenticator app from
// the QR code's key, keeps the recovery codes, and from then on signs in with password and code.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAdmin, launchBrowser, resultsDir, startPortal, totpCode, watchForErrors } from './portal.mjs';

let portal;
let browser;

before(async () => {
  portal = await startPortal();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  portal?.stop();
});

async function signInWithPassword(page, { email, password }) {
  await page.goto(`${portal.url}/sign-in`);
  await page.waitForFunction(() => !document.querySelector('[data-testid=sign-in-submit]').disabled);
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
