// The matter's file tree in a real browser: staff build a small folder tree, upload with
// progress (tus, resumable), drag a file into a folder, open a text file in the sandboxed
// viewer, and move things to the trash and back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAdmin, launchBrowser, resultsDir, startPortal, watchForErrors } from './portal.mjs';

let portal;
let browser;

before(async () => {
  portal = await startPortal();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  portal?.stop();
});

async function signIn(page, { email, password }) {
  await page.goto(`${portal.url}/sign-in`);
  await page.waitForFunction(() => document.querySelector('[data-testid=sign-in-submit]')?.disabled === false);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.getByTestId('signed-in').waitFor();
}

async function newFolder(page, name) {
  const form = page.getByTestId('new-folder-form');
  await form.getByLabel('New folder name').fill(name);
  await form.getByRole('button', { name: 'New folder' }).click();
  await page.getByTestId('folder-row').filter({ hasText: name }).waitFor();
}

test('staff build a folder tree, upload with progress, move, preview and trash files', async () => {
  const admin = await createAdmin(portal);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = watchForErrors(page);
  await signIn(page, admin);

  await page.goto(`${portal.url}/matters`);
  await page.waitForFunction(() => document.querySelector('[data-testid=create-matter]')?.disabled === false);
  const create = page.getByTestId('create-matter-form');
  await create.getByLabel('Matter number').fill('2026-0200');
  await create.getByLabel('Name', { exact: true }).fill('Lovelace v. Babbage');
  await page.getByTestId('create-matter').click();
  await page.getByTestId('matter-created').getByRole('link').click();
  await page.getByTestId('all-files').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=upload-input]')?.disabled === false);

  // A small tree: Court / Orders.
  await newFolder(page, 'Court');
  await newFolder(page, 'Correspondence');
  await page.getByTestId('folder-row').filter({ hasText: 'Court' }).getByRole('button', { name: 'Court', exact: true }).click();
  await page.getByTestId('breadcrumbs').getByText('Court').waitFor();
  await newFolder(page, 'Orders');

  // Upload into Court, with progress shown while it runs.
  const big = Buffer.alloc(12 * 1024 * 1024, 7);
  await page.getByTestId('upload-input').setInputFiles([
    { name: 'Statement of claim.pdf', mimeType: 'application/pdf', buffer: big },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Hearing on 3 December.\n<script>alert(1)</script>\n') },
  ]);
  await page.getByTestId('transfer').first().waitFor();
  await page.getByTestId('transfer-status').filter({ hasText: 'Uploaded · 12.6 MB' }).waitFor({ timeout: 60_000 });
  await page.getByTestId('transfer-status').filter({ hasText: 'Uploaded · 49 bytes' }).waitFor();
  const row = page.getByTestId('document-row').filter({ hasText: 'Statement of claim.pdf' });
  await row.waitFor();
  assert.match(await row.getByTestId('last-updated').textContent(), /12\.6 MB · updated .* by /);
  await page.screenshot({ path: `${resultsDir}/files.png`, fullPage: true });

  // The text file opens in the viewer, in a sandboxed frame.
  await page.getByTestId('document-row').filter({ hasText: 'notes.txt' }).getByRole('button', { name: 'notes.txt', exact: true }).click();
  const frame = page.getByTestId('viewer').locator('iframe');
  await frame.waitFor();
  assert.equal(await frame.getAttribute('sandbox'), '');
  await page.frameLocator('[data-testid=viewer] iframe').getByText('Hearing on 3 December.').waitFor();
  await page.getByTestId('viewer').getByRole('button', { name: 'Close' }).click();

  // Drag the claim onto Orders; it leaves Court's listing and appears inside Orders.
  await row.dragTo(page.getByTestId('folder-row').filter({ hasText: 'Orders' }));
  await row.waitFor({ state: 'detached' });
  await page.getByTestId('folder-row').filter({ hasText: 'Orders' }).getByRole('button', { name: 'Orders', exact: true }).click();
  await page.getByTestId('breadcrumbs').getByText('Orders').waitFor();
  await page.getByTestId('document-row').filter({ hasText: 'Statement of claim.pdf' }).waitFor();

  // The "⋯" menu: move to the trash, then restore from it.
  const claim = page.getByTestId('document-row').filter({ hasText: 'Statement of claim.pdf' });
  await claim.getByTestId('more').click();
  await claim.getByTestId('item-menu').getByRole('menuitem', { name: 'Send' }).waitFor();
  await claim.getByTestId('trash-item').click();
  await claim.waitFor({ state: 'detached' });
  await page.getByTestId('show-trash').check();
  const trashed = page.getByTestId('trash-row').filter({ hasText: 'Statement of claim.pdf' });
  await trashed.waitFor();
  assert.match(await trashed.textContent(), /All Files \/ Court \/ Orders/);
  await trashed.getByTestId('restore').click();
  await page.getByTestId('entries').getByText('Statement of claim.pdf').waitFor();

  // Breadcrumbs lead back to the top.
  await page.getByTestId('breadcrumbs').getByRole('button', { name: 'All Files' }).click();
  await page.getByTestId('folder-row').filter({ hasText: 'Correspondence' }).waitFor();
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
