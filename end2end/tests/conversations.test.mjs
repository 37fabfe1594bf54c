// Conversations in a real browser: staff invite a client, put them on a matter and open a
// conversation that requires multi-factor authentication. The client follows the email's link
// on a phone-sized screen, sees nothing until they confirm a code sent by email, then reads and
// replies; staff see the reply arrive live. Then files go both ways: staff send a document from All Files
// (right-click, Send), the client downloads it and sends a file from the phone back; staff share
// a file (a live link), the client opens it, and staff remove access.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { confirm, createAdmin, enabled, resultsDir, signIn, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let portal;
let browser;
let smtp;

before(async () => ({ portal, browser, smtp } = await startWorld({ smtp: true })));
after(() => stopWorld({ portal, browser, smtp }));

const GRACE = 'grace@client.example';
const GRACE_PASSWORD = 'harbour lantern orchard violet';

test('a protected conversation opens for the client only after a code, and the reply reaches staff', async () => {
  const admin = await createAdmin(portal);
  const staffContext = await browser.newContext();
  const staff = await staffContext.newPage();
  const staffErrors = watchForErrors(staff);
  await signIn(staff, portal, admin);

  // Grace is invited by email and sets her password.
  await staff.goto(`${portal.url}/people`);
  await enabled(staff, T.ADD_PERSON);
  await staff.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await staff.getByLabel('Email', { exact: true }).fill(GRACE);
  await staff.getByTestId(T.ADD_PERSON).click();
  await staff.getByTestId(T.PERSON_ADDED).waitFor();
  const invitation = await smtp.link(GRACE, `${portal.url}/invitation?token=`);
  const clientContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const client = await clientContext.newPage();
  const clientErrors = watchForErrors(client);
  await client.goto(invitation);
  await enabled(client, T.INVITATION_SUBMIT);
  await client.getByLabel(/Password/).fill(GRACE_PASSWORD);
  await client.getByTestId(T.INVITATION_SUBMIT).click();
  await client.getByTestId(T.INVITATION_ACCEPTED).waitFor();

  // Staff open a matter, put Grace on it and start a protected conversation with her.
  await staff.goto(`${portal.url}/matters`);
  await enabled(staff, T.CREATE_MATTER);
  const create = staff.getByTestId(T.CREATE_MATTER_FORM);
  await create.getByLabel('Matter number').fill('2026-0200');
  await create.getByLabel('Name', { exact: true }).fill('Hopper settlement');
  await staff.getByTestId(T.CREATE_MATTER).click();
  await staff.getByTestId(T.MATTERS).getByText('Hopper settlement').click();
  await enabled(staff, T.ADD_MATTER_PERSON);
  await staff.getByTestId(T.ADD_MATTER_PERSON_FORM).getByLabel('Name or email of a person in the directory').fill(GRACE);
  await staff.getByTestId(T.ADD_MATTER_PERSON).click();
  await staff.getByTestId(T.MATTER_PEOPLE).getByText('Grace Hopper').waitFor();

  await enabled(staff, T.NEW_CONVERSATION);
  await staff.getByTestId(T.NEW_CONVERSATION).click();
  const form = staff.getByTestId(T.NEW_CONVERSATION_FORM);
  await form.getByLabel(/Grace Hopper/).check();
  await form.getByLabel('Subject', { exact: true }).fill('Settlement offer');
  await form.getByLabel('Message', { exact: true }).fill('The other side offers 125,000. Shall we accept?');
  await form.getByTestId(T.REQUIRES_SECOND_FACTOR).check();
  await staff.getByTestId(T.CREATE_CONVERSATION).click();
  await staff.getByTestId(T.CONVERSATION_SUBJECT).getByText('Settlement offer').waitFor();
  await staff.getByTestId(T.EXTERNAL_CONVERSATIONS).getByText('Settlement offer').waitFor();
  await staff.screenshot({ path: `${resultsDir}/conversation-staff.png`, fullPage: true });

  // The email says there is a secure message, not what it says; its link opens the conversation.
  const link = await smtp.link(GRACE, `${portal.url}/matters/`);
  const mail = smtp.mails.filter((m) => m.to.includes(GRACE)).map((m) => m.data).join('\n');
  assert.ok(!mail.includes('125,000'), 'the offer is not in any email');
  await client.goto(link);
  await client.getByTestId(T.STEP_UP).waitFor();
  assert.equal(await client.getByText('125,000').count(), 0, 'nothing shows before the code');
  assert.equal(await client.getByText('Settlement offer').count(), 0, 'not even the subject');
  await client.screenshot({ path: `${resultsDir}/conversation-locked.png`, fullPage: true });

  await enabled(client, T.EMAIL_CODE);
  await client.getByTestId(T.EMAIL_CODE).click();
  const [, code] = await smtp.find(GRACE, /verification code is (\d{6})/);
  await client.getByTestId(T.STEP_UP_CODE).fill(code);
  await client.getByTestId(T.STEP_UP_SUBMIT).click();
  // In the thread: the list's preview of it may show at the same moment.
  await client.getByTestId(T.MESSAGES_LIST).getByText('The other side offers 125,000. Shall we accept?').waitFor();
  await client.getByTestId(T.CONVERSATION_SUBJECT).getByText('Settlement offer').waitFor();

  // From here, what the staff page asks the server for its open conversation.
  const staffAsked = [];
  const onRequest = (r) => { if (r.url().includes('/api/conversations/get')) staffAsked.push(r.url()); };
  staff.on('request', onRequest);
  await client.getByTestId(T.REPLY).fill('Yes, please accept.');
  await client.getByTestId(T.SEND_MESSAGE).click();
  await client.getByTestId(T.MESSAGES_LIST).getByText('Yes, please accept.').waitFor();
  assert.equal(await client.getByTestId(T.REPLY).inputValue(), '', 'the reply box empties');
  await client.screenshot({ path: `${resultsDir}/conversation-client.png`, fullPage: true });

  // Staff have the conversation open: the reply appears there live, without a reload.
  await staff.getByTestId(T.MESSAGES_LIST).getByText('Yes, please accept.').waitFor();
  // A screen reader hears of it too.
  await staff.waitForFunction((id) => document.querySelector(`[data-testid=${id}]`)?.textContent === 'New message from Grace Hopper: Yes, please accept.', T.ANNOUNCED);
  // It came with the change: the open conversation was not asked for again, and its line in the
  // list shows it.
  await staff.getByTestId(T.EXTERNAL_CONVERSATIONS).getByText('Yes, please accept.').waitFor();
  staff.off('request', onRequest);
  assert.deepEqual(staffAsked, [], 'no reload of the open conversation');

  // Staff put the deed in All Files and send it from there: right-click, Send, then Send files
  // in the open conversation, with no text.
  await enabled(staff, T.UPLOAD_INPUT);
  await staff.getByTestId(T.UPLOAD_INPUT).setInputFiles([
    { name: 'Deed of settlement.txt', mimeType: 'text/plain', buffer: Buffer.from('Deed of settlement: 125,000.\n') },
  ]);
  const deed = staff.getByTestId(T.DOCUMENT_ROW).filter({ hasText: 'Deed of settlement.txt' });
  await deed.waitFor();
  await deed.click({ button: 'right' });
  await deed.getByTestId(T.SEND_ITEM).click();
  // It waits in the open conversation's reply box, the message it will go with.
  await staff.getByTestId(T.COMPOSER).getByTestId(T.SENDING).getByText('Deed of settlement.txt').waitFor();
  assert.equal(await staff.getByTestId(T.NEW_CONVERSATION_FORM).count(), 0, 'no new conversation opened for it');
  await staff.getByTestId(T.SEND_MESSAGE).getByText('Send files').waitFor();
  await staff.getByTestId(T.SEND_MESSAGE).click();
  await staff.getByTestId(T.MESSAGES_LIST).getByTestId(T.ATTACHMENT).filter({ hasText: 'Deed of settlement.txt' }).waitFor();
  await staff.getByTestId(T.SENDING).waitFor({ state: 'detached' });
  await staff.screenshot({ path: `${resultsDir}/conversation-sent-file.png`, fullPage: true });

  // Grace sees it, downloads it, and sends a signed copy back from her phone.
  await client.reload();
  const sent = client.getByTestId(T.ATTACHMENT).filter({ hasText: 'Deed of settlement.txt' });
  await sent.waitFor();
  const [download] = await Promise.all([client.waitForEvent('download'), sent.getByRole('link', { name: 'Deed of settlement.txt' }).click()]);
  assert.equal(download.suggestedFilename(), 'Deed of settlement.txt');
  const saved = await download.createReadStream();
  let text = '';
  for await (const chunk of saved) text += chunk;
  assert.equal(text, 'Deed of settlement: 125,000.\n');

  await enabled(client, T.SEND_MESSAGE);
  await client.getByTestId(T.ATTACH_INPUT).setInputFiles([
    { name: 'Signed deed.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 signed') },
  ]);
  await client.getByTestId(T.ATTACHED_FILE).filter({ hasText: 'Signed deed.pdf' }).getByText('15 bytes').waitFor();
  await client.getByTestId(T.REPLY).fill('Signed and attached.');
  await client.getByTestId(T.SEND_MESSAGE).click();
  await client.getByTestId(T.MESSAGES_LIST).getByTestId(T.ATTACHMENT).filter({ hasText: 'Signed deed.pdf' }).waitFor();
  await client.screenshot({ path: `${resultsDir}/conversation-client-files.png`, fullPage: true });

  await staff.reload();
  await staff.getByTestId(T.EXTERNAL_CONVERSATIONS).getByText('Settlement offer').click();
  await staff.getByTestId(T.MESSAGES_LIST).getByTestId(T.ATTACHMENT).filter({ hasText: 'Signed deed.pdf' }).waitFor();

  // Staff share the deed instead (a live link) with a note.
  await deed.click({ button: 'right' });
  await deed.getByTestId(T.SHARE_ITEM).click();
  await staff.getByTestId(T.COMPOSER).getByTestId(T.SENDING).getByText('Deed of settlement.txt').waitFor();
  await staff.getByTestId(T.REPLY).fill('The deed, always up to date.');
  await staff.getByTestId(T.SEND_MESSAGE).click();
  await staff.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).filter({ hasText: 'Deed of settlement.txt' }).waitFor();

  // Grace opens it from the conversation: the viewer shows its last update and the text.
  await client.reload();
  await client.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).filter({ hasText: 'Deed of settlement.txt' }).getByRole('button').click();
  await client.getByTestId(T.SHARE_VIEWER).getByTestId(T.SHARE_NAME).getByText('Deed of settlement.txt').waitFor();
  assert.match(await client.getByTestId(T.SHARE_UPDATED).textContent(), /Last updated .* by Ada Lovelace/);
  await client.frameLocator(`[data-testid=${T.SHARE_VIEWER}] iframe`).getByText('Deed of settlement: 125,000.').waitFor();
  assert.equal(await client.getByTestId(T.SHARE_MORE).count(), 0, 'a client cannot remove access');
  await client.getByTestId(T.SHARED_LIST).getByText('Deed of settlement.txt').waitFor();
  await client.screenshot({ path: `${resultsDir}/share-client.png`, fullPage: true });

  // Staff remove access from the viewer's menu while Grace has it open: her viewer says so at
  // once, with the way back; her next look finds it gone.
  await staff.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).getByRole('button').click();
  await staff.getByTestId(T.SHARE_MORE).click();
  await staff.getByTestId(T.REVOKE_SHARE).click();
  await confirm(staff);
  await staff.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).getByText('Access removed').waitFor();
  await client.getByTestId(T.SHARE_VIEWER).getByTestId(T.ACCESS_REMOVED).waitFor();
  assert.equal(await client.frameLocator(`[data-testid=${T.SHARE_VIEWER}] iframe`).getByText('Deed of settlement: 125,000.').count(), 0, 'nothing of it shows');
  await client.getByTestId(T.SHARE_VIEWER).getByRole('button', { name: 'Back to the conversation' }).click();
  await client.getByTestId(T.SHARE_VIEWER).waitFor({ state: 'detached' });
  await client.reload();
  await client.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).getByText('Access removed').waitFor();
  assert.equal(await client.getByTestId(T.SHARED_LIST).getByText('Deed of settlement.txt').count(), 0);

  // Formatting: Grace writes a list with emphasis and an address; staff see it formatted, live,
  // the address a link that opens apart from the portal, and her raw HTML as typed.
  await client.getByTestId(T.REPLY).fill('Two things:\n\n- **sign** the deed\n- read https://court.example/rules\n\n<b>not bold</b>');
  await client.getByTestId(T.SEND_MESSAGE).click();
  const formatted = staff.getByTestId(T.MESSAGES_LIST).getByTestId(T.MESSAGE).filter({ hasText: 'Two things:' });
  await formatted.locator('li strong', { hasText: 'sign' }).waitFor();
  const rules = formatted.getByRole('link', { name: 'https://court.example/rules' });
  assert.equal(await rules.getAttribute('href'), 'https://court.example/rules');
  assert.equal(await rules.getAttribute('target'), '_blank');
  assert.equal(await rules.getAttribute('rel'), 'noopener noreferrer');
  await formatted.getByText('<b>not bold</b>').waitFor();
  assert.equal(await formatted.locator('b').count(), 0);

  // A viewer open when its share is revoked may look again once and be told it is gone (404).
  assert.deepEqual(staffErrors.filter((e) => !/status of 404/.test(e)), [], 'no unexpected console errors (staff)');
  // The locked conversation's first load is a 403 by design, and the open viewer's look after
  // the revocation a 404.
  assert.deepEqual(clientErrors.filter((e) => !/status of 40[34]/.test(e)), [], 'no unexpected console errors (client)');
  await staffContext.close();
  await clientContext.close();
});
