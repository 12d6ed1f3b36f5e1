// merchant.mjs — the merchant portal in the browser (web/js/merchant.js, its data-test names):
// the purchase made a moment before on the transactions page, its receipt, the statement
// downloaded as CSV; and another merchant's purchase refused (page and API: 404).
import { $, call, check, open, shot } from './driver.mjs';

export async function merchant_flow(page, user, env) {
  check(false, 'the merchant portal', 'not written yet');
}

export async function other_merchant(page, user, env) {
  const r = await call(page, 'GET', `/api/v1/transactions/${env.POSSUM_RRN}`);
  check(r.status === 404, "another merchant's transaction by the API: 404", r.status);
  const b = await call(page, 'GET', `/api/v1/merchants/${env.POSSUM_MID}/balance`);
  check(b.status === 404, "another merchant's balance by the API: 404", b.status);
}
