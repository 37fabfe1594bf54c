// The forms that matter work before the Wasm arrives (a phone on slow data, or scripts off):
// signing in, with its mistakes said, and replying in a conversation. The browser here runs no
// JavaScript at all, so every step is a plain HTML form the server answers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, createAdmin, hydrated, resultsDir, signIn, startWorld, stopWorld, T } from './portal.mjs';

let portal;
let browser;
let admin;
let sam;

async function conversationOn(context, number) {
  const matter = await api(context, portal, 'matters/create', { number, name: 'Before the Wasm' });
  sam ??= await api(context, portal, 'people/add', { display_name: 'Sam Staff', email: 'sam@firm.example', role: 'staff' });
  const conversation = await api(context, portal, 'conversations/create', {
    matter_id: matter.id, subject: 'Plain forms', body: 'First', internal: 'true', 'participants[0]': sam.id,
  });
  return `${portal.url}/matters/${matter.id}?conversation=${conversation}`;
}

before(async () => ({ portal, browser } = await startWorld()));
after(() => stopWorld({ portal, browser }));

test('signing in and replying work as plain forms, before any script runs', async () => {
  admin = await createAdmin(portal);
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();

  await page.goto(`${portal.url}/sign-in`);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByTestId(T.SIGN_IN_SUBMIT).click();
  await page.getByText('That did not sign you in').waitFor();
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByTestId(T.SIGN_IN_SUBMIT).click();
  await page.getByTestId(T.SIGNED_IN).waitFor();

  // A matter and a conversation on it, made through the API with this browser's session.
  const url = await conversationOn(context, 'NJ-1');
  await page.goto(url);
  await page.getByTestId(T.PLAIN_REPLY).fill('Sent without the Wasm');
  await page.getByTestId(T.PLAIN_REPLY_FORM).getByRole('button', { name: 'Send' }).click();
  await page.getByTestId(T.MESSAGES_LIST).getByText('Sent without the Wasm').waitFor();
  assert.equal(page.url(), url, 'back on the conversation');

  // A reply the server refuses (the matter was closed after the page loaded) says so, and the
  // next one that goes through clears it.
  const matterId = new URL(url).pathname.split('/').pop();
  await page.getByTestId(T.PLAIN_REPLY).fill('Sent to a closed matter');
  await api(context, portal, 'matters/status', { id: matterId, open: 'false' });
  await page.getByTestId(T.PLAIN_REPLY_FORM).getByRole('button', { name: 'Send' }).click();
  await page.getByText('Your reply was not sent').waitFor();
  await page.screenshot({ path: `${resultsDir}/reply-not-sent.png`, fullPage: true });
  assert.equal(await page.getByText('Sent to a closed matter').count(), 0, 'nothing was posted');
  assert.equal(await page.getByTestId(T.PLAIN_REPLY_FORM).count(), 0, 'no reply box on a closed matter');
  await api(context, portal, 'matters/status', { id: matterId, open: 'true' });
  await page.reload();
  await page.getByTestId(T.PLAIN_REPLY).fill('Sent once it reopened');
  await page.getByTestId(T.PLAIN_REPLY_FORM).getByRole('button', { name: 'Send' }).click();
  await page.getByTestId(T.MESSAGES_LIST).getByText('Sent once it reopened').waitFor();
  assert.equal(await page.getByText('Your reply was not sent').count(), 0, 'the refusal is gone');
  assert.equal(page.url(), url, 'and so is its mark in the address');
  await context.close();
});

test('what is typed before the Wasm arrives stays in the reply box when it does', async () => {
  // The service worker would answer for the Wasm from its cache, out of the route's reach.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  await signIn(page, portal, admin);
  const url = await conversationOn(context, 'NJ-2');
  let release;
  const arrived = new Promise((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => { await arrived; await route.continue(); });
  await page.goto(url);
  await page.getByTestId(T.PLAIN_REPLY).fill('Typed while it loaded');
  release();
  await hydrated(page);
  await page.getByTestId(T.REPLY).waitFor();
  assert.equal(await page.getByTestId(T.REPLY).inputValue(), 'Typed while it loaded');
  assert.equal(await page.getByTestId(T.PLAIN_REPLY).count(), 0, 'one reply box, not two');
  await context.close();
});

test('a signed-out visitor opening a conversation link signs in on that page, before any script runs', async () => {
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  await signIn(staff, portal, admin);
  const url = await conversationOn(staffContext, 'NJ-3');
  await staffContext.close();

  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId(T.SIGN_IN_HERE).waitFor();
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByTestId(T.SIGN_IN_SUBMIT).click();
  await page.getByText('That did not sign you in').waitFor();
  assert.equal(new URL(page.url()).pathname, new URL(url).pathname, 'still on the page the link opened');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByTestId(T.SIGN_IN_SUBMIT).click();
  await page.getByTestId(T.MESSAGES_LIST).getByText('First').waitFor();
  assert.equal(page.url(), url, 'the address the link had, with no mark left in it');
  await context.close();
});

test('the client guide is read on a phone with no script at all', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 780 } });
  const page = await context.newPage();
  await page.goto(`${portal.url}/guide`);
  await page.getByTestId(T.GUIDE).getByRole('heading', { name: 'Accept your invitation' }).waitFor();
  await page.getByRole('link', { name: 'Download a file and check it' }).click();
  assert.equal(new URL(page.url()).hash, '#download');
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), 'no sideways scroll');
  await page.screenshot({ path: `${resultsDir}/guide-phone.png`, fullPage: true });
  await context.close();
});
