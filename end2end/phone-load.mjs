// The benchmark's phone: loads a page in Chromium, 390 px wide, on a 1.6 Mbit/s link with
// 150 ms round trips, and prints when its HTML arrived and when it hydrated (the front end
// marks <html data-hydrated>), in ms from the start of navigation. Used by bench/run, not by the tests.
// Usage: node phone-load.mjs URL COOKIE
import { launchBrowser } from './tests/portal.mjs';

const [url, cookie] = process.argv.slice(2);
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const [name, ...value] = cookie.split('=');
  await context.addCookies([{ name, value: value.join('='), url }]);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6e6 / 8),
    uploadThroughput: (750e3 / 8),
  });
  const start = Date.now();
  await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
  await page.waitForSelector('html[data-hydrated]', { state: 'attached', timeout: 60_000 });
  const hydrated = Date.now() - start;
  const html = await page.evaluate(() => performance.getEntriesByType('navigation')[0].responseEnd);
  console.log(JSON.stringify({ html, hydrated }));
} finally {
  await browser.close();
}
