// console.mjs — the console's browser tests (run by e2e_ui.sh, which starts the host and makes
// the users, merchants, terminal and purchases named in the environment): sign-in with password
// and TOTP, the merchant's purchase, receipt and statement, an operator's onboarding, terminal
// registration and risk case, terminal management (parameters, CA keys and AIDs, the TMS
// status; an auditor reading), a merchant refused another's data, the refusals of a wrong or replayed code, a
// missing CSRF token and an idle session; with POSSUM_SCREENSHOTS set (make test-ui), a
// screenshot of every page in both languages.
import { $, advance, call, check, context, csrf, finish, launch, next_step, open, shot,
  shooting, signed_in, signin, signin_form, step, totp, watch } from './driver.mjs';
import { merchant_flow, other_merchant } from './merchant.mjs';
import { ops_flow } from './ops.mjs';
import { tms_flow } from './tms.mjs';
import { every_page } from './pages.mjs';

const env = process.env;
const password = env.POSSUM_PASSWORD;
const users = {
  op: { name: env.POSSUM_OP, password, role: 'operator' },
  cafe: { name: env.POSSUM_CAFE, password, role: 'merchant', mid: env.POSSUM_MID },
  shop: { name: env.POSSUM_SHOP, password, role: 'merchant', mid: env.POSSUM_OTHER_MID },
  aud: { name: env.POSSUM_AUD, password, role: 'auditor' },
};
const browser = await launch();
const t0 = Date.now();
try {
  const ctx = await context(browser);
  const page = await ctx.newPage();
  watch(page);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));

  await step('the console is served at / (smoke)', async () => {
    const r = await page.goto(`${env.POSSUM_URL}/`);
    check(r.status() === 200, 'GET / answers 200', r.status());
    const csp = (await r.allHeaders())['content-security-policy'] || '';
    check(csp.includes("default-src 'self'"), 'a Content-Security-Policy', csp);
    await $(page, 'signin-form').waitFor();
    await shot(page, 'signin-en');
  });

  await step('the operator enrols through the link: QR, otpauth URI, password', async () => {
    await open(page, `/enrol/${env.POSSUM_OP_ENROL}`);
    check(await $(page, 'enrol-name').textContent() === users.op.name, 'the enrolment names the user');
    check((await $(page, 'enrol-otpauth').textContent()).startsWith('otpauth://totp/'), 'the otpauth URI');
    check((await $(page, 'enrol-qr').getAttribute('src')).startsWith('data:image/png;base64,'), 'the QR code');
    await shot(page, 'enrol-en');
    await $(page, 'enrol-password').fill(password);
    await $(page, 'enrol-password2').fill(password);
    await $(page, 'enrol-submit').click();
    await $(page, 'enrol-done').waitFor();
    await open(page, `/enrol/${env.POSSUM_OP_ENROL}`);
    await $(page, 'enrol-error').waitFor();
    check(true, 'the enrolment link is used once');
  });

  await step('a wrong TOTP code is refused, saying not which element', async () => {
    next_step();
    const code = totp(users.cafe.name);
    const wrong = String((Number(code) + 500000) % 1000000).padStart(6, '0');
    await signin_form(page, users.cafe.name, password, wrong);
    await $(page, 'signin-error').waitFor();
    check(!(await signed_in(page)), 'not signed in with a wrong code');
    await shot(page, 'signin-refused-en');
    const r = await call(page, 'GET', '/api/v1/session');
    check(r.status === 401, 'no session after a wrong code', r.status);
  });

  await step('a merchant signs in with password and TOTP; a replayed code is refused', async () => {
    next_step();
    const code = totp(users.cafe.name);
    await signin_form(page, users.cafe.name, password, code);
    await $(page, 'signout').waitFor();
    check((await $(page, 'who').textContent()).includes(users.cafe.name), 'the top bar names the user');
    const s = await call(page, 'GET', '/api/v1/session');
    check(s.status === 200 && s.body.user.role === 'merchant' && s.body.user.mid === users.cafe.mid,
      'GET /api/v1/session: the merchant and its MID', JSON.stringify(s.body));
    const cookies = await page.context().cookies();
    const c = cookies.find((x) => x.name === 'possum_session');
    check(c && c.httpOnly && c.sameSite === 'Strict', 'the session cookie HttpOnly, SameSite=Strict',
      JSON.stringify(c));
    await $(page, 'signout').click();
    await $(page, 'signin-form').waitFor();
    check((await call(page, 'GET', '/api/v1/session')).status === 401, 'signed out: no session');
    await signin_form(page, users.cafe.name, password, code);
    await $(page, 'signin-error').waitFor();
    check(!(await signed_in(page)), 'the same code again (a replay) refused');
  });

  await step('a merchant sees its purchase, its receipt, and downloads its statement', async () => {
    await signin(page, users.cafe);
    await merchant_flow(page, users.cafe, env);
  });

  await step('a missing CSRF token is refused (403); with it the request goes through', async () => {
    const path = `/api/v1/merchants/${users.cafe.mid}/settlement-card`;
    const body = { card: '6225880100000000', holder: 'x', id_number: 'x', phone: 'x' };
    const without = await call(page, 'POST', path, body);
    check(without.status === 403, 'POST with the cookie, without X-CSRF-Token: 403', JSON.stringify(without));
    check(/csrf/i.test(JSON.stringify(without.body)), 'the refusal names the CSRF token', JSON.stringify(without.body));
    const wrong = await call(page, 'POST', path, body, 'not-the-token');
    check(wrong.status === 403, 'a wrong X-CSRF-Token: 403', wrong.status);
    const with_ = await call(page, 'POST', path, body, await csrf(page));
    check(with_.status !== 403 && with_.status !== 401, 'with the token: past the check', with_.status);
    const out = await call(page, 'DELETE', '/api/v1/session');
    check(out.status === 403, 'DELETE /api/v1/session without the token: 403', out.status);
    check((await call(page, 'GET', '/api/v1/session')).status === 200, 'and the session is still there');
  });

  await step('a session idle 15 minutes is gone', async () => {
    advance(14 * 60);
    check((await call(page, 'GET', '/api/v1/session')).status === 200, 'after 14 idle minutes still there');
    advance(15 * 60 + 5);
    check((await call(page, 'GET', '/api/v1/session')).status === 401, 'after 15 idle minutes: 401');
    await open(page, '/merchant/transactions');
    await $(page, 'signin-form').waitFor();
    check(!(await signed_in(page)), 'the console asks for a sign-in again');
    await shot(page, 'signin-expired-en');
  });

  await step("a merchant's session is refused another merchant's data (page and API)", async () => {
    await signin(page, users.shop);
    await other_merchant(page, users.shop, env);
    await $(page, 'signout').click();
    await $(page, 'signin-form').waitFor();
  });

  await step('an operator onboards a merchant, registers a terminal, closes a risk case', async () => {
    await signin(page, users.op);
    await ops_flow(page, users.op, env);
  });

  await step("an operator manages a terminal's model and parameters, a merchant's, the CA keys and AIDs, reads the TMS status; an auditor reads", async () => {
    await tms_flow(page, env, users);
  });

  if (shooting) {
    await step('screenshots of every page, both languages', async () => {
      for (const u of [users.op, users.cafe]) await every_page(browser, u);
    });
  }
  check(errors.length === 0, 'no script error in the pages', errors.slice(0, 3).join(' | '));
} finally {
  await browser.close();
}
console.log(`(${((Date.now() - t0) / 1000).toFixed(1)} s in the browser)`);
process.exitCode = finish();
