// tms.mjs — terminal management in the browser (web/js/tms.js, its data-test names): an
// operator sets the terminal's model, sets a parameter on the terminal's page and sees it
// resolved with its level, sees a bad value refused with the API's reason beside the field and
// nothing changed, unsets it; sets a parameter at the merchant's level that the terminal then
// gets from "merchant"; on the CA keys & AIDs page sees the seeded UnionPay AIDs, adds an AID
// (an amount that is not one refused beside its field), adds a CA key (a wrong checksum
// refused with the API's reason) and revokes it with a reason; every part in Chinese too; an
// auditor reads the keys and the model and changes nothing.
import { $, call, check, csrf, open, shot, signin } from './driver.mjs';
import { lang } from './pages.mjs';

const UNIONPAY = ['A000000333010101', 'A000000333010102', 'A000000333010103'];

// row(page, key): the parameters table's row of key.
const row = (page, key) => page.locator(`[data-test="tms-params-row"][data-key="${key}"]`);

// resolved(page, key, value, from): waits until key's row shows value, from level from.
async function resolved(page, key, value, from) {
  const r = page.locator(`[data-test="tms-params-row"][data-key="${key}"][data-from="${from}"]`);
  await r.waitFor();
  const shown = (await r.locator('[data-test="tms-param-value"]').textContent()).trim();
  return check(shown === value, `${key} = ${value} from ${from}`, shown);
}

async function model(page, tid) {
  await open(page, `/ops/terminals/${tid}`);
  await $(page, 'tms-terminal').waitFor();
  await $(page, 'tms-model-input').fill('PX 7');
  await $(page, 'tms-model-save').click();
  await $(page, 'tms-model-error').waitFor();
  check(/model must be/.test(await $(page, 'tms-model-error').textContent()), 'a bad model refused with the reason',
    await $(page, 'tms-model-error').textContent());
  await $(page, 'tms-model-input').fill('PX-7');
  await $(page, 'tms-model-save').click();
  await page.locator('[data-test="tms-model"][data-model="PX-7"]').waitFor();
  const t = await call(page, 'GET', `/api/v1/terminals/${tid}`);
  check(t.body.model === 'PX-7', 'the model set (the API says so too)', JSON.stringify(t.body.model));
}

async function terminal_params(page, tid) {
  await resolved(page, 'connect_timeout', '10', 'default');
  await row(page, 'connect_timeout').locator('[data-test="tms-param-input"]').fill('30');
  await row(page, 'connect_timeout').locator('[data-test="tms-param-set"]').click();
  await resolved(page, 'connect_timeout', '30', 'terminal');
  check((await $(page, 'tms-ok').textContent()).includes('connect_timeout'), 'the change said done');
  await shot(page, 'operator-terminal-tms-en');

  // A bad value: the API's reason beside the field, nothing changed.
  const api = await call(page, 'PUT', '/api/v1/tms/params',
    { level: 'terminal', name: tid, key: 'answer_timeout', value: '999' }, await csrf(page));
  check(api.status === 400 && api.body.field === 'value', 'the API refuses answer_timeout 999', JSON.stringify(api));
  const r = row(page, 'answer_timeout');
  await r.locator('[data-test="tms-param-input"]').fill('999');
  await r.locator('[data-test="tms-param-set"]').click();
  const err = r.locator('[data-test="tms-param-error"]');
  await err.waitFor();
  const said = await err.textContent();
  check(said.includes(api.body.error), "the refusal beside the field gives the API's reason", `${said} / ${api.body.error}`);
  await resolved(page, 'answer_timeout', '60', 'default');
  await shot(page, 'operator-terminal-tms-refused-en');

  await row(page, 'connect_timeout').locator('[data-test="tms-param-unset"]').click();
  await resolved(page, 'connect_timeout', '10', 'default');
  check(await row(page, 'types').getAttribute('data-from') === 'merchant limits', 'the types from the merchant limits');
  check(await row(page, 'types').locator('[data-test="tms-param-input"]').count() === 0, 'the merchant limits not editable here');
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 361, "the terminal's parameters fit a 360 px phone", wide);
  const inner = await $(page, 'tms-params').evaluate((t) => [t.parentElement.scrollWidth, t.parentElement.clientWidth]);
  check(inner[0] <= inner[1] + 1, 'a card a key on a phone: nothing to scroll sideways', inner.join(' > '));
  await shot(page, 'operator-terminal-tms-en-360');
  await page.setViewportSize(size);
}

async function merchant_params(page, mid, tid) {
  await open(page, `/ops/merchants/${mid}`);
  await $(page, 'tms-merchant').waitFor();
  const r = row(page, 'language');
  await r.locator('[data-test="tms-param-input"]').fill('en');
  await r.locator('[data-test="tms-param-set"]').click();
  await resolved(page, 'language', 'en', 'merchant');
  await shot(page, 'operator-merchant-tms-en');
  await open(page, `/ops/terminals/${tid}`);
  await resolved(page, 'language', 'en', 'merchant');
}

async function keys(page) {
  await $(page, 'nav-ops-tms').click();
  await $(page, 'tms-aids').waitFor();
  const aids = await page.locator('[data-test="tms-aids-row"]').evaluateAll((rs) => rs.map((r) => r.dataset.aid));
  check(UNIONPAY.every((a) => aids.includes(a)), 'the seeded UnionPay AIDs listed', aids.join(', '));

  // An application: an amount that is not one refused beside its field, then added.
  await $(page, 'tms-aid-aid').fill('A000000333010106');
  await $(page, 'tms-aid-label').fill('UnionPay e-cash');
  await $(page, 'tms-aid-floor_limit').fill('12x');
  await $(page, 'tms-aid-submit').click();
  await page.locator('[data-test="tms-aid-form"] label:has([name="tms-aid-floor_limit"]) [data-test="tms-field-error"]').waitFor();
  check(true, 'a floor limit that is no amount refused beside its field');
  await $(page, 'tms-aid-floor_limit').fill('100.00');
  await $(page, 'tms-aid-tac_default').fill('XYZ');
  await $(page, 'tms-aid-submit').click();
  const tac = page.locator('[data-test="tms-aid-form"] label:has([name="tms-aid-tac_default"]) [data-test="tms-field-error"]');
  await tac.waitFor();
  check(/tac/i.test(await tac.textContent()), "a bad TAC refused beside its field with the API's reason", await tac.textContent());
  await $(page, 'tms-aid-tac_default').fill('');
  await $(page, 'tms-aid-submit').click();
  const added = page.locator('[data-test="tms-aids-row"][data-aid="A000000333010106"]');
  await added.waitFor();
  check((await added.textContent()).includes('100.00'), 'the application added, its floor limit ¥100.00', await added.textContent());

  // A CA key: a wrong checksum refused, then added and revoked with a reason.
  const key = { rid: 'A000000333', index: 'C1', modulus: 'B3'.repeat(64), exponent: '03', expiry: '20301231' };
  for (const [k, v] of Object.entries(key)) await $(page, `tms-capk-${k}`).fill(v);
  await $(page, 'tms-capk-checksum').fill('00'.repeat(20));
  await $(page, 'tms-capk-submit').click();
  const sum = page.locator('[data-test="tms-capk-form"] label:has([name="tms-capk-checksum"]) [data-test="tms-field-error"]');
  await sum.waitFor();
  check(/checksum/i.test(await sum.textContent()), 'a wrong checksum refused beside its field', await sum.textContent());
  await $(page, 'tms-capk-checksum').fill('');
  await $(page, 'tms-capk-submit').click();
  await page.locator('[data-test="tms-capks-row"][data-key="A000000333-C1"][data-state="active"]').waitFor();
  check(true, 'the CA key added, active');
  await $(page, 'tms-revoke-key').selectOption('A000000333-C1');
  await $(page, 'tms-revoke-reason').fill('key compromised (browser test)');
  await $(page, 'tms-revoke-submit').click();
  await page.locator('[data-test="tms-ok"]', { hasText: 'A000000333-C1 revoked' }).waitFor();
  check(await page.locator('[data-test="tms-capks-row"][data-key="A000000333-C1"]').count() === 0, 'revoked: not listed as in force');
  await $(page, 'tms-capk-all').check();
  const gone = page.locator('[data-test="tms-capks-row"][data-key="A000000333-C1"][data-state="revoked"]');
  await gone.waitFor();
  check((await gone.textContent()).includes('key compromised'), 'with --all: revoked, its reason shown');
  await shot(page, 'operator-tms-keys-en');
}

// chinese(page, tid): the keys page and the terminal's parameters in Chinese, then English again.
async function chinese(page, tid) {
  await lang(page, 'zh');
  await page.locator('h2', { hasText: '芯片应用（AID）' }).waitFor();
  check(await page.locator('h2', { hasText: 'CA 公钥' }).count() > 0, 'the keys page in Chinese');
  await shot(page, 'operator-tms-keys-zh');
  await open(page, `/ops/terminals/${tid}`);
  const from = row(page, 'connect_timeout').locator('[data-test="tms-param-from"]');
  await from.waitFor();
  check((await from.textContent()).trim() === '默认值', 'the level in Chinese: 默认值', await from.textContent());
  check((await row(page, 'language').locator('[data-test="tms-param-from"]').textContent()).trim() === '商户', 'merchant: 商户');
  check((await row(page, 'connect_timeout').textContent()).includes('连接超时'), 'the key named in Chinese');
  await shot(page, 'operator-terminal-tms-zh');
  await lang(page, 'en');
}

// auditor(page, user, tid): reads the keys, the AIDs and the model; no form to change them.
async function auditor(page, user, tid) {
  await $(page, 'signout').click();
  await $(page, 'signin-form').waitFor();
  await signin(page, user);
  await $(page, 'nav-ops-tms').click();
  await $(page, 'tms-aids').waitFor();
  check(await page.locator('[data-test="tms-aids-row"]').count() >= 3, 'an auditor reads the AIDs');
  check(await $(page, 'tms-aid-form').count() === 0 && await $(page, 'tms-revoke-form').count() === 0 &&
    await $(page, 'tms-aid-remove').count() === 0, 'an auditor has no form to change them');
  await shot(page, 'auditor-tms-keys-en');
  await open(page, `/ops/terminals/${tid}`);
  await page.locator('[data-test="tms-model"][data-model="PX-7"]').waitFor();
  check(await $(page, 'tms-model-input').count() === 0, 'an auditor reads the model, does not change it');
  check(await $(page, 'tms-operators').count() === 1, 'an auditor told the parameters are the operators’');
}

export async function tms_flow(page, env, users) {
  const tid = env.POSSUM_TID;
  await model(page, tid);
  await terminal_params(page, tid);
  await merchant_params(page, env.POSSUM_MID, tid);
  await keys(page);
  await chinese(page, tid);
  await auditor(page, users.aud, tid);
}
