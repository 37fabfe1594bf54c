// Matters in a real browser: staff open a matter, find it, put a client from the directory on
// it; the client then sees that matter and only that one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { confirm, createAdmin, enabled, resultsDir, signIn, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let portal;
let browser;

before(async () => ({ portal, browser } = await startWorld()));
after(() => stopWorld({ portal, browser }));

test('staff open a matter, find it and put a client on it', async () => {
  const admin = await createAdmin(portal);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = watchForErrors(page);
  await signIn(page, portal, admin);

  // A contact in the directory (no invitation: email is not set up in this portal).
  await page.goto(`${portal.url}/people`);
  await enabled(page, T.ADD_PERSON);
  const form = page.getByTestId(T.ADD_PERSON_FORM);
  await form.getByLabel('Name', { exact: true }).fill('Grace Hopper');
  await form.getByLabel('Email', { exact: true }).fill('grace@client.example');
  await form.locator('input[name=invite]').uncheck();
  await page.getByTestId(T.ADD_PERSON).click();
  await page.getByTestId(T.PERSON_ADDED).waitFor();

  await page.getByTestId(T.TOPBAR_MATTERS).click();
  await page.waitForURL(/\/matters$/);
  await enabled(page, T.CREATE_MATTER);
  const create = page.getByTestId(T.CREATE_MATTER_FORM);
  await create.getByLabel('Matter number').fill('2026-0142');
  await create.getByLabel('Name', { exact: true }).fill('Estate of H. Hopper');
  await page.getByTestId(T.CREATE_MATTER).click();
  await page.getByTestId(T.MATTER_CREATED).waitFor();
  await page.getByTestId(T.MATTERS).getByText('Estate of H. Hopper').waitFor();

  // Search narrows the list as one types.
  await page.getByTestId(T.MATTER_SEARCH).fill('nothing like it');
  await page.getByText('No matters to show.').waitFor();
  await page.getByTestId(T.MATTER_SEARCH).fill('0142');
  await page.getByTestId(T.MATTERS).getByText('Estate of H. Hopper').click();

  await page.getByTestId(T.MATTER_NAME).waitFor();
  assert.equal(await page.getByTestId(T.MATTER_NAME).textContent(), 'Estate of H. Hopper');
  // On a phone the matter opens at its messages; its people are under Details.
  assert.equal(await page.getByTestId(T.ADD_MATTER_PERSON_FORM).isVisible(), false);
  await page.getByTestId(T.MATTER_TAB).filter({ hasText: 'Details' }).click();
  await enabled(page, T.ADD_MATTER_PERSON);
  // The directory is searched as one types: the browser offers Grace's address.
  await page.getByTestId(T.FIND_PERSON).pressSequentially('Gra');
  await page.locator('#directory-matches option[value="grace@client.example"]').waitFor({ state: 'attached' });
  await page.getByTestId(T.FIND_PERSON).fill('grace@client.example');
  await page.getByTestId(T.ADD_MATTER_PERSON).click();
  await page.getByTestId(T.MATTER_PEOPLE).getByText('Grace Hopper').waitFor();
  await page.screenshot({ path: `${resultsDir}/matter.png`, fullPage: true });

  await page.getByTestId(T.TOGGLE_MATTER_STATUS).click();
  await confirm(page);
  await page.getByTestId(T.MATTER_CLOSED).waitFor();
  await page.getByTestId(T.TOGGLE_MATTER_STATUS).click();
  await page.getByTestId(T.MATTER_CLOSED).waitFor({ state: 'detached' });

  // Records: a legal hold shows on the matter until it is lifted; a closed matter takes the
  // day it will be deleted. Each change redraws the matter, so the section is opened again.
  const records = async () => {
    if (!(await page.getByTestId(T.TOGGLE_LEGAL_HOLD).isVisible())) {
      await page.locator('summary', { hasText: 'Records' }).click();
    }
  };
  await records();
  await page.getByTestId(T.TOGGLE_LEGAL_HOLD).click();
  await page.getByTestId(T.LEGAL_HOLD).waitFor();
  await page.getByTestId(T.TOGGLE_MATTER_STATUS).click();
  await confirm(page);
  await page.getByTestId(T.MATTER_CLOSED).waitFor();
  await records();
  const retention = page.getByTestId(T.RETENTION_FORM);
  await retention.locator('input[name=until]').fill('2031-03-31');
  await retention.getByRole('button', { name: 'Save the date' }).click();
  await page.getByText('will be deleted on 2031-03-31').waitFor();
  await records();
  await page.getByTestId(T.TOGGLE_LEGAL_HOLD).click();
  await page.getByTestId(T.LEGAL_HOLD).waitFor({ state: 'detached' });
  assert.deepEqual(errors, [], 'no console errors');
  await context.close();
});
