// WCAG 2.1 AA as axe-core (pinned in package.json) reads it: every main page, for staff, for a
// client and signed out, at 1280 px and at 390 px, has no serious or critical violation.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { api, createAdmin, hydrated, signIn, startWorld, stopWorld, T } from './portal.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [{ width: 1280, height: 900 }, { width: 390, height: 844 }];

let portal;
let browser;
let smtp;
// Made by the first test, used by the second.
let matterId;

before(async () => ({ portal, browser, smtp } = await startWorld({ smtp: true })));
after(() => stopWorld({ portal, browser, smtp }));

// The serious and critical violations on the page as it is now, one line each.
async function violations(page) {
  await page.addScriptTag({ content: axeSource });
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return found;
}

// Opens each page at each width and gathers what axe finds, by page and width.
async function audit(context, pages) {
  const page = await context.newPage();
  const found = {};
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    for (const [name, path] of Object.entries(pages)) {
      await page.goto(`${portal.url}${path}`);
      await hydrated(page);
      await page.waitForLoadState('networkidle');
      const problems = await violations(page);
      if (problems.length) found[`${name} at ${size.width} px`] = problems;
    }
  }
  await page.close();
  return found;
}

test('every main page passes axe-core for staff, for a client and signed out, on a desktop and a phone', async () => {
  const admin = await createAdmin(portal);
  // The page's policy allows only its own scripts; axe is put in by the test.
  const staffContext = await browser.newContext({ bypassCSP: true });
  const staff = await staffContext.newPage();
  await signIn(staff, portal, admin);
  const matter = await api(staffContext, portal, 'matters/create', { number: '2026-0300', name: 'Hopper lease' });
  matterId = matter.id;
  const grace = await api(staffContext, portal, 'people/add', { display_name: 'Grace Hopper', email: 'grace@client.example', role: 'client', invite: 'true' });
  await api(staffContext, portal, 'matters/people/add', { id: matter.id, email: 'grace@client.example', role: 'client' });
  const conversation = await api(staffContext, portal, 'conversations/create', {
    matter_id: matter.id, subject: 'The lease', body: 'Please read the lease and tell us what you think.', 'participants[0]': grace.id,
  });
  const clientContext = await browser.newContext({ bypassCSP: true });
  const token = new URL(await smtp.link('grace@client.example', `${portal.url}/invitation?token=`)).searchParams.get('token');
  await api(clientContext, portal, 'invitations/accept', { token, password: 'harbour lantern orchard violet' });
  const thread = `/matters/${matter.id}?conversation=${conversation}`;

  const found = {
    ...Object.fromEntries(Object.entries(await audit(staffContext, {
      home: '/', account: '/sign-in', matters: '/matters', matter: `/matters/${matter.id}`, conversation: thread,
      details: `/matters/${matter.id}?tab=details`, files: `/matters/${matter.id}?tab=files`,
      people: '/people', settings: '/settings', guide: '/guide', help: '/help',
    })).map(([k, v]) => [`staff ${k}`, v])),
    ...Object.fromEntries(Object.entries(await audit(clientContext, {
      inbox: '/', matters: '/matters', conversation: thread, account: '/sign-in', details: `/matters/${matter.id}?tab=details`,
    })).map(([k, v]) => [`client ${k}`, v])),
  };
  const anonymous = await browser.newContext({ bypassCSP: true });
  Object.assign(found, Object.fromEntries(Object.entries(await audit(anonymous, {
    'sign-in': '/sign-in', guide: '/guide', 'a link signed out': thread, home: '/',
  })).map(([k, v]) => [`signed out ${k}`, v])));
  assert.deepEqual(found, {}, 'no serious or critical violations');
  await staffContext.close();
  await clientContext.close();
  await anonymous.close();
});

// Presses Tab until the focused element passes `test` (run in the page with `arg`).
async function tabTo(page, test, arg) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test, arg)) return;
  }
  throw new Error(`Tab never reached ${test}`);
}

test('a conversation is started with the keyboard alone', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, portal, { email: 'ada@firm.example', password: 'correct horse battery staple' });
  await page.goto(`${portal.url}/matters/${matterId}`);
  await hydrated(page);
  await tabTo(page, (id) => document.activeElement?.dataset.testid === id, T.NEW_CONVERSATION);
  await page.keyboard.press('Enter');
  await page.getByTestId(T.NEW_CONVERSATION_FORM).waitFor();
  await tabTo(page, () => document.activeElement?.type === 'checkbox' && document.activeElement.closest('label')?.textContent.includes('Grace Hopper'));
  await page.keyboard.press('Space');
  await tabTo(page, () => document.activeElement?.closest('label')?.textContent.startsWith('Subject'));
  await page.keyboard.type('Typed, not clicked');
  await tabTo(page, () => document.activeElement?.tagName === 'TEXTAREA');
  await page.keyboard.type('Every step of this came from the keyboard.');
  await tabTo(page, (id) => document.activeElement?.dataset.testid === id, T.CREATE_CONVERSATION);
  await page.keyboard.press('Enter');
  await page.getByTestId(T.CONVERSATION_SUBJECT).getByText('Typed, not clicked').waitFor();
  await page.getByTestId(T.MESSAGES_LIST).getByText('Every step of this came from the keyboard.').waitFor();
  await context.close();
});

test('open menus, questions and the phone layout pass axe-core too', async () => {
  // The first test made the administrator and the matter; a folder gives the tree a menu.
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, portal, { email: 'ada@firm.example', password: 'correct horse battery staple' });
  await api(context, portal, 'files/folders/create', { matter_id: matterId, name: 'Correspondence' });
  await page.goto(`${portal.url}/matters/${matterId}`);
  await hydrated(page);
  const folder = page.getByTestId(T.FOLDER_ROW).filter({ hasText: 'Correspondence' });
  await folder.getByTestId(T.MORE).click();
  await page.getByTestId(T.ITEM_MENU).waitFor();
  const found = {};
  const check = async (name) => {
    const problems = await violations(page);
    if (problems.length) found[name] = problems;
  };
  await check('file menu open');
  await page.getByTestId(T.TRASH_ITEM).click();
  await page.getByTestId(T.CONFIRM).waitFor();
  await check('move to trash asked');
  await page.keyboard.press('Escape');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${portal.url}/matters/${matterId}?tab=files`);
  await hydrated(page);
  await check('files tab on a phone');
  assert.deepEqual(found, {}, 'no serious or critical violations');
  await context.close();
});

test('the file tree is walked with the arrow keys and its menu opened with Shift+F10', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await signIn(page, portal, { email: 'ada@firm.example', password: 'correct horse battery staple' });
  await api(context, portal, 'files/folders/create', { matter_id: matterId, name: 'Deeds' });
  await page.goto(`${portal.url}/matters/${matterId}`);
  await hydrated(page);
  await page.getByTestId(T.FOLDER_ROW).filter({ hasText: 'Deeds' }).waitFor();
  const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
  await tabTo(page, () => document.activeElement?.classList.contains('entry-name'));
  const first = await focused();
  await page.keyboard.press('ArrowDown');
  const second = await focused();
  assert.notEqual(second, first, 'the next item');
  await page.keyboard.press('Home');
  assert.equal(await focused(), first);
  await page.keyboard.press('End');
  assert.equal(await focused(), second);
  await page.keyboard.press('Shift+F10');
  await page.getByTestId(T.ITEM_MENU).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'menuitem', 'focus is in the menu');
  await page.keyboard.press('Escape');
  await page.getByTestId(T.ITEM_MENU).waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), T.MORE, 'focus back on "⋯"');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await page.getByTestId(T.FOLDER_ROW).filter({ hasText: first }).waitFor({ state: 'detached' });
  await context.close();
});
