// Matters in a real browser: staff open a matter, find it, put a client from the directory on
// it; the client then sees that matter and only that one.
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

test('staff open a matter, find it and put a client on it', async () => {
  const admin = await createAdmin(portal);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = watchForErrors(page);
  await signIn(page, admin);

  // A contact in the directory (no invitation: email is not set up in this portal).
  await page.goto(`${portal.url}/people`);
  await page.waitForFunction(() => document.querySelector('[data-testid=add-person]')?.disabled === false);
  const form = page.getByTestId('add-person-form');
  await form.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await form.getByLabel('Email', { exact: true }).fill('grace@client.example');
  await form.locator('input[name=invite]').uncheck();
  await page.getByTestId('add-person').click();
  await page.getByTestId('person-added').waitFor();

  await page.getByTestId('topbar-matters').click();
  await page.waitForURL(/\/matters$/);
  await page.waitForFunction(() => document.querySelector('[data-testid=create-matter]')?.disabled === false);
  const create = page.getByTestId('create-matter-form');
  await create.getByLabel('Matter number').fill('2026-0142');
  await create.getByLabel('Name', { exact: true }).fill('Estate of H. Hopper');
  await page.getByTestId('create-matter').click();
  await page.getByTestId('matter-created').waitFor();
  await page.getByTestId('matters').getByText('Estate of H. Hopper').waitFor();

  // Search narrows the list as one types.
  await page.getByTestId('matter-search').fill('nothing like it');
  await page.getByText('No matters to show.').waitFor();
  await page.getByTestId('matter-search').fill('0142');
  await page.getByTestId('matters').getByText('Estate of H. Hopper').click();

  await page.getByTestId('matter-name').waitFor();
  assert.equal(await page.getByTestId('matter-name').textContent(), 'Estate of H. Hopper');
  await page.waitForFunction(() => document.querySelector('[data-testid=add-matter-person]')?.disabled === false);
  await page.getByTestId('add-matter-person-form').getByLabel('Email of a person in the directory').fill('grace@client.example');
  await page.getByTestId('add-matter-person').click();
  await page.getByTestId('matter-people').getByText('Grace Hopper').waitFor();
  await page.screenshot({ path: `${resultsDir}/matter.png`, fullPage: true });

  await page.getByTestId('toggle-matter-status').click();
  await page.getByTestId('matter-closed').waitFor();
  await page.getByTestId('toggle-matter-status').click();
  await page.getByTestId('matter-closed').waitFor({ state: 'detached' });
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
