/* merchant.js — the merchant portal (docs/console.md, "The merchant portal"): home (today's
 * and this month's takings, by card type and channel, charted by hour and by day),
 * transactions (search, detail, receipt), balance, statements (CSV, printable), the
 * settlement card and its change with the SMS code, and the terminals. A merchant's user sees
 * its own merchant (ctx.user.mid); an operator or auditor picks one (remembered).
 *
 * data-test attributes (the browser tests'):
 *   every page: merchant-pick (operators' and auditors' choice of merchant, a select),
 *               merchant-none (no merchant chosen or none active)
 *   home:       takings-today, takings-month (the figures), takings-today-table,
 *               takings-month-table, chart-hour, chart-day
 *   transactions: txn-form, txn-from, txn-to, txn-terminal, txn-status, txn-channel,
 *               txn-card, txn-amount, txn-rrn, txn-search, txn-table (rows: txn-table-row),
 *               txn-prev, txn-next
 *   detail:     receipt, receipt-amount, receipt-rrn, receipt-result, receipt-print, txn-back
 *   balance:    balance-paid, balance-unpaid, balance-today, balance-held, balance-table,
 *               payouts-table
 *   statements: stmt-date, stmt-csv, stmt-show, stmt-print, statement (the printable one),
 *               statement-table (rows: statement-table-row), stmt-error
 *   settlement card: card-current, card-next, card-pending, card-ready, card-form,
 *               card-number, card-holder, card-id, card-phone, card-submit, otp-form,
 *               otp-code, otp-submit, card-error, card-done
 *   terminals:  terminals-table (rows: terminals-table-row)
 *   a table with no rows is a paragraph TABLE-none in its place (txn-table-none, …).
 */
(function () {
  'use strict';
  const P = window.possum;
  const h = P.h;
  const ROLES = ['merchant', 'operator', 'auditor'];
  /* The strings are one dictionary for every script: this one's keys are under "mp.". */
  const K = (key) => 'mp.' + key;
  const t = (key, vars) => P.t(K(key), vars);
  function strings(s) {
    const under = (d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [K(k), v]));
    P.strings({ en: under(s.en), zh: under(s.zh) });
  }
  const field = (test, key, attrs) => P.field(test, K(key), attrs);
  const table = (el, columns, rows, opts) =>
    P.table(el, columns.map((c) => Object.assign({}, c, { title: K(c.title) })), rows, opts);

  strings({
    en: {
      'm.pick': 'Merchant', 'm.none': 'Choose a merchant.', 'm.noactive': 'No active merchant.',
      'm.today': 'Today', 'm.month': 'This month', 'm.count': '{n} payments',
      'm.byhour': 'Today by hour', 'm.byday': 'This month by day',
      'm.product': 'Card type', 'm.channel': 'Channel', 'm.countcol': 'Count', 'm.amount': 'Amount',
      'p.debit': 'debit', 'p.credit': 'credit', 'p.prepaid': 'prepaid', 'p.': 'other',
      'c.card': 'card', 'c.qr': 'QR code',
      't.from': 'From', 't.to': 'To (inclusive)', 't.terminal': 'Terminal', 't.status': 'Status',
      't.channel': 'Channel', 't.card': 'Card (masked or last 4)', 't.amountq': 'Amount (yuan)',
      't.rrn': 'RRN', 't.search': 'Search', 't.any': 'any', 't.prev': 'Previous', 't.next': 'Next',
      't.time': 'Time', 't.type': 'Type', 't.back': 'Back to the list',
      'st.approved': 'approved', 'st.declined': 'declined', 'st.reversed': 'reversed',
      'st.voided': 'voided', 'st.refunded': 'refunded', 'st.cancelled': 'cancelled', 'st.completed': 'completed',
      'ty.purchase': 'purchase', 'ty.void': 'void', 'ty.refund': 'refund', 'ty.preauth': 'pre-authorization',
      'ty.preauth_cancel': 'pre-auth cancel', 'ty.completion': 'completion', 'ty.completion_void': 'completion void',
      'ty.balance': 'balance inquiry', 'ty.cardauth': 'card check',
      'b.paid': 'Settled and paid', 'b.unpaid': 'Settled, not yet paid', 'b.today': 'Today (not yet closed)',
      'b.held': 'Held by pre-authorizations', 'b.alltime': 'Since the start', 'b.sales': 'Sales',
      'b.refunds': 'Refunds', 'b.net': 'Net', 'b.payouts': 'Payouts', 'b.date': 'Date',
      'b.card': 'Card', 'b.reference': 'Reference', 'b.status': 'Status', 'b.currency': 'Currency',
      's.date': 'Settlement date', 's.csv': 'Download CSV', 's.show': 'Show', 's.print': 'Print',
      's.title': 'Statement', 's.open': 'This day is not closed yet: payments so far, without fees.',
      's.fee': 'Fee', 's.total': 'Total', 's.payout': 'Payout', 's.none': 'No payout for this day.',
      'k.current': 'Card in use', 'k.next': 'From the next settlement day', 'k.pending': 'Waiting for the SMS code',
      'k.none': 'No settlement card.', 'k.verified': 'verified {at}', 'k.effective': 'in effect from {at}',
      'k.ready': 'Payouts may go.', 'k.waits': 'Payouts wait: {why}', 'k.change': 'Change the settlement card',
      'k.number': 'Debit card number', 'k.holder': 'Holder name', 'k.id': 'ID number',
      'k.phone': 'Phone reserved at the bank', 'k.submit': 'Send the SMS code',
      'k.otp': 'Code sent by SMS', 'k.confirm': 'Confirm', 'k.done': 'The settlement card is bound.',
      'k.sent': 'A code was sent to the reserved phone.',
      'k.otpwrong': 'The code is wrong or has expired.',
      'w.merchant_not_active': 'the merchant is not active', 'w.no_settlement_card': 'no settlement card',
      'w.card_not_active': 'the card is not active',
      'tm.tid': 'TID', 'tm.sn': 'SN', 'tm.state': 'State', 'tm.place': 'Place', 'tm.seen': 'Last seen',
      'tm.online': 'Online', 'tm.version': 'Version', 'yes': 'yes', 'no': 'no',
      'r.title': 'POS purchase slip', 'r.copy': 'MERCHANT COPY',
    },
    zh: {
      'm.pick': '商户', 'm.none': '请选择商户。', 'm.noactive': '没有已启用的商户。',
      'm.today': '今日', 'm.month': '本月', 'm.count': '{n} 笔',
      'm.byhour': '今日（按小时）', 'm.byday': '本月（按日）',
      'm.product': '卡类型', 'm.channel': '渠道', 'm.countcol': '笔数', 'm.amount': '金额',
      'p.debit': '借记卡', 'p.credit': '贷记卡', 'p.prepaid': '预付卡', 'p.': '其他',
      'c.card': '刷卡', 'c.qr': '扫码',
      't.from': '开始日期', 't.to': '结束日期（含）', 't.terminal': '终端号', 't.status': '状态',
      't.channel': '渠道', 't.card': '卡号（掩码或后4位）', 't.amountq': '金额（元）',
      't.rrn': '参考号', 't.search': '查询', 't.any': '全部', 't.prev': '上一页', 't.next': '下一页',
      't.time': '时间', 't.type': '类型', 't.back': '返回列表',
      'st.approved': '成功', 'st.declined': '失败', 'st.reversed': '已冲正',
      'st.voided': '已撤销', 'st.refunded': '已退货', 'st.cancelled': '已取消', 'st.completed': '已完成',
      'ty.purchase': '消费', 'ty.void': '消费撤销', 'ty.refund': '退货', 'ty.preauth': '预授权',
      'ty.preauth_cancel': '预授权撤销', 'ty.completion': '预授权完成', 'ty.completion_void': '预授权完成撤销',
      'ty.balance': '余额查询', 'ty.cardauth': '卡验证',
      'b.paid': '已结算已付款', 'b.unpaid': '已结算未付款', 'b.today': '今日（未结算）',
      'b.held': '预授权冻结', 'b.alltime': '累计', 'b.sales': '交易额', 'b.refunds': '退款',
      'b.net': '净额', 'b.payouts': '付款记录', 'b.date': '日期', 'b.card': '卡号',
      'b.reference': '付款参考号', 'b.status': '状态', 'b.currency': '币种',
      's.date': '结算日期', 's.csv': '下载 CSV', 's.show': '查看', 's.print': '打印',
      's.title': '对账单', 's.open': '该日尚未结算：以下为目前的交易，不含手续费。',
      's.fee': '手续费', 's.total': '合计', 's.payout': '付款', 's.none': '该日无付款。',
      'k.current': '当前结算卡', 'k.next': '下一结算日起生效', 'k.pending': '等待短信验证码',
      'k.none': '尚未绑定结算卡。', 'k.verified': '{at} 验证', 'k.effective': '{at} 起生效',
      'k.ready': '可以付款。', 'k.waits': '暂停付款：{why}', 'k.change': '更换结算卡',
      'k.number': '借记卡卡号', 'k.holder': '持卡人姓名', 'k.id': '身份证号',
      'k.phone': '银行预留手机号', 'k.submit': '发送短信验证码',
      'k.otp': '短信验证码', 'k.confirm': '确认', 'k.done': '结算卡已绑定。',
      'k.sent': '验证码已发送到预留手机。',
      'k.otpwrong': '验证码错误或已过期。',
      'w.merchant_not_active': '商户未启用', 'w.no_settlement_card': '没有结算卡',
      'w.card_not_active': '结算卡不可用',
      'tm.tid': '终端号', 'tm.sn': '序列号', 'tm.state': '状态', 'tm.place': '地址', 'tm.seen': '最近在线',
      'tm.online': '在线', 'tm.version': '版本', 'yes': '是', 'no': '否',
      'r.title': 'POS 签购单', 'r.copy': '商户存根',
    },
  });

  /* ---- the merchant shown ---- */

  /* The MID of the page: the merchant user's own; else ?mid=, or the one chosen last, with a
   * select of the active merchants above the page. null (and a note) when none. */
  async function pick_mid(el, ctx) {
    if (ctx.user.role === 'merchant') return ctx.user.mid;
    let mid = ctx.params.mid || localStorage.getItem('possum.mid') || '';
    const list = await P.api('GET', '/api/v1/merchants?state=active&limit=500');
    const items = list.items || [];
    if (items.length === 0) {
      el.append(h('p', { class: 'note', 'data-test': 'merchant-none' }, t('m.noactive')));
      return null;
    }
    if (!items.some((m) => m.mid === mid)) mid = items[0].mid;
    const sel = h('select', { 'data-test': 'merchant-pick', id: 'f-merchant-pick', class: 'wide' },
      items.map((m) => h('option', { value: m.mid, selected: m.mid === mid }, m.mid + ' ' + m.legal_name)));
    sel.addEventListener('change', () => {
      localStorage.setItem('possum.mid', sel.value);
      P.go(location.hash.slice(1).replace(/[?].*$/, ''));
    });
    el.append(h('div', { class: 'row noprint' },
      h('label', { class: 'field', for: 'f-merchant-pick' }, h('span', {}, t('m.pick')), sel)));
    localStorage.setItem('possum.mid', mid);
    return mid;
  }

  function mpath(mid, rest) { return '/api/v1/merchants/' + encodeURIComponent(mid) + rest; }

  function q(params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, v);
    const s = u.toString();
    return s ? '?' + s : '';
  }

  function card(title, value, sub, test) {
    return h('div', { class: 'card' }, h('div', { class: 'sub' }, title),
      h('div', { class: 'figure', 'data-test': test }, value), sub ? h('div', { class: 'sub' }, sub) : null);
  }

  function word(prefix, v) { return t(prefix + '.' + (v || '')); }

  /* Both languages at once, Chinese first (a receipt's labels, as on the slips). */
  function both(key) {
    const zh = P.t_in('zh', K(key)), en = P.t_in('en', K(key));
    return zh === en ? zh : zh + ' ' + en;
  }

  /* ---- home ---- */

  /* Sums of totals per currency: [{currency, count, amount}]. */
  function sums(totals) {
    const by = {};
    for (const x of totals) {
      const c = x.amount.currency;
      by[c] = by[c] || { currency: c, count: 0, amount: 0 };
      by[c].count += x.count;
      by[c].amount += x.amount.amount;
    }
    return Object.values(by);
  }

  function takings_figure(title, data, test) {
    const s = sums(data.totals);
    if (s.length === 0) s.push({ currency: 'CNY', count: 0, amount: 0 });
    return card(title, s.map((x) => P.money(x)).join(' · '),
      t('m.count', { n: s.reduce((n, x) => n + x.count, 0) }), test);
  }

  function takings_table(el, data, test) {
    table(el, [
      { title: 'm.product', value: (r) => word('p', r.product) },
      { title: 'm.channel', value: (r) => word('c', r.channel) },
      { title: 'm.countcol', value: (r) => r.count, class: 'num' },
      { title: 'm.amount', value: (r) => P.money(r.amount), class: 'num' },
    ], data.totals, { test });
  }

  /* The chart's columns: bucket i (0 to n - 1) of step seconds from data.from, the amounts
   * (yuan) of card and QR payments in the first currency. The buckets are the host's hours and
   * days, labelled as the host counts them (its offset in data.from), whatever the browser's. */
  function columns(data, step, n) {
    const xs = [], card_ = [], qr = [];
    const start = Date.parse(data.from) / 1000;
    const cur = data.totals.length ? data.totals[0].amount.currency : 'CNY';
    for (let i = 0; i < n; i++) { xs.push(i); card_.push(0); qr.push(0); }
    for (const b of data.buckets) {
      if (b.amount.currency !== cur) continue;
      const i = Math.round((Date.parse(b.at) / 1000 - start) / step);
      if (i >= 0 && i < n) (b.channel === 'qr' ? qr : card_)[i] += b.amount.amount / 100;
    }
    return [xs, card_, qr];
  }

  function bars_chart(el, data, test, fmt) {
    const bars = window.uPlot.paths.bars;
    P.chart(el, {
      'data-test': test,
      scales: { x: { time: false } },
      axes: [{ values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? fmt(v) : '')) }, { size: 60 }],
      series: [
        { label: t('t.time'), value: (u, v) => (v == null ? '' : fmt(v)) },
        { label: t('c.card'), fill: 'rgba(11,110,79,.55)', stroke: '#0b6e4f', paths: bars({ size: [0.4, 40], align: -1 }), points: { show: false } },
        { label: t('c.qr'), fill: 'rgba(30,100,200,.5)', stroke: '#1e64c8', paths: bars({ size: [0.4, 40], align: 1 }), points: { show: false } },
      ],
    }, data);
  }

  function pad(n) { return String(n).padStart(2, '0'); }

  async function page_home(el, ctx) {
    const mid = await pick_mid(el, ctx);
    if (!mid) return;
    const now = new Date();
    const month = now.getFullYear() + '-' + pad(now.getMonth() + 1) + '-01';
    const [today, monthly] = await Promise.all([
      P.api('GET', mpath(mid, '/takings' + q({ from: 'today', by: 'hour' }))),
      P.api('GET', mpath(mid, '/takings' + q({ from: month, by: 'day' }))),
    ]);
    el.append(h('div', { class: 'grid' },
      takings_figure(t('m.today'), today, 'takings-today'),
      takings_figure(t('m.month'), monthly, 'takings-month')));
    const days = new Date(now.getFullYear(), now.getMonth() + 1, 0).getDate();
    const left = h('div', { class: 'card' }, h('h2', {}, t('m.byhour')));
    const right = h('div', { class: 'card' }, h('h2', {}, t('m.byday')));
    el.append(h('div', { class: 'grid' }, left, right));
    const ym = month.slice(5, 7) + '-';
    bars_chart(left, columns(today, 3600, 24), 'chart-hour', (i) => pad(i) + ':00');
    bars_chart(right, columns(monthly, 86400, days), 'chart-day', (i) => ym + pad(i + 1));
    const tl = h('div', {}, h('h2', {}, t('m.today')));
    const ml = h('div', {}, h('h2', {}, t('m.month')));
    el.append(h('div', { class: 'grid' }, tl, ml));
    takings_table(tl, today, 'takings-today-table');
    takings_table(ml, monthly, 'takings-month-table');
  }

  /* ---- transactions ---- */

  const STATUSES = ['approved', 'declined', 'reversed', 'voided', 'refunded', 'cancelled', 'completed'];

  function next_day(d) {
    const x = new Date(d + 'T00:00:00');
    x.setDate(x.getDate() + 1);
    return P.day(x);
  }

  function txn_form(ctx) {
    const p = ctx.params;
    const sel = (test, key, name, opts) => h('label', { class: 'field', for: 'f-' + test }, h('span', {}, t(key)),
      h('select', { name, id: 'f-' + test, 'data-test': test },
        h('option', { value: '' }, t('t.any')),
        opts.map(([v, k]) => h('option', { value: v, selected: p[name] === v }, t(k)))));
    const form = h('form', { class: 'row noprint', 'data-test': 'txn-form' },
      field('txn-from', 't.from', { name: 'from', type: 'date', value: p.from || P.day() }),
      field('txn-to', 't.to', { name: 'to', type: 'date', value: p.to || '' }),
      field('txn-terminal', 't.terminal', { name: 'terminal', maxlength: 8, value: p.terminal || '' }),
      sel('txn-status', 't.status', 'status', STATUSES.map((s) => [s, 'st.' + s])),
      sel('txn-channel', 't.channel', 'channel', [['card', 'c.card'], ['qr', 'c.qr']]),
      field('txn-card', 't.card', { name: 'card', maxlength: 19, value: p.card || '' }),
      field('txn-amount', 't.amountq', { name: 'amount', inputmode: 'decimal', value: p.amount || '' }),
      field('txn-rrn', 't.rrn', { name: 'rrn', maxlength: 12, value: '' }),
      h('button', { type: 'submit', class: 'primary', 'data-test': 'txn-search' }, t('t.search')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const f = Object.fromEntries(new FormData(form).entries());
      if (f.rrn) return P.go('/merchant/transactions/' + encodeURIComponent(f.rrn.trim()));
      delete f.rrn;
      if (ctx.params.mid) f.mid = ctx.params.mid;
      P.go('/merchant/transactions' + q(f));
    });
    return form;
  }

  async function page_transactions(el, ctx) {
    const mid = await pick_mid(el, ctx);
    if (!mid) return;
    el.append(txn_form(ctx));
    const p = ctx.params;
    const query = {
      mid, from: p.from || P.day(), to: p.to ? next_day(p.to) : '', terminal: p.terminal,
      status: p.status, channel: p.channel, card: p.card,
      amount: p.amount ? String(Math.round(parseFloat(p.amount) * 100)) : '',
      limit: 50, after: p.after,
    };
    const box = h('div', {});
    el.append(box);
    let page;
    try {
      page = await P.api('GET', '/api/v1/transactions' + q(query));
    } catch (e) {
      return P.error(box, e);
    }
    table(box, [
      { title: 't.time', value: (r) => P.time(r.at) },
      { title: 't.type', value: (r) => word('ty', r.type) },
      { title: 'm.amount', value: (r) => P.money(r.amount), class: 'num' },
      { title: 'b.card', value: (r) => h('span', { class: 'mono' }, r.card) },
      { title: 't.status', value: (r) => h('span', { class: 'st-' + r.status }, word('st', r.status) + (r.rc && r.rc !== '00' ? ' ' + r.rc : '')) },
      { title: 'm.channel', value: (r) => word('c', r.channel) },
      { title: 't.terminal', value: (r) => r.tid },
      { title: 't.rrn', value: (r) => h('span', { class: 'mono' }, r.rrn) },
    ], page.items, { test: 'txn-table', onrow: (r) => P.go('/merchant/transactions/' + encodeURIComponent(r.rrn) + (ctx.params.mid ? '?mid=' + ctx.params.mid : '')) });
    const pager = h('div', { class: 'pager' });
    const here = Object.assign({}, p);
    if (p.after) {
      const back = h('button', { type: 'button', 'data-test': 'txn-prev' }, t('t.prev'));
      back.addEventListener('click', () => history.back());
      pager.append(back);
    }
    if (page.next !== null && page.next !== undefined) {
      const more = h('button', { type: 'button', 'data-test': 'txn-next' }, t('t.next'));
      more.addEventListener('click', () => P.go('/merchant/transactions' + q(Object.assign(here, { after: page.next }))));
      pager.append(more);
    }
    box.append(pager);
  }

  /* ---- one transaction and its receipt ---- */

  function receipt(x, merchant_name) {
    const line = (key, value, test, cls) => [h('dt', {}, both(key)), h('dd', { 'data-test': test, class: cls }, value)];
    const result = both('st.' + x.status) + ' ' + x.rc + (x.rc !== '00' && x.reason ? ' ' + x.reason : '');
    return h('section', { class: 'receipt', 'data-test': 'receipt' },
      h('h2', {}, both('r.title')),
      h('p', { class: 'sub' }, both('r.copy')),
      h('dl', {},
        merchant_name ? line('m.pick', merchant_name) : null,
        line('r.mid', x.mid),
        line('t.terminal', x.tid),
        line('b.card', x.card, 'receipt-card'),
        line('t.type', both('ty.' + x.type)),
        line('m.channel', both('c.' + x.channel)),
        line('t.time', P.time(x.at)),
        line('r.stan', x.stan),
        line('r.batch', String(x.batch).padStart(6, '0')),
        line('t.rrn', x.rrn, 'receipt-rrn'),
        line('r.auth', x.auth_code || '—'),
        line('t.status', result, 'receipt-result'),
        line('m.amount', P.money(x.amount), 'receipt-amount', 'total'),
        x.original ? line('r.original', x.original) : null));
  }

  async function page_txn(el, ctx) {
    const back = h('a', { href: '#/merchant/transactions' + (ctx.params.mid ? '?mid=' + ctx.params.mid : ''), class: 'noprint', 'data-test': 'txn-back' }, t('t.back'));
    el.append(h('p', {}, back));
    const x = await P.api('GET', '/api/v1/transactions/' + encodeURIComponent(ctx.params.rrn));
    let name = '';
    try { name = (await P.api('GET', mpath(x.mid, ''))).legal_name; } catch (e) { /* the MID alone */ }
    el.append(receipt(x, name));
    const print = h('button', { type: 'button', class: 'primary', 'data-test': 'receipt-print' }, t('s.print'));
    print.addEventListener('click', () => window.print());
    el.append(print);
  }

  strings({
    en: { 'r.mid': 'MID', 'r.stan': 'Trace no. (STAN)', 'r.batch': 'Batch', 'r.auth': 'Auth code', 'r.original': 'Original RRN' },
    zh: { 'r.mid': '商户编号', 'r.stan': '凭证号', 'r.batch': '批次号', 'r.auth': '授权码', 'r.original': '原参考号' },
  });

  /* ---- balance ---- */

  async function page_balance(el, ctx) {
    const mid = await pick_mid(el, ctx);
    if (!mid) return;
    const [b, payouts] = await Promise.all([
      P.api('GET', mpath(mid, '/balance')),
      P.api('GET', mpath(mid, '/payouts?limit=20')),
    ]);
    el.append(h('div', { class: 'grid' },
      card(t('b.paid'), P.money(b.settled_paid), null, 'balance-paid'),
      card(t('b.unpaid'), P.money(b.settled_unpaid), null, 'balance-unpaid'),
      card(t('b.today'), P.money(b.not_closed), t('m.count', { n: b.not_closed_count }), 'balance-today'),
      card(t('b.held'), P.money(b.preauth_held), t('m.count', { n: b.preauth_held_count }), 'balance-held')));
    el.append(h('h2', {}, t('b.alltime')));
    table(el, [
      { title: 'b.currency', value: (r) => r.net.currency },
      { title: 'b.sales', value: (r) => P.money(r.sales) + ' (' + r.sales_count + ')', class: 'num' },
      { title: 'b.refunds', value: (r) => P.money(r.refunds) + ' (' + r.refunds_count + ')', class: 'num' },
      { title: 'b.net', value: (r) => P.money(r.net), class: 'num' },
    ], b.currencies, { test: 'balance-table' });
    el.append(h('h2', {}, t('b.payouts')));
    table(el, [
      { title: 'b.date', value: (r) => r.date },
      { title: 'm.amount', value: (r) => P.money(r.amount), class: 'num' },
      { title: 'b.card', value: (r) => h('span', { class: 'mono' }, r.card) },
      { title: 'b.status', value: (r) => r.status + (r.reason ? ' (' + r.reason + ')' : '') },
      { title: 'b.reference', value: (r) => r.reference },
    ], payouts.items, { test: 'payouts-table' });
  }

  /* ---- statements ---- */

  function statement_html(s) {
    const box = h('section', { class: 'card', 'data-test': 'statement' },
      h('h2', {}, t('s.title') + ' ' + s.date),
      h('p', {}, s.merchant_name + ' · ' + s.mid),
      s.closed ? null : h('p', { class: 'note' }, t('s.open')));
    const cols = [
      { title: 't.time', value: (r) => P.time(r.at) },
      { title: 't.terminal', value: (r) => r.tid },
      { title: 't.type', value: (r) => word('ty', r.type) },
      { title: 'b.card', value: (r) => h('span', { class: 'mono' }, r.card) },
      { title: 'm.product', value: (r) => word('p', r.product) },
      { title: 'm.channel', value: (r) => word('c', r.channel) },
      { title: 't.rrn', value: (r) => r.rrn },
      { title: 'm.amount', value: (r) => P.money(r.amount), class: 'num' },
    ];
    if (s.closed) {
      cols.push({ title: 's.fee', value: (r) => P.money(r.fee), class: 'num' });
      cols.push({ title: 'b.net', value: (r) => P.money(r.net), class: 'num' });
    }
    table(box, cols, s.items, { test: 'statement-table' });
    const tt = s.totals || {};
    box.append(h('p', {}, h('strong', {}, t('s.total') + ': '), t('m.count', { n: tt.count || 0 }) + ' · ' +
      P.money(tt.amount) + (s.closed ? ' − ' + P.money(tt.fees) + ' = ' + P.money(tt.net) : '')));
    box.append(h('p', {}, h('strong', {}, t('s.payout') + ': '), s.payout
      ? P.money(s.payout.amount) + ' · ' + s.payout.payout_date + ' · ' + s.payout.status : t('s.none')));
    return box;
  }

  async function download_csv(mid, date, msg) {
    let text;
    try {
      text = await P.api('GET', mpath(mid, '/statements/' + date), null, { accept: 'text/csv' });
    } catch (e) {
      return P.error(msg, e, 'stmt-error');
    }
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    const a = h('a', { href: url, download: 'statement-' + mid + '-' + date + '.csv', hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  async function page_statements(el, ctx) {
    const mid = await pick_mid(el, ctx);
    if (!mid) return;
    const y = new Date();
    y.setDate(y.getDate() - 1);
    const date = field('stmt-date', 's.date', { type: 'date', value: ctx.params.date || P.day(y), required: true });
    const csv = h('button', { type: 'button', 'data-test': 'stmt-csv' }, t('s.csv'));
    const show = h('button', { type: 'button', class: 'primary', 'data-test': 'stmt-show' }, t('s.show'));
    const print = h('button', { type: 'button', 'data-test': 'stmt-print', hidden: true }, t('s.print'));
    const msg = h('div', {});
    const out = h('div', {});
    el.append(h('div', { class: 'row noprint' }, date, show, csv, print), msg, out);
    const value = () => date.querySelector('input').value;
    csv.addEventListener('click', () => { msg.replaceChildren(); download_csv(mid, value(), msg); });
    print.addEventListener('click', () => window.print());
    /* Shown through the address (?date=), so that the language switch keeps it. */
    show.addEventListener('click', () => {
      const p = { date: value() };
      if (ctx.params.mid) p.mid = ctx.params.mid;
      P.go('/merchant/statements' + q(p));
    });
    if (!ctx.params.date) return;
    try {
      out.append(statement_html(await P.api('GET', mpath(mid, '/statements/' + encodeURIComponent(ctx.params.date)))));
      print.hidden = false;
    } catch (e) {
      P.error(msg, e, 'stmt-error');
    }
  }

  /* ---- the settlement card ---- */

  function card_view(v) {
    const box = h('div', { class: 'grid' });
    const one = (title, c, test) => card(title, h('span', { class: 'mono' }, c.card),
      [t('k.verified', { at: P.time(c.verified_at) }), t('k.effective', { at: P.time(c.effective_from) })].join(' · '), test);
    box.append(v.current ? one(t('k.current'), v.current, 'card-current')
      : card(t('k.current'), t('k.none'), null, 'card-current'));
    if (v.next) box.append(one(t('k.next'), v.next, 'card-next'));
    if (v.pending) box.append(card(t('k.pending'), h('span', { class: 'mono' }, v.pending), null, 'card-pending'));
    box.append(card(t('b.status'), v.payout_ready ? t('k.ready') : t('k.waits', { why: word('w', v.payout_waits) }), null, 'card-ready'));
    return box;
  }

  function otp_form(mid, msg, done) {
    const form = h('form', { class: 'card form', 'data-test': 'otp-form' },
      h('p', { class: 'ok' }, t('k.sent')),
      field('otp-code', 'k.otp', { name: 'otp', inputmode: 'numeric', maxlength: 6, autocomplete: 'one-time-code', required: true }),
      h('button', { type: 'submit', class: 'primary', 'data-test': 'otp-submit' }, t('k.confirm')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await P.api('POST', mpath(mid, '/settlement-card/confirm'), { otp: form.elements.otp.value.trim() });
        done();
      } catch (err) {
        P.error(msg, err.field === 'otp' ? K('k.otpwrong') : err, 'card-error');
      }
    });
    return form;
  }

  function change_form(mid, msg, slot, done) {
    const form = h('form', { class: 'card form', 'data-test': 'card-form' },
      h('h2', {}, t('k.change')),
      field('card-number', 'k.number', { name: 'card', inputmode: 'numeric', autocomplete: 'off', maxlength: 19, required: true }),
      field('card-holder', 'k.holder', { name: 'holder', required: true }),
      field('card-id', 'k.id', { name: 'id_number', autocomplete: 'off', maxlength: 18, required: true }),
      field('card-phone', 'k.phone', { name: 'phone', inputmode: 'tel', maxlength: 20, required: true }),
      h('button', { type: 'submit', class: 'primary', 'data-test': 'card-submit' }, t('k.submit')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      msg.replaceChildren();
      const f = Object.fromEntries(new FormData(form).entries());
      try {
        await P.api('POST', mpath(mid, '/settlement-card'), f);
      } catch (err) {
        return P.error(msg, err, 'card-error');
      }
      form.reset();
      slot.replaceChildren(otp_form(mid, msg, done));
    });
    return form;
  }

  async function page_card(el, ctx) {
    const mid = await pick_mid(el, ctx);
    if (!mid) return;
    const view = h('div', {});
    const msg = h('div', {});
    const slot = h('div', {});
    el.append(view, msg, slot);
    const show = async (note) => {
      view.replaceChildren(card_view(await P.api('GET', mpath(mid, '/settlement-card'))));
      if (note) msg.replaceChildren(h('p', { class: 'ok', 'data-test': 'card-done' }, t(note)));
    };
    await show();
    if (ctx.user.role === 'auditor') return;
    const done = () => { slot.replaceChildren(change_form(mid, msg, slot, done)); show('k.done'); };
    slot.append(change_form(mid, msg, slot, done));
  }

  /* ---- terminals ---- */

  async function page_terminals(el, ctx) {
    const mid = await pick_mid(el, ctx);
    if (!mid) return;
    const list = await P.api('GET', '/api/v1/terminals' + q({ mid, limit: 500 }));
    const online = (r) => r.last_seen && Date.now() - Date.parse(r.last_seen) < 10 * 60 * 1000;
    table(el, [
      { title: 'tm.tid', value: (r) => h('span', { class: 'mono' }, r.tid) },
      { title: 'tm.sn', value: (r) => r.sn },
      { title: 'tm.state', value: (r) => word('ts', r.state) },
      { title: 'tm.online', value: (r) => (online(r) ? t('yes') : t('no')) },
      { title: 'tm.seen', value: (r) => P.time(r.last_seen) },
      { title: 'tm.place', value: (r) => (r.place && r.place.address) || '' },
      { title: 'tm.version', value: (r) => r.version || '' },
    ], list.items, { test: 'terminals-table' });
  }

  strings({
    en: { 'ts.registered': 'registered', 'ts.active': 'active', 'ts.suspended': 'suspended', 'ts.retired': 'retired' },
    zh: { 'ts.registered': '已登记', 'ts.active': '启用', 'ts.suspended': '暂停', 'ts.retired': '已退役' },
  });

  /* ---- the pages ---- */

  P.register({ id: 'merchant-home', path: '/merchant/home', roles: ROLES, title: { en: 'Takings', zh: '营业概览' }, render: page_home });
  P.register({ id: 'merchant-transactions', path: '/merchant/transactions', roles: ROLES, title: { en: 'Transactions', zh: '交易查询' }, render: page_transactions });
  P.register({ id: 'merchant-transaction', path: '/merchant/transactions/:rrn', roles: ROLES, title: { en: 'Transaction', zh: '交易详情' }, render: page_txn });
  P.register({ id: 'merchant-balance', path: '/merchant/balance', roles: ROLES, title: { en: 'Balance', zh: '余额' }, render: page_balance });
  P.register({ id: 'merchant-statements', path: '/merchant/statements', roles: ROLES, title: { en: 'Statements', zh: '对账单' }, render: page_statements });
  P.register({ id: 'merchant-card', path: '/merchant/settlement-card', roles: ROLES, title: { en: 'Settlement card', zh: '结算卡' }, render: page_card });
  P.register({ id: 'merchant-terminals', path: '/merchant/terminals', roles: ROLES, title: { en: 'Terminals', zh: '终端' }, render: page_terminals });
})();
