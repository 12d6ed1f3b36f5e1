/* ops.js — the operations pages (the ops helper's); empty until that branch is merged. */
