// ops.mjs — the operations pages in the browser (web/js/ops.js, its data-test names): a
// merchant's application made in the form and taken through every state to active (its MID),
// a terminal registered for it and its TMK handed over, and the risk case that e2e_ui.sh's
// night purchase opened, closed (the values its rule read shown readably); the live chart's time;
// the Links page's link down, its connections and its queue.
import { $, call, check, csrf, shot } from './driver.mjs';

const application = {
  legal_name: 'Possum Tea House Ltd', licence: '91310000MA1FL8XQ3K', tax_number: '91310000MA1FL8XQ3K',
  rep_name: 'Wang Wu', rep_id: '110101198001011234', address: '1 Huaihai Road, Shanghai',
  mcc: '5814', phone: '13800138000',
};

// state(page): the merchant's state as the detail page shows it (data-state).
async function state(page, test) {
  const el = $(page, test);
  await el.waitFor();
  return el.getAttribute('data-state');
}

async function onboard(page) {
  await $(page, 'nav-ops-merchants').click();
  await $(page, 'merchants-new').click();
  for (const [k, v] of Object.entries(application)) await $(page, `merchant-${k}`).fill(v);
  await shot(page, 'operator-merchant-new-en');
  await $(page, 'merchant-submit').click();
  await $(page, 'merchant-done').waitFor();
  check(await state(page, 'merchant-state') === 'applied', 'the application made: applied');
  for (const [s, want] of [['review', 'reviewing'], ['test', 'device_testing'], ['agree', 'agreement'],
    ['activate', 'active']]) {
    await $(page, 'merchant-reason').fill(`${s}: done in the browser test`);
    await $(page, `merchant-step-${s}`).click();
    await page.locator(`[data-test="merchant-state"][data-state="${want}"]`).waitFor();
    check(true, `step ${s}: ${want}`);
  }
  const mid = (await $(page, 'merchant-mid').textContent()).trim();
  check(/^\d{15}$/.test(mid), 'active: a MID', mid);
  check(await $(page, 'merchant-history-row').count() >= 5, 'the history lists every step');
  await shot(page, 'operator-merchant-active-en');
  return mid;
}

async function register_terminal(page, mid) {
  await $(page, 'nav-ops-terminals').click();
  await $(page, 'terminal-form').waitFor();
  await $(page, 'terminal-mid').fill(mid);
  await $(page, 'terminal-sn').fill('PSM-TEA-0001');
  await $(page, 'terminal-address').fill('1 Huaihai Road, Shanghai');
  await $(page, 'terminal-lat').fill('31220000');
  await $(page, 'terminal-lon').fill('121470000');
  await $(page, 'terminal-activate').check();
  await $(page, 'terminal-submit').click();
  await $(page, 'terminal-detail').waitFor();
  check(await state(page, 'terminal-state') === 'active', 'the terminal registered and active',
    await $(page, 'terminal-state').getAttribute('data-state'));
  await $(page, 'terminal-tmk').click();
  await $(page, 'tmk-components').waitFor();
  check(await $(page, 'tmk-component').count() >= 2, 'its TMK handed over in components');
  await page.locator('[data-test="terminal-tmk-issued"][data-state="yes"]').waitFor();
  check(true, 'the terminal read again: its TMK handed over');
  const dts = await page.locator('[data-test="terminal-detail"] dt').allTextContents();
  check(dts.some((d) => d.trim() === 'TID'), 'the detail labels the TID as such', dts.join(', '));
  await shot(page, 'operator-terminal-en');
}

async function close_case(page) {
  await $(page, 'nav-ops-risk').click();
  const row = page.locator('[data-test="risk-cases-row"]').first();
  await row.waitFor();
  await shot(page, 'operator-risk-en');
  await row.click();
  await $(page, 'case-detail').waitFor();
  check((await $(page, 'case-hits').textContent()).includes('night_large'), 'the case names its rule');
  const read = await $(page, 'case-values').first().textContent();
  check(!read.includes('{') && /Hour = \d+/.test(read), 'the values read, as name = value', read);
  await $(page, 'case-verdict').selectOption('legitimate');
  await $(page, 'case-reason').fill('the cardholder confirmed the purchase');
  await $(page, 'case-close').click();
  await $(page, 'case-done').waitFor();
  await page.waitForTimeout(800); // the page shows the case again
  await $(page, 'case-status').waitFor();
  check(/closed|legitimate/i.test(await $(page, 'case-status').textContent()), 'the case closed',
    await $(page, 'case-status').textContent());
  await shot(page, 'operator-case-closed-en');
}

// escaped(page): a legal name that is a script is kept as text and shown as text (no dialog
// fires, no script element made of it); one with U+202E (right-to-left override) is refused.
async function escaped(page) {
  const name = '<script>alert(1)</script>';
  let dialogs = 0;
  const seen = () => { dialogs++; };
  page.on('dialog', (d) => { seen(); d.dismiss().catch(() => {}); });
  const token = await csrf(page);
  const rtl = await call(page, 'POST', '/api/v1/merchants',
    { ...application, legal_name: `${name}\u202Eevil` }, token);
  check(rtl.status === 400, 'a name with the right-to-left override: 400', rtl.status);
  const made = await call(page, 'POST', '/api/v1/merchants', { ...application, legal_name: name }, token);
  check(made.status === 201, 'a name like a script: kept (it is text)', made.status);
  await $(page, 'nav-ops-merchants').click();
  const row = page.locator('[data-test="merchants-row"]', { hasText: name });
  await row.waitFor();
  await row.click();
  await $(page, 'merchant-detail').waitFor();
  check((await $(page, 'merchant-detail').textContent()).includes(name), 'the detail shows the name as text');
  const scripts = await page.evaluate(() => [...document.scripts].filter((x) => x.text.includes('alert(1)')).length);
  check(dialogs === 0 && scripts === 0, 'no dialog fired, no script element made of the name', `${dialogs} ${scripts}`);
}

// live(page): the chart's time as 24-hour local time (its legend, the pointer on the chart).
async function live(page) {
  await $(page, 'nav-ops-live').click();
  await page.locator('[data-test="live-chart"] .u-over').hover();
  const at = await page.locator('[data-test="live-chart"] .u-legend .u-series').first().locator('.u-value').textContent();
  check(/^\d\d:\d\d:\d\d$/.test(at.trim()), 'the live chart tells the time as HH:MM:SS', at);
}

// links(page): the Links page (web/js/links.js) with e2e_ui.sh's [link.far], whose port nobody
// listens on: its badge down, its connections waiting or connecting, the reversal queued for it
// counted, the badge in Chinese too, and nothing wider than a phone's 360 px.
async function links(page) {
  await $(page, 'nav-ops-links').click();
  const row = page.locator('[data-test="links-row"][data-name="far"]');
  await row.waitFor();
  const badge = row.locator('[data-test="link-state"]');
  check(await badge.getAttribute('data-state') === 'down', 'the link far: down', await badge.getAttribute('data-state'));
  check((await badge.textContent()).trim() === 'down', 'its badge says down', await badge.textContent());
  const conns = await row.locator('[data-test="link-conn"]').evaluateAll((cs) => cs.map((c) => c.dataset.state));
  check(conns.length === 2 && conns.every((c) => c === 'waiting' || c === 'connecting'),
    'its 2 connections waiting or connecting', conns.join(', '));
  check((await row.locator('[data-test="link-saf"]').textContent()).trim() === '1 / 0 / 0',
    'its queue: 1 reversal pending', await row.locator('[data-test="link-saf"]').textContent());
  await shot(page, 'operator-links-en');
  await $(page, 'lang').click();
  await page.locator('[data-test="links-row"][data-name="far"] [data-test="link-state"]', { hasText: '中断' }).waitFor();
  check(true, 'the badge in Chinese: 中断');
  await $(page, 'lang').click();
  await page.locator('[data-test="links-row"] [data-test="link-state"]', { hasText: 'down' }).waitFor();
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  await row.waitFor();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 361, 'the Links page fits a 360 px phone (its table scrolled inside)', wide);
  await shot(page, 'operator-links-en-360');
  await page.setViewportSize(size);
}

export async function ops_flow(page, user, env) {
  const mid = await onboard(page);
  await escaped(page);
  await register_terminal(page, mid);
  await close_case(page);
  await live(page);
  await links(page);
}
