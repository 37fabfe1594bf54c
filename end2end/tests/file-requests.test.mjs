// File requests (issue 22): the firm asks in a conversation for the files it needs, one a line;
// the client, on her phone, uploads into each line; the firm sees what arrived under its message
// at once, and finds it in All Files in a folder with her name.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, createAdmin, hydrated, resultsDir, signIn, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let world;

before(async () => { world = await startWorld({ smtp: true }); });
after(() => stopWorld(world));

const GRACE = 'grace@client.example';

test('the firm asks for files and the client uploads each from her phone into the line that asks', async () => {
  const { portal, browser, smtp } = world;
  const admin = await createAdmin(portal);
  const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const staff = await staffContext.newPage();
  const staffErrors = watchForErrors(staff);
  await signIn(staff, portal, admin);
  const matter = await api(staffContext, portal, 'matters/create', { number: '2026-0722', name: 'Hopper mortgage' });
  const grace = await api(staffContext, portal, 'people/add', { display_name: 'Grace Hopper', email: GRACE, role: 'client', invite: 'true' });
  await api(staffContext, portal, 'matters/people/add', { id: matter.id, email: GRACE, role: 'client' });
  const conversation = await api(staffContext, portal, 'conversations/create', {
    matter_id: matter.id, subject: 'Mortgage application', body: 'Welcome.', 'participants[0]': grace.id,
  });
  const address = `${portal.url}/matters/${matter.id}?conversation=${conversation}`;

  const clientContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const token = new URL(await smtp.link(GRACE, `${portal.url}/invitation?token=`)).searchParams.get('token');
  await api(clientContext, portal, 'invitations/accept', { token, password: 'harbour lantern orchard violet' });
  const client = await clientContext.newPage();
  const clientErrors = watchForErrors(client);
  await client.goto(address);
  await hydrated(client);
  await client.getByTestId(T.MESSAGE).getByText('Welcome.').waitFor();
  assert.equal(await client.getByTestId(T.ASK_FOR_FILES).count(), 0, 'only the firm asks');

  // The firm asks, with no text of its own: the box does not insist on one.
  await staff.goto(address);
  await hydrated(staff);
  await staff.getByTestId(T.ASK_FOR_FILES).check();
  await staff.getByTestId(T.REQUESTED_FILES).fill('Passport\nLast three payslips');
  assert.equal(await staff.getByTestId(T.SEND_MESSAGE).textContent(), 'Send files');
  await staff.getByTestId(T.SEND_MESSAGE).click();
  const ours = staff.getByTestId(T.FILE_REQUEST);
  await ours.waitFor();
  assert.equal(await staff.getByTestId(T.ASK_FOR_FILES).isChecked(), false, 'the next reply asks for nothing');
  assert.equal(await ours.getByTestId(T.REQUEST_UPLOAD_BUTTON).count(), 0, 'the firm does not upload here');

  // Her phone shows the request at once, a button a line.
  const theirs = client.getByTestId(T.FILE_REQUEST);
  await theirs.waitFor();
  const lines = theirs.getByTestId(T.REQUEST_LINE);
  assert.deepEqual((await lines.allTextContents()).map((t) => t.split('Upload')[0].trim()), ['Passport', 'Last three payslips']);
  await client.getByTestId(T.MESSAGE).getByText('Please upload these files.').waitFor();

  // Her phone's upload is held on its way (as on slow mobile data) ...
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await client.route('**/uploads/**', async (route) => {
    if (route.request().method() === 'PATCH') await held;
    await route.continue();
  });
  const passport = Buffer.from(`%PDF-1.7\n% Grace Hopper's passport\n${'x'.repeat(300_000)}\n`);
  await lines.nth(0).getByTestId(T.REQUEST_INPUT).setInputFiles({ name: 'passport.pdf', mimeType: 'application/pdf', buffer: passport });
  const travelling = lines.nth(0).getByTestId(T.REQUEST_UPLOAD).filter({ hasText: 'passport.pdf' });
  await travelling.waitFor();
  // ... while the firm writes: her page draws the conversation again, and the upload's
  // progress stays on screen.
  await api(staffContext, portal, 'conversations/post', { id: conversation, body: 'No rush: whenever you can.' });
  await client.getByTestId(T.MESSAGE).getByText('No rush: whenever you can.').waitFor();
  assert.equal(await travelling.count(), 1, 'the upload in flight is still shown');
  release();
  // Once it is in, the line lists it (live, from the server) and the chip has done its work.
  await lines.nth(0).getByTestId(T.REQUESTED_FILE).filter({ hasText: 'passport.pdf' }).waitFor();
  await travelling.waitFor({ state: 'detached' });
  await client.unroute('**/uploads/**');
  assert.match(await lines.nth(0).locator('.file-request-label').textContent(), /^✓ Passport$/);
  assert.equal(await lines.nth(1).getByTestId(T.REQUESTED_FILE).count(), 0);
  assert.ok(await client.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing scrolls sideways');
  await client.screenshot({ path: `${resultsDir}/file-request-phone.png`, fullPage: true });

  // The firm's open page shows it under its message, with a link to the copy in All Files.
  const arrived = ours.getByTestId(T.REQUEST_LINE).nth(0).getByTestId(T.REQUESTED_FILE);
  await arrived.filter({ hasText: 'Grace Hopper' }).waitFor();
  const href = await arrived.locator('a').getAttribute('href');
  const download = await staffContext.request.get(`${portal.url}${href}`);
  assert.equal(download.status(), 200);
  assert.ok(Buffer.from(await download.body()).equals(passport), 'the same bytes');
  // ... and in All Files beside it, at once: a folder with her name, the file inside.
  const tree = staff.getByTestId(T.ALL_FILES);
  const folder = tree.getByTestId(T.FOLDER_ROW).filter({ hasText: 'Uploads from Grace Hopper' });
  await folder.waitFor();
  await folder.getByRole('button', { name: 'Uploads from Grace Hopper', exact: true }).click();
  await tree.getByTestId(T.DOCUMENT_ROW).filter({ hasText: 'passport.pdf' }).waitFor();
  const top = await api(staffContext, portal, 'files/list', { matter_id: matter.id });
  const hers = top.folders.find((f) => f.name === 'Uploads from Grace Hopper');
  assert.ok(hers, 'a folder with her name');
  const inside = await api(staffContext, portal, 'files/list', { matter_id: matter.id, folder_id: hers.id });
  assert.deepEqual(inside.documents.map((d) => d.name), ['passport.pdf']);
  await staff.screenshot({ path: `${resultsDir}/file-request-staff.png`, fullPage: true });

  assert.deepEqual(staffErrors, []);
  assert.deepEqual(clientErrors, []);
  await client.close();
  await staff.close();
  await staffContext.close();
  await clientContext.close();
});
