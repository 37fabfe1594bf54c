// The portal as an installable app: a manifest with the icons phones need, a service worker
// that takes control, an offline page when the network is gone, and nothing confidential in
// its cache after a signed-in session has used the portal.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAdmin, enabled, resultsDir, signIn, startWorld, stopWorld, T, watchForErrors } from './portal.mjs';

let portal;
let browser;

before(async () => ({ portal, browser } = await startWorld()));
after(() => stopWorld({ portal, browser }));

test('the portal installs as an app, opens offline to a page that says so, and caches nothing confidential', async () => {
  const admin = await createAdmin(portal);
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors = watchForErrors(page);

  // The manifest names the app and the icons an install needs, and they are served.
  const manifest = await (await page.request.get(`${portal.url}/manifest.webmanifest`)).json();
  assert.equal(manifest.display, 'standalone');
  const sizes = manifest.icons.map((i) => `${i.sizes} ${i.purpose}`);
  for (const wanted of ['192x192 any', '512x512 any', '512x512 maskable']) assert.ok(sizes.includes(wanted), wanted);
  for (const icon of manifest.icons) {
    const response = await page.request.get(`${portal.url}${icon.src}`);
    assert.equal(response.status(), 200, icon.src);
  }

  // The service worker installs and takes control of the page.
  await page.goto(`${portal.url}/sign-in`);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);

  // A signed-in session uses the portal: pages, server functions, the live stream.
  await signIn(page, portal, admin, { goto: false });
  await page.goto(`${portal.url}/matters`);
  await enabled(page, T.CREATE_MATTER);
  const create = page.getByTestId(T.CREATE_MATTER_FORM);
  await create.getByLabel('Matter number').fill('2026-0300');
  await create.getByLabel('Name', { exact: true }).fill('Offline test');
  await page.getByTestId(T.CREATE_MATTER).click();
  await page.getByTestId(T.MATTERS).getByText('Offline test').click();
  await page.getByTestId(T.MESSAGES).waitFor();

  // The network is gone (the browser offline, the server stopped): a page opens to the offline
  // notice, not the browser's error.
  await context.setOffline(true);
  portal.stop();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await page.goto(`${portal.url}/matters`).catch(() => {});
  await page.getByText('You are offline').waitFor();
  await page.screenshot({ path: `${resultsDir}/offline.png`, fullPage: true });

  // The cache holds only the front end's files and the offline page: no page, no data.
  const cached = await page.evaluate(async () => {
    const urls = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
  assert.ok(cached.includes('/offline.html'), JSON.stringify(cached));
  assert.ok(cached.some((p) => p.startsWith('/pkg/')), 'the front end is cached');
  for (const path of cached) {
    assert.ok(/^\/(pkg\/|offline\.html$|favicon\.svg$|icons\/)/.test(path), `nothing else is cached: ${path}`);
  }
  assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|net::/.test(e)), [], 'no console errors');
  await context.close();
});
