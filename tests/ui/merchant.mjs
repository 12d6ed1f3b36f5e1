// merchant.mjs — the merchant portal in the browser (web/js/merchant.js, its data-test names):
// the purchase made a moment before on the transactions page and found by its RRN, its
// receipt, the statement of its business day downloaded as CSV and shown; the language switch
// remembered; and another merchant's purchase refused (page and API: 404).
import { readFileSync } from 'node:fs';
import { $, call, check, open, shot } from './driver.mjs';

// business_day(now): the settlement date of a payment at UTC time now (etc/possum.conf: Beijing,
// the day ends at 23:00).
function business_day(now) {
  const local = new Date(now.getTime() + 8 * 3600 * 1000);
  if (local.getUTCHours() >= 23) local.setUTCDate(local.getUTCDate() + 1);
  return local.toISOString().slice(0, 10);
}

export async function merchant_flow(page, user, env) {
  const rrn = env.POSSUM_RRN;
  await shot(page, 'merchant-home-en');
  await $(page, 'nav-merchant-transactions').click();
  await $(page, 'page-merchant-transactions').waitFor();
  const row = page.locator('[data-test="txn-table-row"]', { hasText: rrn });
  await row.waitFor();
  check((await row.textContent()).includes('12.34'), 'the row shows the amount', await row.textContent());
  await shot(page, 'merchant-transactions-en');

  await $(page, 'txn-amount').fill('12.34');
  await $(page, 'txn-search').click();
  await page.waitForLoadState('networkidle');
  await page.waitForFunction(() => document.querySelectorAll('[data-test="txn-table-row"]').length === 1);
  check(true, 'a search by amount finds that one purchase');

  await page.locator('[data-test="txn-table-row"]', { hasText: rrn }).click();
  await $(page, 'receipt').waitFor();
  check((await $(page, 'receipt-rrn').textContent()).includes(rrn), 'the receipt names the RRN');
  check((await $(page, 'receipt-amount').textContent()).includes('12.34'), 'the receipt shows the amount',
    await $(page, 'receipt-amount').textContent());
  check((await $(page, 'receipt-result').textContent()).includes('00'), 'the receipt shows it approved');
  await $(page, 'txn-back').click();
  await $(page, 'txn-rrn').fill(rrn);
  await $(page, 'txn-search').click();
  await page.waitForFunction((r) => location.hash.includes(r), rrn);
  await $(page, 'receipt').waitFor();
  check((await $(page, 'receipt-rrn').textContent()).includes(rrn), 'a search by RRN opens its receipt');
  await shot(page, 'merchant-receipt-en');

  const day = business_day(new Date(env.POSSUM_NOW.replace(' ', 'T') + 'Z'));
  await $(page, 'nav-merchant-statements').click();
  await $(page, 'page-merchant-statements').waitFor();
  await $(page, 'stmt-date').fill(day);
  const [download] = await Promise.all([page.waitForEvent('download'), $(page, 'stmt-csv').click()]);
  check(download.suggestedFilename().endsWith('.csv'), 'the statement downloads as a .csv file',
    download.suggestedFilename());
  const csv = readFileSync(await download.path(), 'utf8');
  check(csv.includes(rrn), "the CSV statement lists the purchase's RRN", csv.slice(0, 300));
  await $(page, 'stmt-show').click();
  await $(page, 'statement').waitFor();
  check((await $(page, 'statement').textContent()).includes('12.34'), 'the printable statement shows the purchase');
  await shot(page, 'merchant-statement-en');

  // The language switch: the labels in Chinese, and still after a reload.
  const label = async () => $(page, 'nav-merchant-transactions').textContent();
  await $(page, 'lang').click();
  await page.waitForLoadState('networkidle');
  check(await label() === '交易查询', 'the switch shows the pages in Chinese', await label());
  await page.reload();
  await $(page, 'nav-merchant-transactions').waitFor();
  check(await label() === '交易查询', 'the choice of language is remembered', await label());
  await shot(page, 'merchant-statement-zh');
  await $(page, 'lang').click();
  await page.waitForLoadState('networkidle');
  check(await label() === 'Transactions', 'and back in English', await label());
}

export async function other_merchant(page, user, env) {
  const rrn = env.POSSUM_RRN;
  const r = await call(page, 'GET', `/api/v1/transactions/${rrn}`);
  check(r.status === 404, "another merchant's transaction by the API: 404", r.status);
  const b = await call(page, 'GET', `/api/v1/merchants/${env.POSSUM_MID}/balance`);
  check(b.status === 404, "another merchant's balance by the API: 404", b.status);
  const l = await call(page, 'GET', `/api/v1/transactions?rrn=${rrn}`);
  check(l.status !== 200 || l.body.items.length === 0, "another merchant's purchase not in the list",
    JSON.stringify(l.body).slice(0, 200));
  await open(page, `/merchant/transactions/${rrn}`);
  await page.locator('[data-test="error"]').waitFor();
  check(await $(page, 'receipt').count() === 0, "another merchant's receipt: not shown");
  await shot(page, 'merchant-other-refused-en');
  await open(page, `/merchant/transactions?mid=${env.POSSUM_MID}`);
  check(await page.locator('[data-test="txn-table-row"]', { hasText: rrn }).count() === 0,
    "another merchant's purchase not on the page, even with its MID in the address");
}
