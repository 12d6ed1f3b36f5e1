// tms.mjs — terminal management in the browser (web/js/tms.js, its data-test names): an
// operator sets the terminal's model, sets a parameter on the terminal's page and sees it
// resolved with its level, sees a bad value refused with the API's reason beside the field and
// nothing changed, unsets it; sets a parameter at the merchant's level that the terminal then
// gets from "merchant"; on the CA keys & AIDs page sees the seeded UnionPay AIDs, adds an AID
// (an amount that is not one refused beside its field), adds a CA key (a wrong checksum
// refused with the API's reason) and revokes it with a reason; on the TMS status page sees the
// terminals counted by model and version as the API counts them, TERM0002's software update
// pending and its refused package, TERM0001 behind on its parameters, a failure with markup
// shown as text, the model filter narrowing the page to QX-1 (and a model without terminals
// said so), at a phone's 360 px without sideways scrolling; every part in Chinese too; an
// auditor reads the keys, the model and the status and changes nothing.
import { $, call, check, csrf, open, shot, signin } from './driver.mjs';
import { lang } from './pages.mjs';

const UNIONPAY = ['A000000333010101', 'A000000333010102', 'A000000333010103'];

// row(page, key): the parameters table's row of key.
const row = (page, key) => page.locator(`[data-test="tms-params-row"][data-key="${key}"]`);

// phone(page, table, what, each, name): at a phone's 360 px the page fits, and table (a stacked
// one) is a card each row, nothing to scroll sideways; shot as name.
async function phone(page, table, what, each, name) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 361, `${what} fit a 360 px phone`, wide);
  const inner = await $(page, table).evaluate((t) => [t.parentElement.scrollWidth, t.parentElement.clientWidth]);
  check(inner[0] <= inner[1] + 1, `a card ${each} on a phone: nothing to scroll sideways`, inner.join(' > '));
  await shot(page, name);
  await page.setViewportSize(size);
}

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
  const log = await call(page, 'GET', `/api/v1/audit?object=terminal:${tid}&action=terminal.model`);
  check((log.body.items || []).length === 1 && /^user:/.test(log.body.items[0].actor),
    "the console's model change audited as its user", JSON.stringify(log.body));
}

async function terminal_params(page, tid) {
  await resolved(page, 'connect_timeout', '10', 'default');
  await row(page, 'connect_timeout').locator('[data-test="tms-param-input"]').fill('30');
  await row(page, 'connect_timeout').locator('[data-test="tms-param-set"]').click();
  await resolved(page, 'connect_timeout', '30', 'terminal');
  check((await $(page, 'tms-ok').textContent()).includes('connect_timeout'), 'the change said done');
  // Audited with the signed-in user as actor, the key's new value after.
  const log = await call(page, 'GET', `/api/v1/audit?object=tms:terminal:${tid}&action=tms.param.set`);
  const e = log.body.items || [];
  check(e.length === 1 && /^user:/.test(e[0].actor) && e[0].after.value === '30',
    "the console's set audited as its user", JSON.stringify(log.body));
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
  await phone(page, 'tms-params', "the terminal's parameters", 'a key', 'operator-terminal-tms-en-360');
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

// srow(page, tid): the status page's row of terminal tid.
const srow = (page, tid) => page.locator(`[data-test="tms-status-terminals-row"][data-tid="${tid}"]`);
const text = async (loc) => (await loc.textContent()).trim();

// status_summary(page, api): each model and version's count on the page is the API's.
async function status_summary(page, api) {
  const total = api.models.reduce((n, m) => n + m.terminals, 0);
  check((await text($(page, 'tms-status-total'))).includes(String(total)), `the total: ${total} terminals`,
    await text($(page, 'tms-status-total')));
  const rows = await page.locator('[data-test="tms-status-summary-row"]').evaluateAll((rs) =>
    rs.map((r) => [r.dataset.model, r.dataset.version, r.querySelector('[data-test="tms-status-count"]').textContent]));
  const want = api.models.flatMap((m) => m.versions.map((v) => [m.model, v.version, String(v.terminals)]));
  check(JSON.stringify(rows) === JSON.stringify(want), 'the summary by model and version is the API\'s',
    `${JSON.stringify(rows)} / ${JSON.stringify(want)}`);
  check(rows.some(([m, v, n]) => m === 'QX-1' && v === 'POSSUM01' && n === '1') &&
    rows.some(([m, v, n]) => m === 'QX-1' && v === '' && n === '1'), 'QX-1: one terminal on POSSUM01, one not reported',
  JSON.stringify(rows));
  const min = await text(page.locator('[data-test="tms-status-summary-row"][data-model="QX-1"]').first().locator('td').nth(3));
  check(min.includes('POSSUM02') && min.includes('2099-12-31'), "QX-1's minimum: POSSUM02 after 2099-12-31", min);
}

// status(page, tid): the TMS status page, all models then QX-1 alone, and at 360 px.
async function status(page, tid) {
  await $(page, 'nav-ops-tms-status').click();
  await $(page, 'tms-status-terminals').waitFor();
  const api = (await call(page, 'GET', '/api/v1/tms/status')).body;
  await status_summary(page, api);

  const t2 = srow(page, 'TERM0002');
  check((await t2.getAttribute('data-pending')).split(' ').includes('package'), 'TERM0002: its update pending',
    await t2.getAttribute('data-pending'));
  check((await text(t2.locator('[data-test="tms-status-pending"]'))).includes('software'), 'the pending update said in words: software',
    await text(t2.locator('[data-test="tms-status-pending"]')));
  check(await text(t2.locator('[data-test="tms-status-failed"]')) === 'POSSUM02: hash',
    'TERM0002: its refused package, the terminal\'s reason', await text(t2.locator('[data-test="tms-status-failed"]')));
  check((await text(t2.locator('[data-test="tms-status-version"]'))).includes('POSSUM01') &&
    (await text(t2.locator('[data-test="tms-status-version"]'))).includes('POSSUM02'), 'TERM0002 runs POSSUM01, POSSUM02 to install',
  await text(t2.locator('[data-test="tms-status-version"]')));
  const t3 = srow(page, 'TERM0003').locator('[data-test="tms-status-failed"]');
  check(await text(t3) === '2.0: <b>bold</b> & "quoted"' && await t3.locator('b').count() === 0,
    'markup in a failure shown as text, not made into elements', await t3.innerHTML());
  // TERM0001 held its parameters at its sign-in; the merchant's language set since is not among them.
  const p1 = srow(page, tid).locator('[data-test="tms-status-params"]');
  const d1 = api.terminals.find((x) => x.tid === tid).downloads.params;
  check(d1.holds !== '' && d1.holds !== d1.current, `${tid} holds parameters older than the current ones`, JSON.stringify(d1));
  check(await p1.getAttribute('data-behind') === 'yes' && (await text(p1)).includes(d1.holds) &&
    (await text(p1)).includes(d1.current) && (await text(p1)).includes('behind'), `${tid}'s parameters marked behind`, await text(p1));
  check((await srow(page, tid).getAttribute('data-behind')).split(' ').includes('params'), `${tid}: data-behind names params`);
  await shot(page, 'operator-tms-status-en');

  // The model filter: QX-1's terminals alone, then a model without any.
  await $(page, 'tms-status-model').fill('QX-1');
  await $(page, 'tms-status-show').click();
  await $(page, 'tms-status-all').waitFor();
  await $(page, 'tms-status-terminals').waitFor();
  const tids = await page.locator('[data-test="tms-status-terminals-row"]').evaluateAll((rs) => rs.map((r) => r.dataset.tid));
  check(JSON.stringify(tids) === '["TERM0002","TERM0003"]', 'the filter: QX-1\'s terminals alone', tids.join(', '));
  const models = await page.locator('[data-test="tms-status-summary-row"]').evaluateAll((rs) => rs.map((r) => r.dataset.model));
  check(models.length === 2 && models.every((m) => m === 'QX-1'), 'the summary: QX-1 alone', models.join(', '));
  await phone(page, 'tms-status-terminals', 'the status', 'a terminal', 'operator-tms-status-en-360');
  await $(page, 'tms-status-model').fill('NO-SUCH');
  await $(page, 'tms-status-show').click();
  await $(page, 'tms-status-empty').waitFor();
  check((await text($(page, 'tms-status-empty'))).includes('NO-SUCH') && await $(page, 'tms-status-terminals').count() === 0,
    'a model without terminals: said so, no table');
  await $(page, 'tms-status-all').click();
  await srow(page, tid).waitFor();
  check(true, 'All models: every terminal again');
}

// chinese(page, tid): the keys page, the terminal's parameters and the status in Chinese, then
// English again.
async function chinese(page, tid) {
  await lang(page, 'zh');
  await open(page, '/ops/tms');
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
  await open(page, '/ops/tms-status?model=QX-1');
  await page.locator('h2', { hasText: '按型号和软件版本统计的终端' }).waitFor();
  const t2 = srow(page, 'TERM0002');
  check((await text(t2.locator('[data-test="tms-status-pending"]'))).endsWith('芯片应用、软件'), 'the pending downloads in Chinese: …芯片应用、软件',
    await text(t2.locator('[data-test="tms-status-pending"]')));
  check((await t2.textContent()).includes('待安装：POSSUM02'), 'the package to install in Chinese', await t2.textContent());
  check((await text($(page, 'tms-status-total'))) === '共 2 台终端', 'the total in Chinese', await text($(page, 'tms-status-total')));
  await shot(page, 'operator-tms-status-zh');
  await open(page, '/ops/tms-status');
  await page.locator(`[data-test="tms-status-terminals-row"][data-tid="${tid}"] [data-test="tms-status-params"]`, { hasText: '未更新' }).waitFor();
  check(true, 'behind in Chinese: 未更新');
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
  await $(page, 'nav-ops-tms-status').click();
  await srow(page, 'TERM0002').waitFor();
  check(await page.locator('[data-test="page-ops-tms-status"] button:not([data-test="tms-status-show"])').count() === 0,
    'an auditor reads the status; nothing there changes anything');
}

export async function tms_flow(page, env, users) {
  const tid = env.POSSUM_TID;
  await model(page, tid);
  await terminal_params(page, tid);
  await merchant_params(page, env.POSSUM_MID, tid);
  await keys(page);
  await status(page, tid);
  await chinese(page, tid);
  await auditor(page, users.aud, tid);
}
