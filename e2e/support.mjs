// What every journey needs: the real server on a fresh database, and a real browser.
//
// The server is the `qorgau demo` command (embedded SQLite in a new temporary folder, synthetic
// data, one account per role) on a free port of 127.0.0.1; what it prints (the accounts'
// password, a tracking code and PIN, the demo school's QR page) is read from its output.
// The browser is Debian's chromium, driven by playwright-core (no browser download).
import { spawn } from 'node:child_process';
import { before, after } from 'node:test';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.QORGAU_BIN ?? join(here, '..', 'target', 'debug', 'qorgau');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(here, 'screenshots');

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `qorgau demo` on a fresh data folder (or on `dataDir`, a previous server's, whose
 * database it then keeps); resolves once it listens. */
export async function startServer(extraEnv = {}, dataDir = mkdtempSync(join(tmpdir(), 'qorgau-e2e-'))) {
  const port = await freePort();
  const env = { ...process.env, QORGAU_LOG_FORMAT: 'pretty', QORGAU_LOG: 'warn', QORGAU_PASSWORD_MEMORY_KIB: '1024', ...extraEnv };
  const child = spawn(BIN, ['demo', '--data-dir', dataDir, '--bind', `127.0.0.1:${port}`, '--complaints', '3'], { env });
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 60_000);
    const read = (chunk) => {
      output += chunk.toString();
      if (output.includes('Stop with Ctrl-C')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}):\n${output}`)));
  });
  await ready;
  const pick = (pattern) => output.match(pattern)?.[1];
  const server = {
    url: `http://127.0.0.1:${port}`,
    password: pick(/password (\S+)/),
    trackingCode: pick(/tracking code (\S+) with PIN/),
    pin: pick(/with PIN (\d+)/),
    qrPath: pick(/A school's QR:\s+http:\/\/[^/]+(\/qr\/\d+)/),
    dataDir,
    /** Stops the server; its data folder goes too unless `keep`. */
    async stop({ keep = false } = {}) {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      if (!keep) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}

/** Debian's chromium, headless. */
export async function startBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
}

/** A page at a width, optionally without JavaScript. `bypassCSP` lets axe-core be injected. */
export async function newPage(browser, { width = 1366, height = 768, javaScript = true } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled: javaScript, bypassCSP: true });
  return context.newPage();
}

/** Signs in on the staff sign-in page. */
export async function signIn(page, server, login, password = server.password) {
  await page.goto(`${server.url}/staff/sign-in?lang=en`);
  await page.fill('#login', login);
  await page.fill('#password', password);
  await follow(page, 'button[type=submit]');
}

/** Saves a screenshot for review (the folder is ignored by git). */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Clicks what leads to another page, and waits until that page has loaded. */
export async function follow(page, selector) {
  await Promise.all([page.waitForEvent('load'), page.click(selector)]);
}

/**
 * The server and the browser a test file shares: started before its first test, stopped after
 * its last. Read them as `env.server` and `env.browser` inside the tests.
 */
export function sharedServerAndBrowser() {
  const env = { server: undefined, browser: undefined };
  before(async () => {
    env.server = await startServer();
    env.browser = await startBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}
