import assert from 'node:assert/strict';
// Starts the release binary on a free port with an empty data folder, and Chromium beside it.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const resultsDir = new URL('../test-results/', import.meta.url).pathname;
mkdirSync(resultsDir, { recursive: true });

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function startPortal({ env = {} } = {}) {
  const bin = process.env.DOSSIER_BIN;
  if (!bin) throw new Error('DOSSIER_BIN must name the release binary (./dossier.sh test sets it)');
  const dir = mkdtempSync(join(tmpdir(), 'dossier-e2e-'));
  const port = await freePort();
  const child = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH, ...env },
  });
  let stderr = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 60 s:\n${stderr}`)), 60_000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('Dossier is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`dossier exited with ${code}:\n${stderr}`)));
  });
  await ready;
  const setupLink = stderr.match(/http:\/\/\S+\/setup\?token=[0-9a-f]+/)?.[0];
  return {
    url: `http://127.0.0.1:${port}`,
    setupLink,
    stop: () => child.kill('SIGTERM'),
  };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

// Collects what the page reports as broken: console errors (CSP refusals among them) and
// uncaught exceptions, so a test can insist there were none.
export function watchForErrors(page) {
  const errors = [];
  page.on('console', (msg) => msg.type() === 'error' && errors.push(msg.text()));
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

// Creates the first administrator through the setup link, as a same-origin form post.
export async function createAdmin(portal, { name = 'Ada Lovelace', email = 'ada@firm.example', password = 'correct horse battery staple' } = {}) {
  const token = new URL(portal.setupLink).searchParams.get('token');
  const body = new URLSearchParams({ token, display_name: name, email, password });
  const res = await fetch(`${portal.url}/api/accounts/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: portal.url },
    body,
  });
  if (res.status !== 200) throw new Error(`setup: ${res.status} ${await res.text()}`);
  return { email, password };
}

// The code an authenticator app shows (RFC 6238: HMAC-SHA-1, six digits, 30-second steps) for
// the base32 secret the portal displayed, `offset` steps from now.
export function totpCode(base32, offset = 0) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...base32.replace(/[\s=]/g, '').toUpperCase()]
    .map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0'))
    .join('');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + offset));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

// A mail server on loopback speaking SMTP, keeping every message it is given: the portal sends
// real email to it, and a test reads the links out of it.
export async function startSmtpSink() {
  const mails = [];
  const server = createServer((socket) => {
    const lines = createInterface({ input: socket, crlfDelay: Infinity });
    let mail = { to: [], data: '' };
    let inData = false;
    socket.write('220 sink.test ESMTP\r\n');
    lines.on('line', (line) => {
      if (inData) {
        if (line === '.') {
          inData = false;
          mails.push(mail);
          mail = { to: [], data: '' };
          socket.write('250 OK queued\r\n');
        } else {
          mail.data += (line.startsWith('.') ? line.slice(1) : line) + '\n';
        }
        return;
      }
      const upper = line.toUpperCase();
      if (upper.startsWith('EHLO')) socket.write('250-sink.test\r\n250 8BITMIME\r\n');
      else if (upper.startsWith('RCPT TO:')) {
        mail.to.push(line.slice(8).trim().replace(/[<>]/g, ''));
        socket.write('250 OK\r\n');
      } else if (upper === 'DATA') {
        inData = true;
        socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
      } else if (upper === 'QUIT') {
        socket.end('221 Bye\r\n');
      } else socket.write('250 OK\r\n');
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${server.address().port}`,
    mails,
    // Waits for a message to `to` and returns the first link in it starting with `prefix`.
    async link(to, prefix) {
      const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return (await this.find(to, new RegExp(`${escaped}\\S*`)))[0];
    },
    // Waits for a message to `to` whose text matches `pattern`, and returns the match.
    async find(to, pattern) {
      for (let i = 0; i < 200; i++) {
        for (const mail of mails.filter((m) => m.to.includes(to))) {
          const match = mail.data.replace(/=\n/g, '').replace(/=3D/g, '=').match(pattern);
          if (match) return match;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no mail to ${to} matching ${pattern}`);
    },
    close: () => server.close(),
  };
}

// An SMS gateway on loopback speaking Twilio's Messages API (a form POST with HTTP basic
// authentication), keeping every text it is given.
export async function startSmsGateway() {
  const { createServer: createHttpServer } = await import('node:http');
  const texts = [];
  const server = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      texts.push({ to: form.get('To'), from: form.get('From'), body: form.get('Body') });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sid: `SM${texts.length}`, status: 'queued' }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    env: {
      DOSSIER_SMS_URL: `http://127.0.0.1:${server.address().port}/2010-04-01/Accounts/AC123/Messages.json`,
      DOSSIER_SMS_ACCOUNT: 'AC123',
      DOSSIER_SMS_TOKEN: 'secret',
      DOSSIER_SMS_FROM: '+15005550006',
    },
    texts,
    // Waits for a text to `to` whose body matches `pattern`, and returns the match.
    async find(to, pattern) {
      for (let i = 0; i < 200; i++) {
        for (const text of texts.filter((t) => t.to === to)) {
          const match = text.body.match(pattern);
          if (match) return match;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no text to ${to} matching ${pattern}: ${JSON.stringify(texts)}`);
    },
    close: () => server.close(),
  };
}

// The UI's test ids, read from the one place that defines them (app/src/testid.rs), so the
// views and these tests cannot drift apart. Naming an id that is not there throws at once.
export const T = (() => {
  const source = readFileSync(new URL('../../app/src/testid.rs', import.meta.url), 'utf8');
  const ids = Object.fromEntries(
    [...source.matchAll(/^pub const ([A-Z0-9_]+): &str = "([a-z0-9-]+)";$/gm)].map((m) => [m[1], m[2]]),
  );
  return new Proxy(ids, {
    get(target, name) {
      if (typeof name === 'string' && !(name in target)) throw new Error(`no test id ${name} in app/src/testid.rs`);
      return target[name];
    },
  });
})();

// Waits until the Wasm has taken over the page.
export function hydrated(page) {
  return page.waitForSelector('html[data-hydrated]', { state: 'attached' });
}

// What a test file runs against: a portal (told of an SMTP sink when `smtp` is asked for, so
// that it sends mail there, and of an SMS gateway when `sms` is) and a browser. Started before
// the file's tests, stopped after.
export async function startWorld({ smtp: withSmtp = false, sms: withSms = false } = {}) {
  const smtp = withSmtp ? await startSmtpSink() : undefined;
  const sms = withSms ? await startSmsGateway() : undefined;
  const env = { ...(smtp ? { DOSSIER_SMTP_URL: smtp.url } : {}), ...(sms?.env ?? {}) };
  const portal = await startPortal({ env });
  return { portal, browser: await launchBrowser(), smtp, sms };
}

export async function stopWorld({ portal, browser, smtp, sms }) {
  await browser?.close();
  portal?.stop();
  smtp?.close();
  sms?.close();
}

// A server function called as the page calls it, with the session of browser context
// `context`; returns its JSON answer, failing the test on anything but 200.
export async function api(context, portal, path, form) {
  const res = await context.request.post(`${portal.url}/api/${path}`, {
    form, headers: { origin: portal.url, accept: 'application/json' },
  });
  assert.equal(res.status(), 200, `${path}: ${await res.text()}`);
  return res.json();
}

// A file put in the matter's tree (in `folder`, or at the top) in one tus request, as the
// uploader does; a second upload of the same name is its next version. Answers its document id.
export async function upload(context, portal, { matter, folder, name, content }) {
  const b64 = (s) => Buffer.from(s).toString('base64');
  let meta = `filename ${b64(name)},matter ${b64(matter)},purpose ${b64('files')}`;
  if (folder) meta += `,folder ${b64(folder)}`;
  const body = Buffer.from(content);
  const res = await context.request.post(`${portal.url}/uploads`, {
    data: body,
    headers: {
      origin: portal.url, 'tus-resumable': '1.0.0', 'upload-length': String(body.length),
      'upload-metadata': meta, 'content-type': 'application/offset+octet-stream',
    },
  });
  assert.equal(res.status(), 201, `upload ${name}: ${await res.text()}`);
  return res.headers()['dossier-document'];
}

// Answers yes to the question a destructive action asks first (ui::AskFirst): only the one on
// screen, as the other actions' questions are in the page too, hidden.
export async function confirm(page) {
  await page.locator(`[data-testid=${T.CONFIRM}]:visible`).click();
}

// Waits until the control with test id `id` is enabled: the page has hydrated and it can act.
export function enabled(page, id) {
  return page.waitForFunction((testid) => document.querySelector(`[data-testid=${testid}]`)?.disabled === false, id);
}

// Signs in with email and password on the sign-in page. `then`: what to wait for afterwards,
// 'signed-in' (the default) or 'code' (the account has a second factor) or nothing (null).
export async function signIn(page, portal, { email, password }, { then = 'signed-in', goto = true } = {}) {
  if (goto) await page.goto(`${portal.url}/sign-in`);
  // The form works before the Wasm too (before-wasm.test.mjs), but then each step is a new page
  // that may not have hydrated when the test goes on; here it signs in the way the Wasm does.
  await hydrated(page);
  await enabled(page, T.SIGN_IN_SUBMIT);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByTestId(T.SIGN_IN_SUBMIT).click();
  if (then === 'signed-in') await page.getByTestId(T.SIGNED_IN).waitFor();
  else if (then === 'code') await page.getByTestId(T.SIGN_IN_CODE_FORM).waitFor();
}
