// The foundation in a real browser: the page hydrates, a control only the Wasm can drive
// works, and the first administrator is created from the setup link printed at first run.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { enabled, hydrated, resultsDir, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let portal;
let browser;

before(async () => ({ portal, browser } = await startWorld()));
after(() => stopWorld({ portal, browser }));

test('the home page hydrates and its status check runs through the Wasm', async () => {
  const page = await browser.newPage();
  const errors = watchForErrors(page);
  await page.goto(portal.url);
  const button = page.getByTestId(T.STATUS_CHECK);
  // Server-rendered disabled; only the hydrated Wasm enables it.
  await button.waitFor();
  await enabled(page, T.STATUS_CHECK);
  await button.click();
  const result = page.getByTestId(T.STATUS_RESULT);
  await result.waitFor();
  assert.match(await result.textContent(), /Database: OK · Storage: OK/);
  await page.screenshot({ path: `${resultsDir}/home.png`, fullPage: true });
  assert.deepEqual(errors, [], 'no console errors or CSP refusals');
  await page.close();
});

test('the first administrator is created from the setup link, which then stops working', async () => {
  assert.ok(portal.setupLink, 'first run printed a setup link');
  const page = await browser.newPage();
  const errors = watchForErrors(page);
  await page.goto(portal.setupLink);
  await enabled(page, T.SETUP_SUBMIT);
  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill('ada@firm.example');
  await page.getByLabel(/Password/).fill('correct horse battery staple');
  await page.getByTestId(T.SETUP_SUBMIT).click();
  await page.getByTestId(T.SETUP_DONE).waitFor();
  await page.screenshot({ path: `${resultsDir}/setup-done.png`, fullPage: true });

  // The same link again: a sentence, not an account.
  await page.goto(portal.setupLink);
  await enabled(page, T.SETUP_SUBMIT);
  await page.getByLabel('Your name').fill('Eve');
  await page.getByLabel('Email').fill('eve@firm.example');
  await page.getByLabel(/Password/).fill('correct horse battery staple');
  await page.getByTestId(T.SETUP_SUBMIT).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /already used or has expired/);
  assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), [], 'no unexpected console errors');
  await page.close();
});

test('the administrator signs in and out; the session cookie is HttpOnly and SameSite=Lax', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchForErrors(page);
  await page.goto(`${portal.url}/sign-in`);
  // The Wasm's sign-in (the form alone also works: before-wasm.test.mjs).
  await hydrated(page);

  // A wrong password: one sentence, no session.
  await page.getByLabel('Email').fill('ada@firm.example');
  await page.getByLabel('Password').fill('not the password');
  await page.getByTestId(T.SIGN_IN_SUBMIT).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.textContent(), /do not match an active account/);
  // The only cookie is the reader's time zone (when.rs), which the page set when it loaded.
  assert.deepEqual((await context.cookies()).map((c) => c.name), ['dossier_tz']);

  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByTestId(T.SIGN_IN_SUBMIT).click();
  await page.getByTestId(T.SIGNED_IN).waitFor();
  assert.match(await page.getByTestId(T.SIGNED_IN).textContent(), /Welcome, Ada Lovelace/);
  const cookie = (await context.cookies()).find((c) => c.name === 'dossier_session');
  assert.ok(cookie, 'a session cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Lax');
  assert.equal(await page.getByTestId(T.TOPBAR_USER).textContent(), 'Ada Lovelace');
  await page.screenshot({ path: `${resultsDir}/signed-in.png`, fullPage: true });

  // A reload keeps the session: the server renders the signed-in page.
  await page.reload();
  await page.getByTestId(T.TOPBAR_USER).waitFor();

  // Change the password from the signed-in page; this session carries on.
  await page.getByLabel('Current password').fill('correct horse battery staple');
  await page.getByLabel(/New password/).fill('an even longer passphrase');
  await page.locator(`[data-testid=${T.PASSWORD_FORM}] button[type=submit]`).click();
  await page.getByTestId(T.PASSWORD_CHANGED).waitFor();
  await page.screenshot({ path: `${resultsDir}/password-changed.png`, fullPage: true });
  await page.reload();
  await page.getByTestId(T.TOPBAR_USER).waitFor();

  await page.waitForFunction((id) => document.querySelector(`[data-testid=${id}]`), T.TOPBAR_SIGN_OUT);
  await page.getByTestId(T.TOPBAR_SIGN_OUT).click();
  await page.getByTestId(T.SIGN_IN_FORM).waitFor();
  await page.getByRole('link', { name: 'Sign in' }).waitFor();
  assert.deepEqual(errors.filter((e) => !/status of 403/.test(e)), [], 'no unexpected console errors');
  await context.close();
});
