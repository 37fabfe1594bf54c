// Conversations in a real browser: staff invite a client, put them on a matter and open a
// conversation that requires multi-factor authentication. The client follows the email's link
// on a phone-sized screen, sees nothing until they confirm a code sent by email, then reads and
// replies; staff see the reply arrive live. Then files go both ways: staff send a document from All Files
// (right-click, Send), the client downloads it and sends a file from the phone back; staff share
// a file (a live link), the client opens it, and staff remove access.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAdmin, launchBrowser, resultsDir, startPortal, startSmtpSink, watchForErrors } from './portal.mjs';

let portal;
let browser;
let smtp;

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

const GRACE = 'grace@client.example';
const GRACE_PASSWORD = 'harbour lantern orchard violet';

async function signIn(page, { email, password }) {
  await page.goto(`${portal.url}/sign-in`);
  await page.waitForFunction(() => document.querySelector('[data-testid=sign-in-submit]')?.disabled === false);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('signed-in').waitFor();
}

test('a protected conversation opens for the client only after a code, and the reply reaches staff', async () => {
  const admin = await createAdmin(portal);
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  const staffErrors = watchForErrors(staff);
  await signIn(staff, admin);

  // Grace is invited by email and sets her password.
  await staff.goto(`${portal.url}/people`);
  await staff.waitForFunction(() => document.querySelector('[data-testid=add-person]')?.disabled === false);
  await staff.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await staff.getByLabel('Email', { exact: true }).fill(GRACE);
  await staff.getByTestId('add-person').click();
  await staff.getByTestId('person-added').waitFor();
  const invitation = await smtp.link(GRACE, `${portal.url}/invitation?token=`);
  const clientContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const client = await clientContext.newPage();
  const clientErrors = watchForErrors(client);
  await client.goto(invitation);
  await client.waitForFunction(() => document.querySelector('[data-testid=invitation-submit]')?.disabled === false);
  await client.getByLabel(/Password/).fill(GRACE_PASSWORD);
  await client.getByTestId('invitation-submit').click();
  await client.getByTestId('invitation-accepted').waitFor();

  // Staff open a matter, put Grace on it and start a protected conversation with her.
  await staff.goto(`${portal.url}/matters`);
  await staff.waitForFunction(() => document.querySelector('[data-testid=create-matter]')?.disabled === false);
  const create = staff.getByTestId('create-matter-form');
  await create.getByLabel('Matter number').fill('2026-0200');
  await create.getByLabel('Name', { exact: true }).fill('Hopper settlement');
  await staff.getByTestId('create-matter').click();
  await staff.getByTestId('matters').getByText('Hopper settlement').click();
  await staff.waitForFunction(() => document.querySelector('[data-testid=add-matter-person]')?.disabled === false);
  await staff.getByTestId('add-matter-person-form').getByLabel('Email of a person in the directory').fill(GRACE);
  await staff.getByTestId('add-matter-person').click();
  await staff.getByTestId('matter-people').getByText('Grace Hopper').waitFor();

  await staff.waitForFunction(() => document.querySelector('[data-testid=new-conversation]')?.disabled === false);
  await staff.getByTestId('new-conversation').click();
  const form = staff.getByTestId('new-conversation-form');
  await form.getByLabel(/Grace Hopper/).check();
  await form.getByLabel('Subject', { exact: true }).fill('Settlement offer');
  await form.getByLabel('Message', { exact: true }).fill('The other side offers 125,000. Shall we accept?');
  await form.getByTestId('requires-second-factor').check();
  await staff.getByTestId('create-conversation').click();
  await staff.getByTestId('conversation-subject').getByText('Settlement offer').waitFor();
  await staff.getByTestId('external-conversations').getByText('Settlement offer').waitFor();
  await staff.screenshot({ path: `${resultsDir}/conversation-staff.png`, fullPage: true });

  // The email says there is a secure message, not what it says; its link opens the conversation.
  const link = await smtp.link(GRACE, `${portal.url}/matters/`);
  const mail = smtp.mails.filter((m) => m.to.includes(GRACE)).map((m) => m.data).join('\n');
  assert.ok(!mail.includes('125,000'), 'the offer is not in any email');
  await client.goto(link);
  await client.getByTestId('step-up').waitFor();
  assert.equal(await client.getByText('125,000').count(), 0, 'nothing shows before the code');
  assert.equal(await client.getByText('Settlement offer').count(), 0, 'not even the subject');
  await client.screenshot({ path: `${resultsDir}/conversation-locked.png`, fullPage: true });

  await client.waitForFunction(() => document.querySelector('[data-testid=email-code]')?.disabled === false);
  await client.getByTestId('email-code').click();
  const [, code] = await smtp.find(GRACE, /verification code is (\d{6})/);
  await client.getByTestId('step-up-code').fill(code);
  await client.getByTestId('step-up-submit').click();
  await client.getByText('The other side offers 125,000. Shall we accept?').waitFor();
  await client.getByTestId('conversation-subject').getByText('Settlement offer').waitFor();

  await client.getByTestId('reply').fill('Yes, please accept.');
  await client.getByTestId('send-message').click();
  await client.getByTestId('messages-list').getByText('Yes, please accept.').waitFor();
  assert.equal(await client.getByTestId('reply').inputValue(), '', 'the reply box empties');
  await client.screenshot({ path: `${resultsDir}/conversation-client.png`, fullPage: true });

  // Staff have the conversation open: the reply appears there live, without a reload.
  await staff.getByTestId('messages-list').getByText('Yes, please accept.').waitFor();

  // Staff put the deed in All Files and send it from there: right-click, Send, then Send files
  // in the open conversation, with no text.
  await staff.waitForFunction(() => document.querySelector('[data-testid=upload-input]')?.disabled === false);
  await staff.getByTestId('upload-input').setInputFiles([
    { name: 'Deed of settlement.txt', mimeType: 'text/plain', buffer: Buffer.from('Deed of settlement: 125,000.\n') },
  ]);
  const deed = staff.getByTestId('document-row').filter({ hasText: 'Deed of settlement.txt' });
  await deed.waitFor();
  await deed.click({ button: 'right' });
  await deed.getByTestId('send-item').click();
  await staff.getByTestId('sending').getByText('Deed of settlement.txt').waitFor();
  await staff.getByTestId('send-message').getByText('Send files').waitFor();
  await staff.getByTestId('send-message').click();
  await staff.getByTestId('messages-list').getByTestId('attachment').filter({ hasText: 'Deed of settlement.txt' }).waitFor();
  await staff.getByTestId('sending').waitFor({ state: 'detached' });
  await staff.screenshot({ path: `${resultsDir}/conversation-sent-file.png`, fullPage: true });

  // Grace sees it, downloads it, and sends a signed copy back from her phone.
  await client.reload();
  const sent = client.getByTestId('attachment').filter({ hasText: 'Deed of settlement.txt' });
  await sent.waitFor();
  const [download] = await Promise.all([client.waitForEvent('download'), sent.getByRole('link', { name: 'Deed of settlement.txt' }).click()]);
  assert.equal(download.suggestedFilename(), 'Deed of settlement.txt');
  const saved = await download.createReadStream();
  let text = '';
  for await (const chunk of saved) text += chunk;
  assert.equal(text, 'Deed of settlement: 125,000.\n');

  await client.waitForFunction(() => document.querySelector('[data-testid=send-message]')?.disabled === false);
  await client.getByTestId('attach-input').setInputFiles([
    { name: 'Signed deed.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 signed') },
  ]);
  await client.getByTestId('attached-file').filter({ hasText: 'Signed deed.pdf' }).getByText('15 bytes').waitFor();
  await client.getByTestId('reply').fill('Signed and attached.');
  await client.getByTestId('send-message').click();
  await client.getByTestId('messages-list').getByTestId('attachment').filter({ hasText: 'Signed deed.pdf' }).waitFor();
  await client.screenshot({ path: `${resultsDir}/conversation-client-files.png`, fullPage: true });

  await staff.reload();
  await staff.getByTestId('external-conversations').getByText('Settlement offer').click();
  await staff.getByTestId('messages-list').getByTestId('attachment').filter({ hasText: 'Signed deed.pdf' }).waitFor();

  // Staff share the deed instead (a live link) with a note.
  await deed.click({ button: 'right' });
  await deed.getByTestId('share-item').click();
  await staff.getByTestId('sending').getByText('Deed of settlement.txt').waitFor();
  await staff.getByTestId('reply').fill('The deed, always up to date.');
  await staff.getByTestId('send-message').click();
  await staff.getByTestId('messages-list').getByTestId('shared-item').filter({ hasText: 'Deed of settlement.txt' }).waitFor();

  // Grace opens it from the conversation: the viewer shows its last update and the text.
  await client.reload();
  await client.getByTestId('messages-list').getByTestId('shared-item').filter({ hasText: 'Deed of settlement.txt' }).getByRole('button').click();
  await client.getByTestId('share-viewer').getByTestId('share-name').getByText('Deed of settlement.txt').waitFor();
  assert.match(await client.getByTestId('share-updated').textContent(), /Last updated .* by Ada Lovelace/);
  await client.frameLocator('[data-testid=share-viewer] iframe').getByText('Deed of settlement: 125,000.').waitFor();
  assert.equal(await client.getByTestId('share-more').count(), 0, 'a client cannot remove access');
  await client.getByTestId('shared-list').getByText('Deed of settlement.txt').waitFor();
  await client.screenshot({ path: `${resultsDir}/share-client.png`, fullPage: true });

  // Staff remove access from the viewer's menu; Grace's next look finds it gone.
  await staff.getByTestId('messages-list').getByTestId('shared-item').getByRole('button').click();
  await staff.getByTestId('share-more').click();
  await staff.getByTestId('revoke-share').click();
  await staff.getByTestId('messages-list').getByTestId('shared-item').getByText('Access removed').waitFor();
  await client.reload();
  await client.getByTestId('messages-list').getByTestId('shared-item').getByText('Access removed').waitFor();
  assert.equal(await client.getByTestId('shared-list').getByText('Deed of settlement.txt').count(), 0);

  assert.deepEqual(staffErrors, [], 'no console errors (staff)');
  // The locked conversation's first load is a 403 by design.
  assert.deepEqual(clientErrors.filter((e) => !/status of 403/.test(e)), [], 'no unexpected console errors (client)');
  await staffContext.close();
  await clientContext.close();
});
