// Accounts in a real browser: the administrator sets up an authenticator app from the QR code's
// key (proving it is them with a code sent by email) and signs in with password and code; staff invite a client by email, and the client accepts
// in a second browser, enrols an authenticator app, signs out and in again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, createAdmin, enabled, hydrated, resultsDir, signIn, startWorld, stopWorld, T, totpCode, watchForErrors } from './portal.mjs';

let portal;
let browser;
let smtp;
let adminCodes;

before(async () => ({ portal, browser, smtp } = await startWorld({ smtp: true })));
after(() => stopWorld({ portal, browser, smtp }));

test('an administrator enrols an authenticator app, then signs in with password and code', async () => {
  const account = await createAdmin(portal);
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = watchForErrors(page);
  await signIn(page, portal, account);

  await page.getByTestId(T.TOTP_START).click();
  const secret = (await page.getByTestId(T.TOTP_SECRET).textContent()).trim();
  assert.match(secret, /^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
  assert.equal(await page.locator('.qr svg').count(), 1, 'the QR code is drawn');

  // The account can receive email, so setting up an app also asks for the code just emailed:
  // the password alone must not add a second factor.
  const [, proof] = await smtp.find(account.email, /verification code is (\d{6})/);
  await page.getByTestId(T.TOTP_PROOF).fill(proof);

  // A wrong code first: a sentence, nothing enrolled.
  await page.getByTestId(T.TOTP_CODE).fill(totpCode(secret, 7));
  await page.getByTestId(T.TOTP_CONFIRM).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').textContent(), /not right/);

  await page.getByTestId(T.TOTP_CODE).fill(totpCode(secret));
  await page.getByTestId(T.TOTP_CONFIRM).click();
  await page.getByTestId(T.RECOVERY_CODES).waitFor();
  const codes = await page.locator(`[data-testid=${T.RECOVERY_CODES}] li`).allTextContents();
  assert.equal(codes.length, 10);
  adminCodes = codes;
  assert.equal(new Set(codes).size, 10);
  await page.screenshot({ path: `${resultsDir}/recovery-codes.png`, fullPage: true });
  await page.getByTestId(T.RECOVERY_CODES_DONE).click();
  await page.getByTestId(T.SECOND_FACTOR_ON).waitFor();

  await page.getByTestId(T.TOPBAR_SIGN_OUT).click();
  await page.getByTestId(T.SIGN_IN_FORM).waitFor();

  // The password alone is not enough now.
  await signIn(page, portal, account, { then: 'code' });
  assert.equal(await page.getByTestId(T.SIGNED_IN).count(), 0);
  await page.screenshot({ path: `${resultsDir}/sign-in-code.png`, fullPage: true });
  // The enrolment code is spent; the next step's code is accepted.
  await page.getByTestId(T.SIGN_IN_CODE).fill(totpCode(secret, 1));
  await page.getByTestId(T.SIGN_IN_CODE_SUBMIT).click();
  await page.getByTestId(T.SIGNED_IN).waitFor();
  assert.equal(await page.getByTestId(T.TOPBAR_USER).textContent(), 'Ada Lovelace');
  await page.getByTestId(T.SECOND_FACTOR_ON).waitFor();

  // And a recovery code signs in once.
  await page.getByTestId(T.TOPBAR_SIGN_OUT).click();
  await page.getByTestId(T.SIGN_IN_FORM).waitFor();
  await signIn(page, portal, account, { then: 'code' });
  await page.getByTestId(T.SIGN_IN_CODE).fill(codes[0]);
  await page.getByTestId(T.SIGN_IN_CODE_SUBMIT).click();
  await page.getByTestId(T.SIGNED_IN).waitFor();

  assert.deepEqual(errors.filter((e) => !/status of 403/.test(e)), [], 'no unexpected console errors');
  await context.close();
});

test('staff invite a client by email; the client accepts, enrols an app, and signs in with it', async () => {
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  const staffErrors = watchForErrors(staff);
  // The administrator has two-step verification from the test above: a recovery code signs in.
  // (codes[0] was spent there.)
  await signIn(staff, portal, { email: 'ada@firm.example', password: 'correct horse battery staple' }, { then: 'code' });
  await staff.getByTestId(T.SIGN_IN_CODE).fill(adminCodes[1]);
  await staff.getByTestId(T.SIGN_IN_CODE_SUBMIT).click();
  await staff.getByTestId(T.TOPBAR_PEOPLE).click();
  await staff.getByTestId(T.ADD_PERSON_FORM).waitFor();
  await enabled(staff, T.ADD_PERSON);
  await staff.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await staff.getByLabel('Email', { exact: true }).fill('grace@client.example');
  await staff.getByLabel(/Mobile number/).fill('+44 7700 900123');
  await staff.getByTestId(T.ADD_PERSON).click();
  await staff.getByTestId(T.PERSON_ADDED).waitFor();
  await staff.locator(`[data-testid=${T.PERSON}][data-email="grace@client.example"]`).waitFor();
  await staff.screenshot({ path: `${resultsDir}/people.png`, fullPage: true });

  const invited = staff.locator(`[data-testid=${T.PERSON}][data-email="grace@client.example"] [data-testid=${T.PERSON_STATUS}]`);
  assert.equal(await invited.textContent(), 'Invited');
  assert.equal(await staff.getByLabel('Name', { exact: true }).inputValue(), '', 'the form is ready for the next person');
  const link = await smtp.link('grace@client.example', `${portal.url}/invitation?token=`);

  // The client, in a browser of their own.
  const clientContext = await browser.newContext();
  const client = await clientContext.newPage();
  const clientErrors = watchForErrors(client);
  await client.goto(link);
  await client.getByTestId(T.INVITATION_FORM).waitFor();
  await enabled(client, T.INVITATION_SUBMIT);
  await client.getByLabel(/Password/).fill('harbour lantern orchard violet');
  await client.getByTestId(T.INVITATION_SUBMIT).click();
  await client.getByTestId(T.INVITATION_ACCEPTED).waitFor();
  await client.screenshot({ path: `${resultsDir}/invitation-accepted.png`, fullPage: true });

  // The status in the directory follows.
  await staff.reload();
  const status = staff.locator(`[data-testid=${T.PERSON}][data-email="grace@client.example"] [data-testid=${T.PERSON_STATUS}]`);
  await status.waitFor();
  assert.equal(await status.textContent(), 'Active');

  await client.goto(`${portal.url}/sign-in`);
  await client.getByTestId(T.TOTP_START).waitFor();
  await enabled(client, T.TOTP_START);
  await client.getByTestId(T.TOTP_START).click();
  const secret = (await client.getByTestId(T.TOTP_SECRET).textContent()).trim();
  const [, proof] = await smtp.find('grace@client.example', /verification code is (\d{6})/);
  await client.getByTestId(T.TOTP_PROOF).fill(proof);
  await client.setViewportSize({ width: 390, height: 844 });
  await client.screenshot({ path: `${resultsDir}/totp-enrol-phone.png`, fullPage: true });
  await client.getByTestId(T.TOTP_CODE).fill(totpCode(secret));
  await client.getByTestId(T.TOTP_CONFIRM).click();
  await client.getByTestId(T.RECOVERY_CODES).waitFor();
  await client.getByTestId(T.RECOVERY_CODES_DONE).click();
  await client.getByTestId(T.TOPBAR_SIGN_OUT).click();
  await client.getByTestId(T.SIGN_IN_FORM).waitFor();

  await signIn(client, portal, { email: 'grace@client.example', password: 'harbour lantern orchard violet' }, { then: 'code' });
  await client.getByTestId(T.SIGN_IN_CODE).fill(totpCode(secret, 1));
  await client.getByTestId(T.SIGN_IN_CODE_SUBMIT).click();
  await client.getByTestId(T.SIGNED_IN).waitFor();
  assert.equal(await client.getByTestId(T.TOPBAR_USER).textContent(), 'Grace Hopper');
  assert.equal(await client.getByTestId(T.TOPBAR_PEOPLE).count(), 0, 'a client has no directory');

  assert.deepEqual(staffErrors.filter((e) => !/status of 403/.test(e)), [], 'no unexpected console errors (staff)');
  assert.deepEqual(clientErrors, [], 'no console errors (client)');
  await staffContext.close();
  await clientContext.close();
});

test('a signed-out tap on a conversation link signs in on that page, code included, and opens the conversation', async () => {
  // Ada (with her app, from the first test) makes a conversation through the API.
  const staffContext = await browser.newContext({ timezoneId: 'America/New_York' });
  const staff = await staffContext.newPage();
  await signIn(staff, portal, { email: 'ada@firm.example', password: 'correct horse battery staple' }, { then: 'code' });
  await staff.getByTestId(T.SIGN_IN_CODE).fill(adminCodes[2]);
  await staff.getByTestId(T.SIGN_IN_CODE_SUBMIT).click();
  await staff.getByTestId(T.SIGNED_IN).waitFor();
  const matter = await api(staffContext, portal, 'matters/create', { number: 'LINK-1', name: 'From an email' });
  const sam = await api(staffContext, portal, 'people/add', { display_name: 'Sam Staff', email: 'sam@firm.example', role: 'staff' });
  const conversation = await api(staffContext, portal, 'conversations/create', {
    matter_id: matter.id, subject: 'Followed link', body: 'Read me after signing in', internal: 'true', 'participants[0]': sam.id,
  });
  const url = `${portal.url}/matters/${matter.id}?conversation=${conversation}`;

  // Signed out, on a phone: the link shows the sign-in steps in place of the page.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, timezoneId: 'Asia/Tokyo' });
  const page = await context.newPage();
  const errors = watchForErrors(page);
  await page.goto(url);
  await page.getByTestId(T.SIGN_IN_HERE).waitFor();
  await enabled(page, T.SIGN_IN_SUBMIT);
  await page.getByLabel('Email').fill('ada@firm.example');
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByTestId(T.SIGN_IN_SUBMIT).click();
  await page.getByTestId(T.SIGN_IN_CODE_FORM).waitFor();
  await page.screenshot({ path: `${resultsDir}/sign-in-here-code.png`, fullPage: true });
  await page.getByTestId(T.SIGN_IN_CODE).fill(adminCodes[3]);
  await page.getByTestId(T.SIGN_IN_CODE_SUBMIT).click();
  await page.getByTestId(T.MESSAGES_LIST).getByText('Read me after signing in').waitFor();
  assert.equal(page.url(), url, 'the same address, now showing the conversation');

  // Each reader sees the message's time on their own clock: Tokyo on the phone, New York at
  // the firm (both rendered by the server from the zone the browser told it, then hydrated).
  const clock = (iso, timeZone) => new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  await staff.goto(url);
  for (const [reader, zone] of [[page, 'Asia/Tokyo'], [staff, 'America/New_York']]) {
    await hydrated(reader);
    const time = reader.getByTestId(T.MESSAGES_LIST).locator('time').first();
    const iso = await time.getAttribute('datetime');
    assert.match(await time.textContent(), new RegExp(`${clock(iso, zone)}$`), zone);
    assert.match(await time.getAttribute('title'), /\(UTC[+-]\d\d:\d\d\)$/);
  }
  assert.deepEqual(errors.filter((e) => !/status of 401/.test(e)), [], 'no unexpected console errors');

  // Staff put the client guide's link in the reply box (seen before it is sent), then send it.
  await staff.getByTestId(T.SEND_GUIDE).click();
  assert.equal(await staff.getByTestId(T.REPLY).inputValue(), `A short guide to using this portal: ${portal.url}/guide`);
  await staff.getByTestId(T.SEND_MESSAGE).click();
  await page.getByTestId(T.MESSAGES_LIST).getByText(`${portal.url}/guide`).waitFor();
  await staffContext.close();
  await context.close();
});
