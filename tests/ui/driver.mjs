// driver.mjs — what the console's browser tests share: Debian's chromium started headless by
// playwright-core (no browser of its own), the pass/fail counts printed as "N passed, N failed",
// the host's clock (a libfaketime file) moved forward, TOTP codes from `possum admin user totp`,
// sign-in through the page, API calls from inside a page (its cookie, with or without the CSRF
// header) and screenshots under $POSSUM_SCREENSHOTS (make test-ui).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const env = process.env;
export const url = env.POSSUM_URL; // http://127.0.0.1:PORT
const shots = env.POSSUM_SCREENSHOTS || '';

// ---- the counts ----
let passed = 0;
let failed = 0;
export function check(cond, what, detail) {
  if (cond) passed++;
  else {
    failed++;
    console.log(`FAIL: ${what}${detail === undefined ? '' : ': ' + detail}`);
  }
  return cond;
}
// step(what, fn): runs fn; a throw (a selector that never came, say) counts as one failure.
let failures = 0;
let watched = null;
// watch(page): the page a failed step's screenshot shows (in $POSSUM_FAILURES).
export function watch(page) { watched = page; }
export async function step(what, fn) {
  const page = watched;
  const before = failed;
  try {
    await fn();
  } catch (e) {
    // Playwright's first line, and what it waited for.
    const lines = String((e && e.message) || e).split('\n');
    const wait = lines.find((l) => /waiting for/.test(l)) || '';
    check(false, what, lines[0] + (wait ? ' ' + wait.trim() : ''));
  }
  if (failed !== before && page && env.POSSUM_FAILURES) {
    // What the page showed when the step failed, for whoever reads the test's output.
    mkdirSync(env.POSSUM_FAILURES, { recursive: true });
    const file = `${env.POSSUM_FAILURES}/failed-${++failures}.png`;
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    console.log(`  (the page then: ${file}, at ${page.url()})`);
  }
  console.log(`${failed === before ? 'ok' : 'FAILED'}: ${what}`);
}
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

// ---- the browser ----
// launch(): chromium from Debian (/usr/bin/chromium or $POSSUM_CHROMIUM), headless, without
// the background connections this machine's closed network refuses; --no-sandbox as root.
export async function launch() {
  const args = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-sync',
    '--disable-background-networking', '--disable-component-update'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  return chromium.launch({ executablePath: env.POSSUM_CHROMIUM || '/usr/bin/chromium',
    headless: true, args });
}

// context(browser, opts): a fresh profile (no cookie, no storage) at 1280×800, downloads kept,
// in Beijing's time zone (the demo configuration's).
export async function context(browser, opts) {
  const ctx = await browser.newContext(Object.assign(
    { viewport: { width: 1280, height: 800 }, acceptDownloads: true, locale: 'en-GB',
      timezoneId: 'Asia/Shanghai' }, opts || {}));
  ctx.setDefaultTimeout(10000); // a loaded machine (ctest -j2) is slow
  return ctx;
}

// $(page, test): the locator of the element whose data-test is test.
export const $ = (page, test) => page.locator(`[data-test="${test}"]`);

// open(page, path): the console at #path (loaded again when already there), its requests done.
export async function open(page, path) {
  const target = `${url}/#${path}`;
  if (page.url() === target) await page.reload();
  else await page.goto(target);
  await page.waitForLoadState('networkidle');
}

// ---- the host's clock and TOTP codes ----
// The host runs on a frozen clock read from $POSSUM_CLOCK; it starts at $POSSUM_NOW (UTC).
let now = env.POSSUM_NOW ? new Date(env.POSSUM_NOW.replace(' ', 'T') + 'Z') : new Date();
function stamp(d) { return d.toISOString().slice(0, 19).replace('T', ' '); }
// advance(seconds): moves the host's clock forward.
export function advance(seconds) {
  now = new Date(now.getTime() + seconds * 1000);
  writeFileSync(env.POSSUM_CLOCK, stamp(now) + '\n');
}
// next_step(): the clock moved into the next TOTP step (a code not yet used).
export function next_step() { advance(30); }

function possum(args) {
  const e = Object.assign({}, env, { TZ: 'UTC' });
  if (env.POSSUM_FAKETIME_LIB) {
    Object.assign(e, { LD_PRELOAD: env.POSSUM_FAKETIME_LIB, FAKETIME_TIMESTAMP_FILE: env.POSSUM_CLOCK,
      FAKETIME_NO_CACHE: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' });
  }
  return execFileSync(env.POSSUM_BIN, args, { env: e, encoding: 'utf8' }).trim();
}
// totp(name): the user's current code, as `possum admin user totp NAME` prints it.
export function totp(name) {
  const out = possum(['admin', 'user', 'totp', name, '--data', env.POSSUM_DATA]);
  const m = out.match(/\b(\d{6})\b/);
  if (!m) throw new Error(`no code from possum admin user totp ${name}: ${out}`);
  return m[1];
}

// ---- sign-in ----
// signin_form(page, name, password, code): fills the sign-in page and submits it.
export async function signin_form(page, name, password, code) {
  await open(page, '/signin');
  await $(page, 'signin-name').fill(name);
  await $(page, 'signin-password').fill(password);
  await $(page, 'signin-totp').fill(code);
  await $(page, 'signin-submit').click();
}
// signin(page, user): signs user {name, password} in with a fresh code; waits for the top bar.
export async function signin(page, user) {
  next_step();
  await signin_form(page, user.name, user.password, totp(user.name));
  await $(page, 'signout').waitFor();
  await page.waitForLoadState('networkidle');
}
// signed_in(page): whether the top bar offers to sign out (a user is signed in).
export async function signed_in(page) {
  return $(page, 'signout').isVisible();
}

// ---- the API from inside a page ----
// call(page, method, path, body, csrf): fetch with the page's cookie; the X-CSRF-Token header
// only when csrf is given. Returns {status, body}.
export async function call(page, method, path, body, csrf) {
  return page.evaluate(async ([method, path, body, csrf]) => {
    const headers = { 'Content-Type': 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = csrf;
    const r = await fetch(path, { method, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch (e) { json = text; }
    return { status: r.status, body: json };
  }, [method, path, body, csrf]);
}
// csrf(page): the session's CSRF token (GET /api/v1/session), or '' when signed out.
export async function csrf(page) {
  const r = await call(page, 'GET', '/api/v1/session');
  return (r.status === 200 && r.body.csrf) || '';
}

// ---- screenshots (make test-ui) ----
export const shooting = shots !== '';
// shot(page, name): build/screenshots/NAME.png, the whole page; nothing outside make test-ui.
export async function shot(page, name) {
  if (!shooting) return;
  mkdirSync(shots, { recursive: true });
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}
