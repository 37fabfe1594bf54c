// The matter's file tree in a real browser: staff build a small folder tree, upload with
// progress (tus, resumable), drag a file into a folder, open a text file in the sandboxed
// viewer, and move things to the trash and back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { confirm, createAdmin, enabled, resultsDir, signIn, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let portal;
let browser;

before(async () => ({ portal, browser } = await startWorld()));
after(() => stopWorld({ portal, browser }));

async function newFolder(page, name) {
  const form = page.getByTestId(T.NEW_FOLDER_FORM);
  await form.getByLabel('New folder name').fill(name);
  await form.getByRole('button', { name: 'New folder' }).click();
  await page.getByTestId(T.FOLDER_ROW).filter({ hasText: name }).waitFor();
}

test('staff build a folder tree, upload with progress, move, preview and trash files', async () => {
  const admin = await createAdmin(portal);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchForErrors(page);
  await signIn(page, portal, admin);

  await page.goto(`${portal.url}/matters`);
  await enabled(page, T.CREATE_MATTER);
  const create = page.getByTestId(T.CREATE_MATTER_FORM);
  await create.getByLabel('Matter number').fill('2026-0200');
  await create.getByLabel('Name', { exact: true }).fill('Lovelace v. Babbage');
  await page.getByTestId(T.CREATE_MATTER).click();
  await page.getByTestId(T.MATTER_CREATED).getByRole('link').click();
  await page.getByTestId(T.ALL_FILES).waitFor();
  await enabled(page, T.UPLOAD_INPUT);

  // A small tree: Court / Orders.
  await newFolder(page, 'Court');
  await newFolder(page, 'Correspondence');
  await page.getByTestId(T.FOLDER_ROW).filter({ hasText: 'Court' }).getByRole('button', { name: 'Court', exact: true }).click();
  await page.getByTestId(T.BREADCRUMBS).getByText('Court').waitFor();
  await newFolder(page, 'Orders');

  // Upload into Court, with progress shown while it runs. The upload library comes with the
  // first upload, not with the page.
  assert.equal(await page.evaluate(() => typeof window.tus), 'undefined', 'tus-js-client is not loaded with the page');
  const big = Buffer.alloc(12 * 1024 * 1024, 7);
  await page.getByTestId(T.UPLOAD_INPUT).setInputFiles([
    { name: 'Statement of claim.pdf', mimeType: 'application/pdf', buffer: big },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Hearing on 3 December.\n<script>alert(1)</script>\n') },
  ]);
  await page.getByTestId(T.TRANSFER).first().waitFor();
  await page.getByTestId(T.TRANSFER_STATUS).filter({ hasText: 'Uploaded · 12.6 MB' }).waitFor({ timeout: 60_000 });
  await page.getByTestId(T.TRANSFER_STATUS).filter({ hasText: 'Uploaded · 49 bytes' }).waitFor();
  assert.equal(await page.evaluate(() => typeof window.tus), 'object', 'the first upload loaded tus-js-client');
  const row = page.getByTestId(T.DOCUMENT_ROW).filter({ hasText: 'Statement of claim.pdf' });
  await row.waitFor();
  assert.match(await row.getByTestId(T.LAST_UPDATED).textContent(), /12\.6 MB · updated .* by /);
  await page.screenshot({ path: `${resultsDir}/files.png`, fullPage: true });

  // The text file opens in the viewer, in a sandboxed frame.
  await page.getByTestId(T.DOCUMENT_ROW).filter({ hasText: 'notes.txt' }).getByRole('button', { name: 'notes.txt', exact: true }).click();
  const frame = page.getByTestId(T.VIEWER).locator('iframe');
  await frame.waitFor();
  assert.equal(await frame.getAttribute('sandbox'), '');
  await page.frameLocator(`[data-testid=${T.VIEWER}] iframe`).getByText('Hearing on 3 December.').waitFor();
  await page.getByTestId(T.VIEWER).getByRole('button', { name: 'Close' }).click();

  // Drag the claim onto Orders; it leaves Court's listing and appears inside Orders.
  await row.dragTo(page.getByTestId(T.FOLDER_ROW).filter({ hasText: 'Orders' }));
  await row.waitFor({ state: 'detached' });
  await page.getByTestId(T.FOLDER_ROW).filter({ hasText: 'Orders' }).getByRole('button', { name: 'Orders', exact: true }).click();
  await page.getByTestId(T.BREADCRUMBS).getByText('Orders').waitFor();
  await page.getByTestId(T.DOCUMENT_ROW).filter({ hasText: 'Statement of claim.pdf' }).waitFor();

  // The "⋯" menu is a popover: opened from the keyboard it takes focus onto its first item,
  // arrows move between items, Escape closes it and focus goes back to "⋯"; the rows below do
  // not move.
  const claim = page.getByTestId(T.DOCUMENT_ROW).filter({ hasText: 'Statement of claim.pdf' });
  const rowBefore = await claim.boundingBox();
  await claim.getByTestId(T.MORE).focus();
  await page.keyboard.press('Enter');
  await claim.getByTestId(T.ITEM_MENU).waitFor();
  const focused = () => page.evaluate(() => `${document.activeElement.getAttribute('role')}:${document.activeElement.textContent.trim()}`);
  assert.equal(await focused(), 'menuitem:Open');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(), 'menuitem:Download');
  await page.keyboard.press('End');
  assert.equal(await focused(), 'menuitem:Move to trash');
  const rowOpen = await claim.boundingBox();
  assert.deepEqual([rowOpen.width, rowOpen.height], [rowBefore.width, rowBefore.height], 'the menu lies over the list: the row keeps its size');
  await page.screenshot({ path: `${resultsDir}/file-menu.png` });
  await page.keyboard.press('Escape');
  await claim.getByTestId(T.ITEM_MENU).waitFor({ state: 'detached' });
  assert.ok(await claim.getByTestId(T.MORE).evaluate((b) => b === document.activeElement), 'focus is back on "⋯"');

  // "Send" with no conversation open starts one: the file waits in the new conversation's form,
  // the message it will go with, and can be left out there.
  await claim.getByTestId(T.MORE).click();
  await claim.getByTestId(T.SEND_ITEM).click();
  const staged = page.getByTestId(T.NEW_CONVERSATION_FORM).getByTestId(T.SENDING);
  await staged.getByText('Statement of claim.pdf').waitFor();
  await staged.getByRole('button', { name: 'Leave out' }).click();
  await staged.waitFor({ state: 'detached' });

  // Move to the trash, then restore from it.
  await claim.getByTestId(T.MORE).click();
  await claim.getByTestId(T.ITEM_MENU).getByRole('menuitem', { name: 'Send' }).waitFor();
  // Asked first: the question takes the button's place, Escape takes it back (focus too).
  await claim.getByTestId(T.TRASH_ITEM).click();
  const question = page.getByText('Move “Statement of claim.pdf” to the trash?');
  await question.waitFor();
  await page.keyboard.press('Escape');
  await question.waitFor({ state: 'hidden' });
  assert.equal(await claim.count(), 1, 'asking moved nothing');
  assert.ok(await claim.getByTestId(T.TRASH_ITEM).evaluate((b) => b === document.activeElement), 'focus is back on the button');
  await claim.getByTestId(T.TRASH_ITEM).click();
  await confirm(page);
  await claim.waitFor({ state: 'detached' });
  await page.getByTestId(T.SHOW_TRASH).check();
  const trashed = page.getByTestId(T.TRASH_ROW).filter({ hasText: 'Statement of claim.pdf' });
  await trashed.waitFor();
  assert.match(await trashed.textContent(), /All Files \/ Court \/ Orders/);
  await trashed.getByTestId(T.RESTORE).click();
  await page.getByTestId(T.ENTRIES).getByText('Statement of claim.pdf').waitFor();

  // Breadcrumbs lead back to the top.
  await page.getByTestId(T.BREADCRUMBS).getByRole('button', { name: 'All Files' }).click();
  await page.getByTestId(T.FOLDER_ROW).filter({ hasText: 'Correspondence' }).waitFor();
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
