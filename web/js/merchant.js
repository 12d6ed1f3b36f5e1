/* merchant.js — the merchant portal's pages (docs/console.md); filled in next. */
