// The portal on the narrowest phone the issue names (360 px): no page scrolls sideways, even
// with long unbroken words in names and messages; every text field is at least 16 px (so iOS
// does not zoom into it) and every button is a target at least 44 px high and wide.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { api, createAdmin, hydrated, resultsDir, signIn, startWorld, stopWorld, T } from './portal.mjs';

let portal;
let browser;

before(async () => ({ portal, browser } = await startWorld()));
after(() => stopWorld({ portal, browser }));

// What a phone user would stumble on, measured in the page: sideways scroll, small text fields,
// small buttons (visible ones only; an inline link inside a sentence is exempt, as WCAG says).
// A phone browser widens its layout to fit content that does not fit, so the width compared
// is the screen's, not `innerWidth`.
async function phoneProblems(page, width) {
  return page.evaluate((width) => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > width || window.innerWidth > width) {
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > width + 0.5)
        .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`)
        .slice(0, 5);
      problems.push(`scrolls sideways: ${root.scrollWidth} > ${width} (${wide.join(', ')})`);
    }
    const visible = (e) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden';
    };
    for (const field of document.querySelectorAll('input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=file]), textarea, select')) {
      if (!visible(field)) continue;
      const size = parseFloat(getComputedStyle(field).fontSize);
      if (size < 16) problems.push(`${field.name || field.type} text is ${size}px`);
    }
    for (const target of document.querySelectorAll('button, .button, [role=button], input[type=submit]')) {
      if (!visible(target) || target.closest('.sr-only')) continue;
      const r = target.getBoundingClientRect();
      if (r.height < 44 - 0.5 || r.width < 44 - 0.5) {
        problems.push(`"${(target.textContent || target.getAttribute('aria-label') || '').trim().slice(0, 30)}" is ${Math.round(r.width)}×${Math.round(r.height)}`);
      }
    }
    return problems;
  }, width);
}

test('every main page fits a 360 px phone, with fields that do not zoom and buttons a thumb can hit', async () => {
  const admin = await createAdmin(portal);
  const phone = { viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true };

  const anonymous = await browser.newContext(phone);
  const visitor = await anonymous.newPage();
  await visitor.goto(`${portal.url}/sign-in`);
  await hydrated(visitor);
  assert.deepEqual(await phoneProblems(visitor, 360), [], '/sign-in');
  await anonymous.close();

  const context = await browser.newContext(phone);
  const page = await context.newPage();
  await signIn(page, portal, admin);
  const long = 'Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung';
  const matter = await api(context, portal, 'matters/create', { number: `2026-${long.slice(0, 30)}`, name: `${long} ${long}` });
  const sam = await api(context, portal, 'people/add', { display_name: `Sam ${long}`, email: 'sam@firm.example', role: 'staff' });
  const conversation = await api(context, portal, 'conversations/create', {
    matter_id: matter.id, subject: long, body: `${long}${long} https://example.com/${long}/${long}`, internal: 'true', 'participants[0]': sam.id,
  });

  // The firm's welcome for the client guide, typed in Settings on the phone, shows as text.
  await page.goto(`${portal.url}/settings`);
  await hydrated(page);
  await page.getByTestId(T.GUIDE_WELCOME_SETTING).fill('Welcome to <b>Harper & Co</b>.');
  await page.getByTestId(T.SAVE_SETTINGS).click();
  await page.getByTestId(T.SETTINGS_SAVED).waitFor();
  await page.goto(`${portal.url}/guide`);
  assert.equal(await page.getByTestId(T.GUIDE_WELCOME).textContent(), 'Welcome to <b>Harper & Co</b>.');

  const found = {};
  const pages = {
    account: '/sign-in', matters: '/matters', matter: `/matters/${matter.id}`,
    conversation: `/matters/${matter.id}?conversation=${conversation}`, people: '/people', settings: '/settings', guide: '/guide',
  };
  for (const [name, path] of Object.entries(pages)) {
    await page.goto(`${portal.url}${path}`);
    await hydrated(page);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: `${resultsDir}/phone-360-${name}.png`, fullPage: true });
    const problems = await phoneProblems(page, 360);
    if (problems.length) found[path] = problems;
  }
  assert.deepEqual(found, {}, 'every page fits');
  await context.close();
});
