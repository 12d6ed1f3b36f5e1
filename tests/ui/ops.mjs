// ops.mjs — the operations pages in the browser (web/js/ops.js, its data-test names): a
// merchant onboarded through every state, a terminal registered, a risk case closed.
import { $, call, check, open, shot } from './driver.mjs';

export async function ops_flow(page, user, env) {
  check(false, 'the operations pages', 'not written yet');
}
