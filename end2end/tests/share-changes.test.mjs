// What changed since you last looked (issue 21): the firm shares a folder, the client opens it
// on her phone, the firm adds a file and uploads a new version of another, and her card says
// "2 updated since you last looked", live; inside, the files are marked New and Updated until
// she opens them, and a file's versions show with their SHA-256. The firm sees her download, with
// its version and time, in the file's activity.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, createAdmin, hydrated, resultsDir, signIn, startWorld, stopWorld, T, upload, watchForErrors } from './portal.mjs';

let world;

before(async () => { world = await startWorld({ smtp: true }); });
after(() => stopWorld(world));

const GRACE = 'grace@client.example';

test('the client sees what changed in a shared folder since she last looked', async () => {
  const { portal, browser, smtp } = world;
  const admin = await createAdmin(portal);
  const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const staff = await staffContext.newPage();
  const staffErrors = watchForErrors(staff);
  await signIn(staff, portal, admin);
  const matter = await api(staffContext, portal, 'matters/create', { number: '2026-0710', name: 'Hopper lease' });
  const grace = await api(staffContext, portal, 'people/add', { display_name: 'Grace Hopper', email: GRACE, role: 'client', invite: 'true' });
  await api(staffContext, portal, 'matters/people/add', { id: matter.id, email: GRACE, role: 'client' });
  const folder = await api(staffContext, portal, 'files/folders/create', { matter_id: matter.id, name: 'Evidence' });
  // Word files: no preview frames in the viewer.
  const letter = await upload(staffContext, portal, { matter: matter.id, folder: folder.id, name: 'Letter.docx', content: 'letter v1' });
  await upload(staffContext, portal, { matter: matter.id, folder: folder.id, name: 'Invoice.docx', content: 'invoice v1' });
  const conversation = await api(staffContext, portal, 'conversations/create', {
    matter_id: matter.id, subject: 'Evidence', body: 'Everything is in this folder.', 'participants[0]': grace.id,
    'shared_folders[0]': folder.id,
  });

  // She opens the folder from the conversation: a first look marks nothing.
  const clientContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const token = new URL(await smtp.link(GRACE, `${portal.url}/invitation?token=`)).searchParams.get('token');
  await api(clientContext, portal, 'invitations/accept', { token, password: 'harbour lantern orchard violet' });
  const client = await clientContext.newPage();
  const clientErrors = watchForErrors(client);
  await client.goto(`${portal.url}/matters/${matter.id}?conversation=${conversation}`);
  await hydrated(client);
  const card = client.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).filter({ hasText: 'Evidence' });
  await card.getByRole('button', { name: 'Evidence' }).click();
  const viewer = client.getByTestId(T.SHARE_VIEWER);
  await viewer.getByTestId(T.SHARED_DOCUMENT).filter({ hasText: 'Letter.docx' }).waitFor();
  assert.equal(await viewer.getByTestId(T.UNSEEN_MARK).count(), 0);
  await viewer.locator('.share-head').getByRole('button', { name: 'Close' }).click();
  await viewer.waitFor({ state: 'detached' });

  // The firm adds a file and a new version of the letter: her card says so, live.
  await upload(staffContext, portal, { matter: matter.id, folder: folder.id, name: 'Letter.docx', content: 'letter v2' });
  await upload(staffContext, portal, { matter: matter.id, folder: folder.id, name: 'Exhibit.docx', content: 'exhibit' });
  const count = card.getByTestId(T.SHARE_UNSEEN);
  await count.filter({ hasText: '2 updated since you last looked' }).waitFor();
  await card.screenshot({ path: `${resultsDir}/share-changes-card.png` });

  // Inside: the letter is Updated, the exhibit New, the invoice unmarked.
  await card.getByRole('button', { name: 'Evidence' }).click();
  const row = (name) => viewer.getByTestId(T.SHARED_DOCUMENT).filter({ hasText: name });
  await row('Exhibit.docx').getByTestId(T.UNSEEN_MARK).filter({ hasText: 'New' }).waitFor();
  assert.equal(await row('Letter.docx').getByTestId(T.UNSEEN_MARK).textContent(), 'Updated');
  assert.equal(await row('Invoice.docx').getByTestId(T.UNSEEN_MARK).count(), 0);
  assert.equal(await count.count(), 0, 'looking clears the count');
  assert.equal(await client.getByTestId(T.SHARED_LIST).getByTestId(T.SHARE_UNSEEN).count(), 0, 'on every card of it');
  assert.ok(await client.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'nothing scrolls sideways');
  await client.screenshot({ path: `${resultsDir}/share-changes-viewer.png`, fullPage: true });

  // Opening the letter clears its mark; the exhibit keeps its own.
  const [download] = await Promise.all([
    client.waitForEvent('download'),
    row('Letter.docx').getByRole('link', { name: 'Letter.docx' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'Letter.docx');
  await download.path();
  assert.equal(await row('Letter.docx').getByTestId(T.UNSEEN_MARK).count(), 0);
  assert.equal(await row('Exhibit.docx').getByTestId(T.UNSEEN_MARK).count(), 1);

  // The letter's versions, each with its SHA-256.
  await row('Letter.docx').getByText('Versions').click();
  await row('Letter.docx').getByText('Version 2').waitFor();
  await row('Letter.docx').getByText('Version 1').waitFor();
  const digests = await row('Letter.docx').locator('code.digest').allTextContents();
  assert.equal(digests.length, 2);
  assert.ok(digests.every((d) => /^[0-9a-f]{64}$/.test(d)), digests.join(' '));

  // The firm sees her download of version 2, with its time.
  const lines = await api(staffContext, portal, 'activity/document', { matter_id: matter.id, document_id: letter });
  const hers = lines.find((l) => l.who === 'Grace Hopper' && l.kind === 'FileDownloaded');
  assert.ok(hers, JSON.stringify(lines));
  assert.equal(hers.version, 2);

  assert.deepEqual(staffErrors, []);
  assert.deepEqual(clientErrors, []);
  await client.close();
  await staff.close();
  await staffContext.close();
  await clientContext.close();
});
