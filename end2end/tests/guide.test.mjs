// The reference guide (shared/reference/client-portal-guide.txt), every step in order, in a real
// browser: first in the matter window on a desktop, then "from the browser or the mobile app" on
// a 390 px phone. Each step below quotes the guide's line it follows. The client reads what is
// sent and shared on her own phone, and the texts go to an SMS gateway on loopback.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, confirm, createAdmin, enabled, hydrated, resultsDir, signIn, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let world;

before(async () => { world = await startWorld({ smtp: true, sms: true }); });
after(() => stopWorld(world));

const GRACE = 'grace@client.example';
const GRACE_MOBILE = '+447700900123';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

// The matter page with nothing open: the guide's flows each start from the matter.
async function openMatter(page, matter) {
  await page.goto(`${world.portal.url}/matters/${matter.id}`);
  await hydrated(page);
}

// The client opens a conversation from her list (she is signed in on her phone).
async function clientOpens(client, matter, subject) {
  await client.goto(`${world.portal.url}/matters/${matter.id}`);
  await hydrated(client);
  await client.getByTestId(T.EXTERNAL_CONVERSATIONS).getByRole('button', { name: subject }).click();
}

test('every step of the reference guide, in the matter window and on a phone', async () => {
  const { portal, browser, smtp, sms } = world;
  const admin = await createAdmin(portal);
  const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const staff = await staffContext.newPage();
  const staffErrors = watchForErrors(staff);
  await signIn(staff, portal, admin);
  const matter = await api(staffContext, portal, 'matters/create', { number: '2026-0900', name: 'Hopper estate' });
  await api(staffContext, portal, 'people/add', { display_name: 'Grace Hopper', email: GRACE, role: 'client', invite: 'true', mobile: GRACE_MOBILE });
  await api(staffContext, portal, 'matters/people/add', { id: matter.id, email: GRACE, role: 'client' });
  const evidence = await api(staffContext, portal, 'files/folders/create', { matter_id: matter.id, name: 'Evidence' });
  assert.ok(evidence.id);
  const clientContext = await browser.newContext(PHONE);
  const token = new URL(await smtp.link(GRACE, `${portal.url}/invitation?token=`)).searchParams.get('token');
  await api(clientContext, portal, 'invitations/accept', { token, password: 'harbour lantern orchard violet' });
  const client = await clientContext.newPage();
  const clientErrors = watchForErrors(client);

  // ## Message a contact
  // "Open a matter file and select the Message button from the Matter tab."
  await openMatter(staff, matter);
  await staff.getByTestId(T.MESSAGE_BUTTON).click();
  const form = staff.getByTestId(T.MESSAGE_FORM);
  await form.waitFor();
  // "Choose the recipient(s) and compose your message."
  await form.getByLabel(/Grace Hopper/).check();
  await form.getByTestId(T.MESSAGE_BODY).fill('Welcome to the portal. Your file is open.');
  // "You can opt to send the message as an SMS text message or require recipients to complete
  // multi-factor authentication to view it."
  await form.getByTestId(T.MESSAGE_SMS).check();
  await form.getByTestId(T.MESSAGE_PROTECTED).waitFor();
  // "Select Send."
  await enabled(staff, T.MESSAGE_SEND);
  await staff.getByTestId(T.MESSAGE_SEND).click();
  await staff.getByTestId(T.MESSAGE_SENT).getByText('Your message started this conversation.').waitFor();
  await staff.getByTestId(T.CONVERSATION_SUBJECT).getByText('Welcome to the portal. Your file is open.').waitFor();
  await staff.getByTestId(T.MESSAGES_LIST).getByText('Welcome to the portal. Your file is open.').waitFor();
  await hydrated(staff);
  await form.waitFor({ state: 'detached' });
  await sms.find(GRACE_MOBILE, /Welcome to the portal\. Your file is open\./);
  // The same recipients again, now with verification required: a protected conversation of its
  // own; and again without it: the first conversation continues.
  await staff.getByTestId(T.MESSAGE_BUTTON).click();
  await form.getByLabel(/Grace Hopper/).check();
  await form.getByTestId(T.MESSAGE_BODY).fill('The valuation is attached to this one.');
  await form.getByTestId(T.MESSAGE_PROTECTED).check();
  await staff.getByTestId(T.MESSAGE_SEND).click();
  await staff.getByTestId(T.MESSAGE_SENT).getByText('Your message started this conversation.').waitFor();
  await staff.getByTestId(T.CONVERSATION_SUBJECT).getByText('The valuation is attached to this one.').waitFor();
  await hydrated(staff);
  await staff.getByTestId(T.MESSAGE_BUTTON).click();
  await form.getByLabel(/Grace Hopper/).check();
  await form.getByTestId(T.MESSAGE_BODY).fill('One more thing: bring ID.');
  await staff.getByTestId(T.MESSAGE_SEND).click();
  await staff.getByTestId(T.MESSAGE_SENT).getByText('Your message was added to this conversation.').waitFor();
  await staff.getByTestId(T.CONVERSATION_SUBJECT).getByText('Welcome to the portal. Your file is open.').waitFor();
  await staff.getByTestId(T.MESSAGES_LIST).getByText('One more thing: bring ID.').waitFor();
  assert.equal(await staff.getByTestId(T.EXTERNAL_CONVERSATIONS).getByTestId(T.CONVERSATION_ITEM).count(), 2);
  await staff.screenshot({ path: `${resultsDir}/guide-message.png`, fullPage: true });

  // ## Send a file
  // "Navigate to the All Files section at the bottom of your matter window and right-click on
  // the file."
  await openMatter(staff, matter);
  await enabled(staff, T.UPLOAD_INPUT);
  await staff.getByTestId(T.UPLOAD_INPUT).setInputFiles([
    { name: 'Engagement letter.txt', mimeType: 'text/plain', buffer: Buffer.from('Engagement letter, version 1.\n') },
  ]);
  const letter = staff.getByTestId(T.DOCUMENT_ROW).filter({ hasText: 'Engagement letter.txt' });
  await letter.waitFor();
  await letter.click({ button: 'right' });
  // "Select Send then select Client Portal."
  await letter.getByTestId(T.SEND_ITEM).click();
  // "Choose the parties and add an optional message. You can also attach extra files here."
  const started = staff.getByTestId(T.NEW_CONVERSATION_FORM);
  await started.getByTestId(T.SENDING).getByText('Engagement letter.txt').waitFor();
  await started.getByLabel(/Grace Hopper/).check();
  await started.getByLabel('Subject', { exact: true }).fill('Engagement');
  // "There is no restriction on file types you can send or share."
  await started.getByTestId(T.ATTACH_INPUT).setInputFiles([
    { name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ\x90\x00 not really a program') },
  ]);
  await started.getByTestId(T.ATTACHED_FILE).filter({ hasText: 'setup.exe' }).getByText('bytes').waitFor();
  // "Select Send."
  await enabled(staff, T.CREATE_CONVERSATION);
  await staff.getByTestId(T.CREATE_CONVERSATION).click();
  const sentFiles = staff.getByTestId(T.MESSAGES_LIST).getByTestId(T.ATTACHMENT);
  await sentFiles.filter({ hasText: 'Engagement letter.txt' }).waitFor();
  await sentFiles.filter({ hasText: 'setup.exe' }).waitFor();

  // ## Share a file or folder
  // "Navigate to the All Files section ... and right-click on the file or folder."
  await openMatter(staff, matter);
  const folder = staff.getByTestId(T.FOLDER_ROW).filter({ hasText: 'Evidence' });
  await folder.waitFor();
  await folder.click({ button: 'right' });
  // "Select Share then select Client Portal."
  await folder.getByTestId(T.SHARE_ITEM).click();
  // "Choose the parties and add an optional message."
  await started.getByTestId(T.SENDING).getByText('Evidence').waitFor();
  await started.getByLabel(/Grace Hopper/).check();
  await started.getByLabel('Subject', { exact: true }).fill('Evidence');
  await started.getByLabel(/Message/).fill('The evidence folder: always what is in it now.');
  // "Select Send."
  await staff.getByTestId(T.CREATE_CONVERSATION).click();
  await staff.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).filter({ hasText: 'Evidence' }).waitFor();
  // "Changes you make to a document or folder (including changing the folder structure) ...
  // will carry over to a client when shared": a file and a subfolder added after sharing.
  await folder.getByRole('button', { name: 'Evidence', exact: true }).click();
  await staff.getByTestId(T.BREADCRUMBS).getByText('Evidence').waitFor();
  await staff.getByTestId(T.UPLOAD_INPUT).setInputFiles([
    { name: 'Witness statement.txt', mimeType: 'text/plain', buffer: Buffer.from('I saw it.\n') },
  ]);
  await staff.getByTestId(T.DOCUMENT_ROW).filter({ hasText: 'Witness statement.txt' }).waitFor();
  const newFolder = staff.getByTestId(T.NEW_FOLDER_FORM);
  await newFolder.getByLabel('New folder name').fill('Photos');
  await newFolder.getByRole('button', { name: 'New folder' }).click();
  await staff.getByTestId(T.FOLDER_ROW).filter({ hasText: 'Photos' }).waitFor();

  // ## When you click on a Shared document in a conversation (the client, on her phone)
  // Accepting the invitation signed her in.
  await clientOpens(client, matter, 'Evidence');
  const shared = client.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).filter({ hasText: 'Evidence' });
  // The conversation loads after the click: counting at once could find nothing yet.
  await shared.waitFor();
  // "The Shared icon is denoted next to the name of the document."
  assert.equal(await shared.locator('.shared-icon[aria-label=Shared]').count(), 1);
  await shared.getByRole('button').click();
  const viewer = client.getByTestId(T.SHARE_VIEWER);
  // "When sharing a folder, the recipient will have access to all files within the folder and
  // subfolders contained in it."
  await viewer.getByText('Witness statement.txt').waitFor();
  await viewer.getByTestId(T.SHARED_FOLDER).filter({ hasText: 'Photos' }).waitFor();
  await client.screenshot({ path: `${resultsDir}/guide-shared-folder.png`, fullPage: true });
  await viewer.getByRole('button', { name: 'Close' }).click();
  // The texted message reached her too, and the protected one waits for her code.
  await clientOpens(client, matter, 'Welcome to the portal. Your file is open.');
  await client.getByTestId(T.MESSAGES_LIST).getByText('One more thing: bring ID.').waitFor();

  // ## From the browser or the mobile app: the firm on a phone
  const phoneContext = await browser.newContext(PHONE);
  const phone = await phoneContext.newPage();
  const phoneErrors = watchForErrors(phone);
  await signIn(phone, portal, admin);
  await openMatter(phone, matter);
  // "Open a matter file and select the Messages tab."
  await phone.getByTestId(T.MATTER_TAB).filter({ hasText: 'Messages' }).click();
  // "Click on the plus icon next to the External Matter Conversations heading."
  const heading = phone.locator('.list-head').filter({ has: phone.getByRole('heading', { name: 'External conversations' }) });
  await enabled(phone, T.NEW_CONVERSATION);
  await heading.getByTestId(T.NEW_CONVERSATION).click();
  // "Select the message's recipients, and choose if they require multi-factor authentication
  // to view it."
  const phoneForm = phone.getByTestId(T.NEW_CONVERSATION_FORM);
  await phoneForm.getByLabel(/Grace Hopper/).check();
  await phoneForm.getByTestId(T.REQUIRES_SECOND_FACTOR).check();
  await phoneForm.getByLabel('Subject', { exact: true }).fill('Signing');
  await phoneForm.getByLabel('Message', { exact: true }).fill('Two documents to sign follow.');
  // "Select Create."
  await phone.getByTestId(T.CREATE_CONVERSATION).click();
  await phone.getByTestId(T.CONVERSATION_SUBJECT).getByText('Signing').waitFor();
  // ### Send a file: "From within the conversation, click on Attach and choose the file you wish
  // to send." ("Files up to 100 MB can be sent through the Client Portal.")
  const composer = phone.getByTestId(T.COMPOSER);
  await composer.getByText('Up to 100 MB a file.').waitFor();
  await composer.getByTestId(T.ATTACH_INPUT).setInputFiles([
    { name: 'Signature page.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 sign here') },
  ]);
  await composer.getByTestId(T.ATTACHED_FILE).filter({ hasText: 'Signature page.pdf' }).getByText('bytes').waitFor();
  // "Select Send Files."
  await phone.getByTestId(T.SEND_MESSAGE).getByText('Send files').click();
  await phone.getByTestId(T.MESSAGES_LIST).getByTestId(T.ATTACHMENT).filter({ hasText: 'Signature page.pdf' }).waitFor();
  // ### Share a file or folder: "From within the conversation, click on Share and choose the
  // file you wish to share."
  await composer.getByTestId(T.SHARE_PICKER).click();
  await composer.getByTestId(T.SHARE_PICKER_LIST).locator('li').filter({ hasText: 'Engagement letter.txt' }).getByRole('button', { name: 'Share' }).click();
  await composer.getByTestId(T.SENDING).getByText('Engagement letter.txt').waitFor();
  // "Select Send."
  await phone.getByTestId(T.SEND_MESSAGE).click();
  await phone.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).filter({ hasText: 'Engagement letter.txt' }).waitFor();
  // "To assist your client with messaging, send them the Communicate Guide to get started."
  await composer.getByTestId(T.SEND_GUIDE).click();
  await phone.getByTestId(T.SEND_MESSAGE).click();
  await phone.getByTestId(T.MESSAGES_LIST).getByText(/A short guide to using this portal: http/).waitFor();
  await phone.screenshot({ path: `${resultsDir}/guide-phone-staff.png`, fullPage: true });
  // A new version of the letter after it was shared.
  await openMatter(staff, matter);
  await staff.getByTestId(T.UPLOAD_INPUT).setInputFiles([
    { name: 'Engagement letter.txt', mimeType: 'text/plain', buffer: Buffer.from('Engagement letter, version 2, signed.\n') },
  ]);
  await staff.getByTestId(T.DOCUMENT_ROW).filter({ hasText: 'Engagement letter.txt' }).getByText(/38 bytes/).waitFor();

  // The client: a protected conversation shows her nothing, not even its subject, until she
  // confirms it is her with a code.
  await client.goto(`${portal.url}/matters/${matter.id}`);
  await hydrated(client);
  const locked = client.getByTestId(T.EXTERNAL_CONVERSATIONS).getByRole('button', { name: 'Secure conversation' });
  assert.equal(await locked.count(), 2);
  await locked.first().click();
  await client.getByTestId(T.STEP_UP).waitFor();
  await enabled(client, T.EMAIL_CODE);
  await client.getByTestId(T.EMAIL_CODE).click();
  const [, code] = await smtp.find(GRACE, /verification code is (\d{6})/);
  await client.getByTestId(T.STEP_UP_CODE).fill(code);
  await client.getByTestId(T.STEP_UP_SUBMIT).click();
  await client.getByTestId(T.STEP_UP).waitFor({ state: 'detached' });
  await clientOpens(client, matter, 'Signing');
  const letterShared = client.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).filter({ hasText: 'Engagement letter.txt' });
  await letterShared.waitFor();
  // "The Shared icon is denoted next to the name of the document."
  assert.equal(await letterShared.locator('.shared-icon[aria-label=Shared]').count(), 1);
  await letterShared.getByRole('button').click();
  // "Information on the document's last update is located in the top-right corner of the
  // document viewer." It is the latest version: the one uploaded after sharing.
  const updated = viewer.getByTestId(T.SHARE_UPDATED);
  assert.match(await updated.textContent(), /Last updated .* by Ada Lovelace/);
  await client.frameLocator(`[data-testid=${T.SHARE_VIEWER}] iframe`).getByText('Engagement letter, version 2, signed.').waitFor();
  const box = await viewer.boundingBox();
  const at = await updated.boundingBox();
  assert.ok(at.x + at.width > box.x + box.width / 2 && at.y < box.y + 120, `top right: ${JSON.stringify({ box, at })}`);
  // The guide she was sent: its address is in the message, and it opens as it is.
  await client.getByTestId(T.MESSAGES_LIST).getByText(`A short guide to using this portal: ${portal.url}/guide`).waitFor();
  const guide = await clientContext.newPage();
  await guide.goto(`${portal.url}/guide`);
  await guide.getByTestId(T.GUIDE).waitFor();
  await guide.close();
  await client.screenshot({ path: `${resultsDir}/guide-phone-client.png`, fullPage: true });

  // "To remove client access to the file or folder, select the three dots on the top-right
  // corner of the document." The firm, on its phone, in the same conversation.
  await phone.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).filter({ hasText: 'Engagement letter.txt' }).getByRole('button').click();
  const more = phone.getByTestId(T.SHARE_VIEWER).getByTestId(T.SHARE_MORE);
  assert.equal((await more.textContent()).trim(), '⋯');
  const phoneBox = await phone.getByTestId(T.SHARE_VIEWER).boundingBox();
  const moreAt = await more.boundingBox();
  assert.ok(moreAt.x + moreAt.width > phoneBox.x + phoneBox.width / 2, `three dots on the right: ${JSON.stringify({ phoneBox, moreAt })}`);
  await more.click();
  await phone.getByTestId(T.REVOKE_SHARE).click();
  await confirm(phone);
  await phone.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).filter({ hasText: 'Engagement letter.txt' }).getByText('Access removed').waitFor();
  await viewer.getByTestId(T.ACCESS_REMOVED).waitFor();

  // "Documents and folders shared between parties on the Client Portal can be viewed from the
  // Messages section in the matter's File viewer."
  await openMatter(staff, matter);
  const list = staff.getByTestId(T.SHARED_LIST);
  await list.getByText('Evidence').waitFor();

  assert.deepEqual(staffErrors, [], 'no console errors (staff, desktop)');
  // The firm's open viewer looks again once after removing access and is told it is gone (404).
  assert.deepEqual(phoneErrors.filter((e) => !/status of 404/.test(e)), [], 'no unexpected console errors (staff, phone)');
  // The locked conversation's first load is a 403 by design, and the open viewer's look after
  // the revocation a 404.
  assert.deepEqual(clientErrors.filter((e) => !/status of 40[34]/.test(e)), [], 'no unexpected console errors (client)');
  await Promise.all([staffContext.close(), clientContext.close(), phoneContext.close()]);
});
