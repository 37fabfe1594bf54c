// Starts the release binary on a free port with an empty data folder, and Chromium beside it.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
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

export async function startPortal() {
  const bin = process.env.DOSSIER_BIN;
  if (!bin) throw new Error('DOSSIER_BIN must name the release binary (./dossier.sh test sets it)');
  const dir = mkdtempSync(join(tmpdir(), 'dossier-e2e-'));
  const port = await freePort();
  const child = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--data-dir', join(dir, 'data')], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH },
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
