// Who saw what (issue 21): the firm shares a settlement offer, the client opens the
// conversation (the firm's open page shows "Seen by Grace", live) and downloads the offer, and
// the firm sees her download on the file's Activity panel and on the share's, with its time,
// and in the matter's CSV export.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { api, createAdmin, hydrated, resultsDir, signIn, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let world;

before(async () => { world = await startWorld({ smtp: true }); });
after(() => stopWorld(world));

const GRACE = 'grace@client.example';

test('the firm sees who downloaded which version, and when', async () => {
  const { portal, browser, smtp } = world;
  const admin = await createAdmin(portal);
  const staffContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const staff = await staffContext.newPage();
  const staffErrors = watchForErrors(staff);
  await signIn(staff, portal, admin);
  const matter = await api(staffContext, portal, 'matters/create', { number: '2026-0700', name: 'Hopper settlement' });
  const grace = await api(staffContext, portal, 'people/add', { display_name: 'Grace Hopper', email: GRACE, role: 'client', invite: 'true' });
  await api(staffContext, portal, 'matters/people/add', { id: matter.id, email: GRACE, role: 'client' });

  await staff.goto(`${portal.url}/matters/${matter.id}`);
  await hydrated(staff);
  await staff.getByTestId(T.UPLOAD_INPUT).setInputFiles([
    // A Word file: not shown in the browser, so no viewer frame (Playwright trips over a preview
    // frame re-rendered by the live updates this test makes).
    { name: 'Settlement offer.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: Buffer.from('We offer 125,000.\n') },
  ]);
  const row = staff.getByTestId(T.DOCUMENT_ROW).filter({ hasText: 'Settlement offer.docx' });
  await row.waitFor();
  const listed = await api(staffContext, portal, 'files/list', { matter_id: matter.id });
  const offer = listed.documents.find((d) => d.name === 'Settlement offer.docx');
  const conversation = await api(staffContext, portal, 'conversations/create', {
    matter_id: matter.id, subject: 'Settlement', body: 'Our offer is attached.', 'participants[0]': grace.id,
    'shared_documents[0]': offer.id,
  });
  // The firm has the conversation open while the client reads it.
  await staff.goto(`${portal.url}/matters/${matter.id}?conversation=${conversation}`);
  await hydrated(staff);
  await staff.getByTestId(T.MESSAGES_LIST).getByText('Our offer is attached.').waitFor();
  // All Files marks it as shared.
  await row.getByTestId(T.SHARED_MARK).waitFor();
  assert.equal(await staff.getByTestId(T.SEEN_BY).count(), 0);

  // The client opens the conversation and downloads the offer from the share.
  const clientContext = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const token = new URL(await smtp.link(GRACE, `${portal.url}/invitation?token=`)).searchParams.get('token');
  await api(clientContext, portal, 'invitations/accept', { token, password: 'harbour lantern orchard violet' });
  const client = await clientContext.newPage();
  const clientErrors = watchForErrors(client);
  await client.goto(`${portal.url}/matters/${matter.id}`);
  await hydrated(client);
  await client.getByTestId(T.EXTERNAL_CONVERSATIONS).getByRole('button', { name: 'Settlement' }).click();
  await client.getByTestId(T.MESSAGES_LIST).getByTestId(T.SHARED_ITEM).filter({ hasText: 'Settlement offer.docx' }).getByRole('button').click();
  // Read receipts: the firm's open page shows she has read it, live.
  const receipt = staff.getByTestId(T.MESSAGES_LIST).getByTestId(T.SEEN_BY);
  await receipt.waitFor();
  assert.match(await receipt.textContent(), /^Seen by Grace · \d{1,2}:\d{2}/);
  await staff.getByTestId(T.MESSAGES_LIST).screenshot({ path: `${resultsDir}/activity-seen-by.png` });
  const viewer = client.getByTestId(T.SHARE_VIEWER);
  const [download] = await Promise.all([
    client.waitForEvent('download'),
    viewer.getByRole('link', { name: 'Download' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'Settlement offer.docx');
  // Finished before the browser closes (a download cut off by closing fails the run).
  assert.equal(readFileSync(await download.path(), 'utf8'), 'We offer 125,000.\n');
  const link = await viewer.getByRole('link', { name: 'Download' }).getAttribute('href');
  // Contacts never see the log: the share's menu is the firm's.
  assert.equal(await viewer.getByTestId(T.SHARE_MORE).count(), 0);

  // The firm: the file's menu → Activity.
  await staff.reload();
  await hydrated(staff);
  await row.getByTestId(T.MORE).click();
  await row.getByTestId(T.ITEM_MENU).getByRole('menuitem', { name: 'Activity' }).click();
  const panel = staff.getByTestId(T.ACTIVITY);
  const line = panel.getByTestId(T.ACTIVITY_LINE).filter({ hasText: 'Grace Hopper downloaded' });
  await line.waitFor();
  assert.match(await line.textContent(), /Grace Hopper downloaded Settlement offer\.docx version 1 through a share · .*\d{1,2}:\d{2}/);
  await staff.screenshot({ path: `${resultsDir}/activity-file.png` });
  await panel.getByRole('button', { name: 'Close' }).click();
  await panel.waitFor({ state: 'detached' });

  // The share's "⋯" → Activity says the same.
  await staff.getByTestId(T.SHARED_LIST).getByRole('button', { name: 'Settlement offer.docx' }).click();
  await staff.getByTestId(T.SHARE_VIEWER).getByTestId(T.SHARE_MORE).click();
  await staff.getByTestId(T.SHARE_VIEWER).getByRole('menuitem', { name: 'Activity' }).click();
  await staff.getByTestId(T.SHARE_VIEWER).getByTestId(T.ACTIVITY_LINE).filter({ hasText: 'Grace Hopper downloaded' }).waitFor();

  // An end date, chosen as a day: the list says until when, with whom and since when.
  await staff.getByTestId(T.SHARE_VIEWER).getByTestId(T.SHARE_MORE).click();
  const endDate = staff.getByTestId(T.SHARE_VIEWER).getByTestId(T.SHARE_END_DATE);
  await endDate.locator('input[type=date]').fill('2099-12-31');
  await endDate.getByRole('button', { name: 'Set end date' }).click();
  const details = staff.getByTestId(T.SHARED_LIST).getByTestId(T.SHARE_DETAILS);
  await details.filter({ hasText: 'until' }).waitFor();
  assert.match(await details.textContent(), /with Grace Hopper · since .* · until .*2099/);
  // Access removed for her alone (from the share's menu): the list says so, and her download
  // link opens nothing any more; her open viewer says so at once.
  await staff.getByTestId(T.SHARE_VIEWER).getByTestId(T.SHARE_MORE).click();
  await staff.getByTestId(T.SHARE_VIEWER).getByTestId(T.REVOKE_FOR).click();
  await staff.getByText('Remove access for Grace Hopper? The others in the conversation keep it.').waitFor();
  await staff.locator(`[data-testid=${T.CONFIRM}]:visible`).click();
  await details.filter({ hasText: 'Grace Hopper (access removed)' }).waitFor();
  await viewer.getByTestId(T.ACCESS_REMOVED).waitFor();
  assert.equal((await clientContext.request.get(`${portal.url}${link}`)).status(), 404);
  // The firm closes its viewer (its preview frame is gone before the browser closes).
  await staff.getByTestId(T.SHARE_VIEWER).locator('.share-head').getByRole('button', { name: 'Close' }).click();
  await staff.getByTestId(T.SHARE_VIEWER).waitFor({ state: 'detached' });

  // The matter's whole log, as CSV: her opening of the conversation and her download.
  const href = await staff.getByTestId(T.ACTIVITY_CSV).getAttribute('href');
  assert.equal(href, `/matters/${matter.id}/activity.csv`);
  const csv = await staffContext.request.get(`${portal.url}${href}`);
  assert.equal(csv.status(), 200);
  const text = await csv.text();
  assert.match(text, /^entry,time_utc,person,/);
  assert.match(text, /Grace Hopper,[0-9a-f-]+,conversation\.opened,Settlement,/);
  assert.match(text, /Grace Hopper,[0-9a-f-]+,file\.downloaded,Settlement offer\.docx,1,[0-9a-f]{64},share,/);
  const refused = await clientContext.request.get(`${portal.url}${href}`);
  assert.equal(refused.status(), 404);

  assert.deepEqual(staffErrors, []);
  // Her viewer asked for the share once more after access went: that answer is a 404.
  assert.deepEqual(clientErrors.filter((e) => !/status of 404/.test(e)), []);
  // Pages closed first, each waiting for its own frames to go.
  await client.close();
  await staff.close();
  await staffContext.close();
  await clientContext.close();
});
