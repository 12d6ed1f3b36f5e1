/* ops.js — the operations pages of the console (docs/console.md "Operations"): live figures,
 * merchants by onboarding state, terminals, cards, risk cases, settlement, the audit log and
 * users. Each page registers itself with possum.register() (app.js) and reads the API only
 * (docs/api.md); operators change, auditors read (the buttons that change are shown to
 * operators only). No inline script or handler: everything is built with possum.h().
 *
 * data-test attributes (the browser tests'), by page:
 *   live:      live-requests, live-rate, live-chart, live-declines (table; rows live-declines-row),
 *              live-from (the declines' day)
 *   merchants: merchants-state (select), merchants-new (button), merchants (table; rows
 *              merchants-row, each with data-ref, its MID or application number), merchant-form, merchant-FIELD (legal_name,
 *              licence, tax_number, rep_name, rep_id, address, mcc, phone), merchant-submit,
 *              merchant-detail, merchant-state (the state shown), merchant-mid, merchant-reason,
 *              merchant-step-STEP (review, test, agree, activate, suspend, resume, close),
 *              merchant-history (table), merchant-done (after an application or a step: the
 *              state now); merchant-state and terminal-state carry data-state, the state's name
 *   terminals: terminals-mid (filter), terminals (table; rows terminals-row, each with
 *              data-tid), terminal-form, terminal-FIELD (mid, sn, tid, address, lat, lon,
 *              activate), terminal-submit, terminal-detail, terminal-state (the state shown),
 *              terminal-tmk (button), terminal-tmk-parts, terminal-tmk-issued (data-state yes|no,
 *              read again after the hand-over), tmk-components (the components shown once),
 *              tmk-component (each), tmk-kcv (each component's KCV), tmk-key-kcv,
 *              terminal-set-state (select), terminal-state-reason, terminal-state-submit,
 *              terminal-rebind-FIELD (mid, address, lat, lon, reason), terminal-rebind-submit
 *   cards:     cards-last4, cards-search, cards (table; rows cards-row), card-lost-ID,
 *              card-stolen-ID
 *   risk:      risk-open (checkbox: open cases only), risk-cases (table; rows risk-cases-row,
 *              each with data-id), case-detail, case-status, case-rules, case-hits (each hit's
 *              case-values: one line a value read, with data-name, docs/risk.md's name),
 *              case-transactions, case-verdict (select), case-reason, case-block, case-close,
 *              case-done
 *   settle:    settle-runs (table; rows settle-runs-row), settle-progress (each run's bar),
 *              settle-date, settle-show, recon-counts, recon (table), payouts (table)
 *   audit:     audit-from, audit-to, audit-actor, audit-object, audit-action, audit-search,
 *              audit (table; rows audit-row), audit-more
 *   users:     users (table; rows users-row, each with data-name), user-form, user-name,
 *              user-role, user-mid, user-submit, user-made, user-enrol (the link),
 *              user-otpauth, user-disable-NAME, user-unlock-NAME
 *   any:       ops-error (a failed action's message), ops-ok (a done action's message)
 */
(function () {
  'use strict';

  const P = window.possum;
  const { h, t } = P;
  const READERS = ['operator', 'auditor'];
  const STATES = ['applied', 'reviewing', 'device_testing', 'agreement', 'active', 'suspended', 'closed'];
  /* The steps each merchant state allows (src/merchant/onboarding.c). */
  const STEPS = {
    applied: ['review', 'close'], reviewing: ['test', 'close'], device_testing: ['agree', 'close'],
    agreement: ['activate', 'close'], active: ['suspend', 'close'], suspended: ['resume', 'close'],
    closed: [],
  };
  const LIVE_MS = 3000;
  const LIVE_SECONDS = 300;

  P.strings({
    en: {
      'live.title': 'Live', 'live.requests': 'Transactions a second (last minute)',
      'live.rate': 'Approval rate (last minute)', 'live.chart': 'Last 5 minutes, every 3 seconds',
      'live.tps': 'Transactions/s', 'live.approvals': 'Approved/s', 'live.declines': 'Declines by response code',
      'live.day': 'Day', 'live.time': 'Time', 'rc.code': 'Code', 'rc.count': 'Count', 'rc.meaning': 'Meaning', 'rc.category': 'Given by',
      'cat.issuer': 'issuer', 'cat.host': 'host', 'cat.system': 'system', 'cat.approved': 'approved',
      'm.title': 'Merchants', 'm.state': 'State', 'm.all': 'All states', 'm.new': 'Onboard a merchant',
      'm.id': 'No.', 'm.mid': 'MID', 'm.name': 'Legal name', 'm.mcc': 'MCC', 'm.updated': 'Updated',
      'm.legal_name': 'Legal name', 'm.licence': 'Business licence no.', 'm.tax_number': 'Tax no.',
      'm.rep_name': 'Legal representative', 'm.rep_id': 'Representative ID no.', 'm.address': 'Address',
      'm.phone': 'Phone', 'm.submit': 'Submit application', 'm.reason': 'Reason (required for a step)',
      'm.steps': 'Review actions', 'm.history': 'History', 'm.from': 'From', 'm.to': 'To', 'm.by': 'By',
      'm.at': 'At', 'm.done': 'Now {state}.', 'm.applied': 'Application {id} made.', 'm.fees': 'Fees',
      'm.need_reason': 'Give a reason first.',
      'state.applied': 'applied', 'state.reviewing': 'reviewing', 'state.device_testing': 'device testing',
      'state.agreement': 'agreement', 'state.active': 'active', 'state.suspended': 'suspended',
      'state.closed': 'closed', 'state.registered': 'registered', 'state.retired': 'retired',
      'step.review': 'Start review', 'step.test': 'Device testing', 'step.agree': 'Send agreement',
      'step.activate': 'Activate', 'step.suspend': 'Suspend', 'step.resume': 'Resume', 'step.close': 'Close',
      't.title': 'Terminals', 't.mid': 'MID', 't.sn': 'SN', 't.tid': 'TID', 't.tid_new': 'TID (blank: the next)', 't.place': 'Place',
      't.state': 'State', 't.last_seen': 'Last seen', 't.address': 'Address', 't.lat': 'Latitude (µ°)',
      't.lon': 'Longitude (µ°)', 't.activate': 'Activate now', 't.register': 'Register terminal',
      't.filter': 'Merchant (MID)', 't.tmk': 'Hand over the TMK', 't.parts': 'Components',
      't.tmk_once': 'Shown this once: give each component to its own custodian.', 't.component': 'Component',
      't.kcv': 'KCV', 't.key_kcv': 'Key check value', 't.set_state': 'Change state', 't.reason': 'Reason',
      't.apply': 'Apply', 't.rebind': 'Rebind (another merchant or place)', 't.rebind_go': 'Rebind',
      't.registered': 'Terminal {tid} registered.', 't.tmk_issued': 'TMK handed over', 't.yes': 'yes', 't.no': 'no',
      't.version': 'Version', 't.signed_in': 'Signed in',
      'c.title': 'Cards', 'c.last4': 'Last 4 digits', 'c.search': 'Search', 'c.card': 'Card',
      'c.holder': 'Holder', 'c.status': 'Status', 'c.expiry': 'Expiry', 'c.auth': 'Card authentication',
      'c.actions': 'Loss report', 'c.lost': 'Lost', 'c.stolen': 'Stolen', 'c.done': 'Card {card}: {status}.',
      'auth.NONE': 'none', 'auth.VALID': 'valid', 'auth.INVALID': 'invalid',
      'r.title': 'Risk cases', 'r.open': 'Open cases only', 'r.id': 'Case', 'r.status': 'Status',
      'r.opened': 'Opened', 'r.rules': 'Rules that fired', 'r.card': 'Card', 'r.verdict': 'Verdict',
      'r.fraud': 'fraud', 'r.legitimate': 'legitimate', 'r.reason': 'Reason', 'r.block': 'Block the card',
      'r.close': 'Close the case', 'r.closed': 'Case {id} closed: {verdict}.', 'r.hits': 'Rules fired on its transactions',
      'r.rule': 'Rule', 'r.action': 'Action', 'r.rc': 'Code', 'r.txns': 'Transactions', 'r.amount': 'Amount',
      'r.type': 'Type', 'r.time': 'Time', 'r.closed_by': 'Closed by', 'r.values': 'Values read',
      'rv.amount': 'Amount', 'rv.type': 'Type', 'rv.product': 'Card product', 'rv.channel': 'Read by',
      'rv.hour': 'Hour', 'rv.minute': 'Minute', 'rv.mcc': 'MCC', 'rv.mcc_ceiling': 'MCC ceiling',
      'rv.window': '{who} {what} ({w})', 'rv.card': 'Card', 'rv.terminal': 'Terminal', 'rv.merchant': 'Merchant',
      'rv.card_merchant': 'Card at the merchant', 'rv.count': 'payments', 'rv.sum': 'sum', 'rv.declines': 'declines',
      'rv.w.10m': '10 min', 'rv.w.30m': '30 min', 'rv.w.1h': '1 h', 'rv.w.24h': '24 h', 'rv.w.day': 'today',
      'rv.card_last_gap': "Seconds since the card's last payment", 'rv.holder_qr_gap': "Seconds since the holder's QR payment",
      'rv.card_merchant_split_30m': 'Split payments at the merchant (30 min)',
      'rv.card_merchant_round_day': 'Round amounts at the merchant (today)',
      'rv.terminal_cards_day': 'Cards at the terminal (today)', 'rv.terminal_card_new': 'New card at the terminal',
      'rv.merchant_purchases_day': "Merchant's purchases (today)", 'rv.merchant_refunds_day': "Merchant's refunds (today)",
      'rv.location_known': 'Location known', 'rv.distance': 'Distance (m)',
      'rv.card_blocked': 'Card blocked', 'rv.card_watched': 'Card watched', 'rv.terminal_blocked': 'Terminal blocked',
      'rv.terminal_watched': 'Terminal watched', 'rv.merchant_blocked': 'Merchant blocked',
      'rv.merchant_watched': 'Merchant watched',
      'rt.1': 'purchase', 'rt.2': 'pre-authorization', 'rt.3': 'completion', 'rt.4': 'refund',
      'rp.0': "another issuer's", 'rp.1': 'debit', 'rp.2': 'credit', 'rp.3': 'prepaid',
      'rch.1': 'keyed', 'rch.2': 'swipe', 'rch.3': 'chip', 'rch.4': 'fallback', 'rch.5': 'QR code',
      's.title': 'Settlement', 's.runs': 'Settlement runs', 's.date': 'Date', 's.state': 'State',
      's.lines': 'Lines', 's.merchants': 'Merchants', 's.progress': 'Progress', 's.closed_at': 'Closed at',
      's.owner': 'Run by', 's.open': 'open', 's.closed': 'closed', 's.day': 'Day', 's.show': 'Show',
      's.recon': 'Reconciliation differences', 's.payouts': 'Payouts', 's.kind': 'Kind', 's.side': 'Sides',
      's.amount': 'Amount', 's.other': 'Other side', 's.detail': 'Detail', 's.card': 'Card',
      's.status': 'Status', 's.reference': 'Reference', 's.days': 'For days',
      'a.title': 'Audit log', 'a.from': 'From', 'a.to': 'To', 'a.actor': 'Actor', 'a.object': 'Object',
      'a.action': 'Action', 'a.search': 'Search', 'a.at': 'At', 'a.change': 'Change',
      'u.title': 'Users', 'u.name': 'Name', 'u.role': 'Role', 'u.mid': 'Merchant (MID)', 'u.state': 'State',
      'u.created': 'Created', 'u.add': 'Add user', 'u.made': 'User {name} added. Send these to them, once:',
      'u.enrol': 'Enrolment link', 'u.otpauth': 'Authenticator URI', 'u.disable': 'Disable', 'u.unlock': 'Unlock',
      'u.locked_until': 'Locked until', 'u.done': '{name}: done.',
      'us.enrolling': 'enrolling', 'us.active': 'active', 'us.disabled': 'disabled',
      'cs.active': 'active', 'cs.lost': 'lost', 'cs.stolen': 'stolen', 'cs.blocked': 'blocked',
      'cs.replaced': 'replaced', 'rs.open': 'open', 'rs.closed': 'closed',
      'po.made': 'made', 'po.paid': 'paid', 'po.failed': 'failed',
    },
    zh: {
      'live.title': '实时', 'live.requests': '每秒交易数（近一分钟）', 'live.rate': '成功率（近一分钟）',
      'live.chart': '近 5 分钟，每 3 秒刷新', 'live.tps': '每秒交易', 'live.approvals': '每秒成功', 'live.time': '时间',
      'live.declines': '按应答码统计的拒绝', 'live.day': '日期', 'rc.code': '应答码', 'rc.count': '笔数',
      'rc.meaning': '含义', 'rc.category': '来源', 'cat.issuer': '发卡行', 'cat.host': '主机',
      'cat.system': '系统', 'cat.approved': '成功',
      'm.title': '商户', 'm.state': '状态', 'm.all': '全部状态', 'm.new': '商户入网', 'm.id': '编号',
      'm.mid': '商户号', 'm.name': '商户名称', 'm.mcc': 'MCC', 'm.updated': '更新时间',
      'm.legal_name': '商户名称', 'm.licence': '营业执照号', 'm.tax_number': '税号', 'm.rep_name': '法定代表人',
      'm.rep_id': '法人身份证号', 'm.address': '地址', 'm.phone': '电话', 'm.submit': '提交申请',
      'm.reason': '原因（每一步必填）', 'm.steps': '审核操作', 'm.history': '历史', 'm.from': '原状态',
      'm.to': '新状态', 'm.by': '操作人', 'm.at': '时间', 'm.done': '当前状态：{state}。',
      'm.applied': '已提交申请 {id}。', 'm.fees': '费率', 'm.need_reason': '请先填写原因。',
      'state.applied': '已申请', 'state.reviewing': '审核中', 'state.device_testing': '机具测试',
      'state.agreement': '签约', 'state.active': '已开通', 'state.suspended': '已暂停', 'state.closed': '已关闭',
      'state.registered': '已登记', 'state.retired': '已停用',
      'step.review': '开始审核', 'step.test': '机具测试', 'step.agree': '发送协议', 'step.activate': '开通',
      'step.suspend': '暂停', 'step.resume': '恢复', 'step.close': '关闭',
      't.title': '终端', 't.mid': '商户号', 't.sn': '序列号', 't.tid': '终端号', 't.tid_new': '终端号（留空自动分配）', 't.place': '位置',
      't.state': '状态', 't.last_seen': '最近在线', 't.address': '地址', 't.lat': '纬度（微度）',
      't.lon': '经度（微度）', 't.activate': '立即启用', 't.register': '登记终端', 't.filter': '商户（商户号）',
      't.tmk': '下发主密钥', 't.parts': '分量数', 't.tmk_once': '仅显示这一次：每个分量交给不同的保管人。',
      't.component': '分量', 't.kcv': '校验值', 't.key_kcv': '密钥校验值', 't.set_state': '变更状态',
      't.reason': '原因', 't.apply': '确定', 't.rebind': '重新绑定（其他商户或位置）', 't.rebind_go': '重新绑定',
      't.registered': '终端 {tid} 已登记。', 't.tmk_issued': '主密钥已下发', 't.yes': '是', 't.no': '否',
      't.version': '版本', 't.signed_in': '已签到',
      'c.title': '卡片', 'c.last4': '卡号后 4 位', 'c.search': '查询', 'c.card': '卡号', 'c.holder': '持卡人',
      'c.status': '状态', 'c.expiry': '有效期', 'c.auth': '卡鉴权', 'c.actions': '挂失', 'c.lost': '挂失（遗失）',
      'c.stolen': '挂失（被盗）', 'c.done': '卡 {card}：{status}。',
      'auth.NONE': '未鉴权', 'auth.VALID': '有效', 'auth.INVALID': '无效',
      'r.title': '风险案件', 'r.open': '仅未结案件', 'r.id': '案件', 'r.status': '状态', 'r.opened': '立案时间',
      'r.rules': '触发的规则', 'r.card': '卡号', 'r.verdict': '结论', 'r.fraud': '欺诈', 'r.legitimate': '正常',
      'r.reason': '原因', 'r.block': '冻结此卡', 'r.close': '结案', 'r.closed': '案件 {id} 已结案：{verdict}。',
      'r.hits': '交易触发的规则', 'r.rule': '规则', 'r.action': '动作', 'r.rc': '应答码', 'r.txns': '交易',
      'r.amount': '金额', 'r.type': '类型', 'r.time': '时间', 'r.closed_by': '结案人', 'r.values': '读取的数值',
      'rv.amount': '金额', 'rv.type': '类型', 'rv.product': '卡产品', 'rv.channel': '读卡方式',
      'rv.hour': '时', 'rv.minute': '分', 'rv.mcc': 'MCC', 'rv.mcc_ceiling': 'MCC 限额',
      'rv.window': '{who}{what}（{w}）', 'rv.card': '该卡', 'rv.terminal': '终端', 'rv.merchant': '商户',
      'rv.card_merchant': '该卡在本商户', 'rv.count': '笔数', 'rv.sum': '金额', 'rv.declines': '拒绝笔数',
      'rv.w.10m': '10 分钟', 'rv.w.30m': '30 分钟', 'rv.w.1h': '1 小时', 'rv.w.24h': '24 小时', 'rv.w.day': '当日',
      'rv.card_last_gap': '距该卡上笔支付（秒）', 'rv.holder_qr_gap': '距持卡人上笔扫码支付（秒）',
      'rv.card_merchant_split_30m': '本商户拆单笔数（30 分钟）', 'rv.card_merchant_round_day': '本商户整额笔数（当日）',
      'rv.terminal_cards_day': '终端当日卡数', 'rv.terminal_card_new': '终端首次出现的卡',
      'rv.merchant_purchases_day': '商户当日消费', 'rv.merchant_refunds_day': '商户当日退货',
      'rv.location_known': '位置已知', 'rv.distance': '距离（米）',
      'rv.card_blocked': '卡在黑名单', 'rv.card_watched': '卡在观察名单', 'rv.terminal_blocked': '终端在黑名单',
      'rv.terminal_watched': '终端在观察名单', 'rv.merchant_blocked': '商户在黑名单', 'rv.merchant_watched': '商户在观察名单',
      'rt.1': '消费', 'rt.2': '预授权', 'rt.3': '预授权完成', 'rt.4': '退货',
      'rp.0': '他行卡', 'rp.1': '借记卡', 'rp.2': '贷记卡', 'rp.3': '预付卡',
      'rch.1': '手输', 'rch.2': '磁条', 'rch.3': '芯片', 'rch.4': '降级', 'rch.5': '二维码',
      's.title': '清算', 's.runs': '清算批次', 's.date': '日期', 's.state': '状态', 's.lines': '明细数',
      's.merchants': '商户数', 's.progress': '进度', 's.closed_at': '完成时间', 's.owner': '执行者',
      's.open': '进行中', 's.closed': '已完成', 's.day': '日期', 's.show': '查看', 's.recon': '对账差异',
      's.payouts': '结算付款', 's.kind': '类型', 's.side': '对账双方', 's.amount': '金额', 's.other': '对方金额',
      's.detail': '说明', 's.card': '卡号', 's.status': '状态', 's.reference': '参考号', 's.days': '清算日',
      'a.title': '审计日志', 'a.from': '起', 'a.to': '止', 'a.actor': '操作人', 'a.object': '对象',
      'a.action': '操作', 'a.search': '查询', 'a.at': '时间', 'a.change': '变更',
      'u.title': '用户', 'u.name': '用户名', 'u.role': '角色', 'u.mid': '商户（商户号）', 'u.state': '状态',
      'u.created': '创建时间', 'u.add': '添加用户', 'u.made': '用户 {name} 已添加。请将以下信息发给本人（仅此一次）：',
      'u.enrol': '注册链接', 'u.otpauth': '身份验证器地址', 'u.disable': '停用', 'u.unlock': '解锁',
      'u.locked_until': '锁定至', 'u.done': '{name}：已完成。',
      'us.enrolling': '待注册', 'us.active': '正常', 'us.disabled': '已停用',
      'cs.active': '正常', 'cs.lost': '已挂失（遗失）', 'cs.stolen': '已挂失（被盗）', 'cs.blocked': '已冻结',
      'cs.replaced': '已换卡', 'rs.open': '未结', 'rs.closed': '已结案',
      'po.made': '已发起', 'po.paid': '已付款', 'po.failed': '失败',
    },
  });

  /* ---- helpers ---- */

  function operator() { const u = P.user(); return !!u && u.role === 'operator'; }
  function q(params) {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, v);
    const text = s.toString();
    return text ? '?' + text : '';
  }
  function enc(x) { return encodeURIComponent(x); }
  function st(prefix, x) { const k = prefix + '.' + x; const v = t(k); return v === k ? x : v; }
  function pct(r) { return r === null || r === undefined ? '–' : (r * 100).toFixed(1) + '%'; }

  /* A message of an action's outcome in box: ok (a key and vars) or a failure. */
  function say(box, ok, e) {
    if (e) return P.error(box, e, 'ops-error');
    box.replaceChildren(h('p', { class: 'ok', role: 'status', 'data-test': 'ops-ok' }, ok));
  }

  /* A labelled input with its data-test; attrs as possum.field's. */
  function input(test, key, attrs) { return P.field(test, key, Object.assign({ name: test }, attrs)); }

  /* A labelled select of options [[value, label], …]. */
  function select(test, key, options, value) {
    const s = h('select', { 'data-test': test, id: 'f-' + test, name: test },
      options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
    return h('label', { class: 'field', for: 'f-' + test }, h('span', {}, P.label(key)), s);
  }

  /* The form's named values, trimmed; empty ones left out. */
  function values(form) {
    const o = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      if (el.type === 'checkbox') o[el.name] = el.checked;
      else if (el.value.trim() !== '') o[el.name] = el.value.trim();
    }
    return o;
  }

  /* A button that runs fn once at a time. */
  function button(test, text, fn, cls) {
    const b = h('button', { type: 'button', 'data-test': test, class: cls });
    b.textContent = text;
    b.addEventListener('click', async () => {
      b.disabled = true;
      try { await fn(); } finally { b.disabled = false; }
    });
    return b;
  }

  /* A form whose submit runs fn(values, form); out shows what came of it. */
  function form(test, fields, submit, fn) {
    const out = h('div', { class: 'msg' });
    const f = h('form', { class: 'card', 'data-test': test }, h('div', { class: 'row' }, fields),
      h('button', { type: 'submit', class: 'primary', 'data-test': submit.test }, P.label(submit.key)), out);
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      const b = f.querySelector('button[type=submit]');
      b.disabled = true;
      try { await fn(values(f), out, f); } catch (err) { say(out, null, err); } finally { b.disabled = false; }
    });
    return f;
  }

  /* A definition list of [key, value] pairs. */
  function facts(pairs) {
    return h('dl', { class: 'facts' }, pairs.flatMap(([k, v]) => [h('dt', {}, P.label(k)), h('dd', {}, v)]));
  }

  /* Marks each row of tbl (possum.table's, or null) with attr, fn of its item. */
  function mark(tbl, items, attr, fn) {
    if (tbl) tbl.querySelectorAll('tbody tr').forEach((tr, i) => tr.setAttribute(attr, String(fn(items[i]))));
  }

  /* Parts other scripts add to a page (tms.js: the terminal's and the merchant's TMS parts):
   * part(pageId, fn) registers fn(box, item); show_parts renders them in box, in order. */
  const parts = {};
  function part(id, fn) { (parts[id] = parts[id] || []).push(fn); }
  async function show_parts(id, box, item) {
    for (const fn of parts[id] || []) await fn(box, item);
  }

  /* Calls fn every ms while el is on the page. */
  function every(el, ms, fn) {
    const id = setInterval(() => { if (!el.isConnected) clearInterval(id); else fn(); }, ms);
  }

  /* ---- Live ---- */

  function live_data(body) {
    const xs = [], tps = [], ok = [];
    for (const s of body.items) {
      xs.push(Date.parse(s.at) / 1000);
      tps.push(s.requests);
      ok.push(s.approved);
    }
    return [xs, tps, ok];
  }

  const TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600]; // the time axis's steps, s

  /* Unix seconds as the local time of day, 24-hour HH:MM:SS (the chart's time axis and legend). */
  function hms(s) {
    const d = new Date(s * 1000);
    return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  }

  /* The last minute's sums of the seconds. */
  function last_minute(body) {
    const last = body.items.slice(-60);
    const req = last.reduce((a, s) => a + s.requests, 0);
    const ok = last.reduce((a, s) => a + s.approved, 0);
    return { tps: (req / Math.max(1, last.length)).toFixed(2), rate: req > 0 ? ok / req : null };
  }

  async function page_live(el) {
    const tps = h('div', { class: 'figure', 'data-test': 'live-requests' }, '–');
    const rate = h('div', { class: 'figure', 'data-test': 'live-rate' }, '–');
    el.append(h('div', { class: 'grid' },
      h('div', { class: 'card' }, h('div', { class: 'sub' }, t('live.requests')), tps),
      h('div', { class: 'card' }, h('div', { class: 'sub' }, t('live.rate')), rate)));
    const box = h('div', { class: 'card', 'data-test': 'live-chart' }, h('div', { class: 'sub' }, t('live.chart')));
    el.append(box);
    const declines = h('div', {});
    el.append(h('h2', {}, t('live.declines')), declines);
    let body = await P.api('GET', '/api/v1/ops/live' + q({ seconds: LIVE_SECONDS }));
    const plot = P.chart(box, {
      'data-test': 'chart',
      series: [{ label: t('live.time'), value: (u, v) => (v === null || v === undefined ? '–' : hms(v)) },
        { label: t('live.tps'), stroke: '#0b6e4f', width: 2 },
        { label: t('live.approvals'), stroke: '#1f5fa8', width: 1 }],
      scales: { x: { time: true } },
      // The time axis: HH:MM:SS labels apart (2-minute steps at a phone's width), the last one whole.
      axes: [{ space: 70, incrs: TICKS, values: (u, splits) => splits.map(hms) }, {}],
      padding: [null, 28, null, null],
    }, live_data(body));
    const figures = () => { const m = last_minute(body); tps.textContent = m.tps; rate.textContent = pct(m.rate); };
    figures();
    await show_declines(declines);
    let n = 0;
    every(el, LIVE_MS, async () => {
      try {
        body = await P.api('GET', '/api/v1/ops/live' + q({ seconds: LIVE_SECONDS }));
        plot.setData(live_data(body));
        figures();
        if (++n % 5 === 0) await show_declines(declines);
      } catch (e) { /* the next tick tries again */ }
    });
  }

  async function show_declines(box) {
    const d = await P.api('GET', '/api/v1/ops/declines' + q({ from: 'today' }));
    box.replaceChildren(h('p', { class: 'sub', 'data-test': 'live-from' }, P.time(d.from) + ' – ' + P.time(d.to) +
      ' · ' + d.requests + ' / ' + pct(d.rate)));
    P.table(box, [
      { title: 'rc.code', value: (r) => h('code', {}, r.rc) },
      { title: 'rc.count', value: (r) => String(r.count), class: 'num' },
      { title: 'rc.meaning', value: (r) => (P.lang() === 'zh' ? r.zh + ' · ' + r.en : r.en + ' · ' + r.zh) },
      { title: 'rc.category', value: (r) => st('cat', r.category) },
    ], d.items, { test: 'live-declines' });
  }

  /* ---- Merchants ---- */

  const MERCHANT_FIELDS = [
    ['legal_name', { maxlength: 128, required: true }], ['licence', { maxlength: 64, required: true }],
    ['tax_number', { maxlength: 64, required: true }], ['rep_name', { maxlength: 64, required: true }],
    ['rep_id', { maxlength: 32, required: true }], ['address', { maxlength: 256, required: true }],
    ['mcc', { pattern: '[0-9]{4}', maxlength: 4, required: true, inputmode: 'numeric' }],
    ['phone', { pattern: '[0-9]{5,20}', maxlength: 20, required: true, inputmode: 'tel' }],
  ];

  async function page_merchants(el, ctx) {
    const state = ctx.params.state || '';
    const bar = h('div', { class: 'row' },
      select('merchants-state', 'm.state', [['', t('m.all')]].concat(STATES.map((s) => [s, st('state', s)])), state));
    bar.querySelector('select').addEventListener('change', (e) => P.go('/ops/merchants' + q({ state: e.target.value })));
    if (operator()) bar.append(button('merchants-new', t('m.new'), () => P.go('/ops/merchants/new')));
    el.append(bar);
    const list = await P.api('GET', '/api/v1/merchants' + q({ state, limit: 200 }));
    const tbl = P.table(el, [
      { title: 'm.id', value: (m) => String(m.id), class: 'num' },
      { title: 'm.mid', value: (m) => m.mid || '–' },
      { title: 'm.name', value: (m) => m.legal_name },
      { title: 'm.mcc', value: (m) => m.mcc },
      { title: 'm.state', value: (m) => st('state', m.state) },
      { title: 'm.updated', value: (m) => P.time(m.updated) },
    ], list.items, { test: 'merchants', onrow: (m) => P.go('/ops/merchants/' + (m.mid || m.id)) });
    mark(tbl, list.items, 'data-ref', (m) => m.mid || m.id);
  }

  function page_merchant_new(el) {
    el.append(form('merchant-form', MERCHANT_FIELDS.map(([k, a]) => input('merchant-' + k, 'm.' + k, a)),
      { test: 'merchant-submit', key: 'm.submit' }, async (v) => {
        const body = {};
        for (const [k] of MERCHANT_FIELDS) body[k] = v['merchant-' + k];
        const m = await P.api('POST', '/api/v1/merchants', body);
        P.go('/ops/merchants/' + m.id + q({ done: m.state }));
      }));
  }

  async function page_merchant(el, ctx) {
    const m = await P.api('GET', '/api/v1/merchants/' + enc(ctx.params.ref));
    const box = h('div', { 'data-test': 'merchant-detail' });
    el.append(box);
    if (ctx.params.done) box.append(h('p', { class: 'ok', role: 'status', 'data-test': 'merchant-done' }, t('m.done', { state: st('state', ctx.params.done) })));
    box.append(h('div', { class: 'card' }, facts([
      ['m.id', String(m.id)], ['m.mid', h('span', { 'data-test': 'merchant-mid' }, m.mid || '–')],
      ['m.state', h('strong', { 'data-test': 'merchant-state', 'data-state': m.state }, st('state', m.state))],
      ['m.legal_name', m.legal_name], ['m.licence', m.licence], ['m.tax_number', m.tax_number],
      ['m.rep_name', m.rep_name], ['m.rep_id', m.rep_id], ['m.address', m.address], ['m.mcc', m.mcc],
      ['m.phone', m.phone],
      ['m.fees', m.fees ? `${m.fees.credit_bp} / ${m.fees.debit_bp} / ${m.fees.qr_bp} bp` : '–'],
    ])));
    if (operator() && STEPS[m.state].length) box.append(merchant_steps(m));
    await show_parts('ops-merchant', box, m);
    box.append(h('h2', {}, t('m.history')));
    P.table(box, [
      { title: 'm.from', value: (x) => st('state', x.from || '') },
      { title: 'm.to', value: (x) => st('state', x.to) },
      { title: 'm.by', value: (x) => x.actor }, { title: 'r.reason', value: (x) => x.reason || '' },
      { title: 'm.at', value: (x) => P.time(x.at) },
    ], (m.history || []).slice().reverse(), { test: 'merchant-history' });
  }

  /* The review actions the merchant's state allows, with the reason they need. */
  function merchant_steps(m) {
    const out = h('div', { class: 'msg' });
    const reason = h('input', { 'data-test': 'merchant-reason', id: 'f-merchant-reason', maxlength: 256 });
    const ref = m.mid || m.id;
    const buttons = STEPS[m.state].map((s) => button('merchant-step-' + s, t('step.' + s), async () => {
      if (!reason.value.trim()) return say(out, null, 'm.need_reason');
      try {
        const n = await P.api('POST', '/api/v1/merchants/' + enc(ref) + '/steps', { step: s, reason: reason.value.trim() });
        P.go('/ops/merchants/' + (n.mid || n.id) + q({ done: n.state }));
      } catch (e) { say(out, null, e); }
    }, s === 'close' || s === 'suspend' ? '' : 'primary'));
    return h('div', { class: 'card' }, h('h2', {}, t('m.steps')),
      h('label', { class: 'field', for: 'f-merchant-reason' }, h('span', {}, t('m.reason')), reason),
      h('div', { class: 'row' }, buttons), out);
  }

  /* ---- Terminals ---- */

  async function page_terminals(el, ctx) {
    const mid = ctx.params.mid || '';
    const filter = h('form', { class: 'row' }, input('terminals-mid', 't.filter', { value: mid, maxlength: 15 }),
      h('button', { type: 'submit' }, t('c.search')));
    filter.addEventListener('submit', (e) => { e.preventDefault(); P.go('/ops/terminals' + q({ mid: values(filter)['terminals-mid'] })); });
    el.append(filter);
    if (operator()) el.append(terminal_form());
    const list = await P.api('GET', '/api/v1/terminals' + q({ mid, limit: 200 }));
    const tbl = P.table(el, [
      { title: 't.sn', value: (x) => x.sn }, { title: 't.tid', value: (x) => h('code', {}, x.tid) },
      { title: 't.mid', value: (x) => x.mid }, { title: 't.place', value: (x) => (x.place && x.place.address) || '–' },
      { title: 't.state', value: (x) => st('state', x.state) },
      { title: 't.last_seen', value: (x) => P.time(x.last_seen) || '–' },
    ], list.items, { test: 'terminals', onrow: (x) => P.go('/ops/terminals/' + x.tid) });
    mark(tbl, list.items, 'data-tid', (x) => x.tid);
  }

  function terminal_form() {
    return form('terminal-form', [
      input('terminal-mid', 't.mid', { maxlength: 15, required: true }),
      input('terminal-sn', 't.sn', { maxlength: 50, required: true }),
      input('terminal-tid', 't.tid_new', { maxlength: 8 }),
      input('terminal-address', 't.address', { maxlength: 256, required: true }),
      input('terminal-lat', 't.lat', { inputmode: 'numeric', pattern: '-?[0-9]+', required: true }),
      input('terminal-lon', 't.lon', { inputmode: 'numeric', pattern: '-?[0-9]+', required: true }),
      h('label', { class: 'field' }, h('span', {}, t('t.activate')),
        h('input', { type: 'checkbox', name: 'terminal-activate', 'data-test': 'terminal-activate' })),
    ], { test: 'terminal-submit', key: 't.register' }, async (v) => {
      const body = { mid: v['terminal-mid'], sn: v['terminal-sn'], activate: !!v['terminal-activate'] };
      if (v['terminal-tid']) body.tid = v['terminal-tid'];
      if (v['terminal-address']) body.address = v['terminal-address'];
      if (v['terminal-lat']) body.lat = Number(v['terminal-lat']);
      if (v['terminal-lon']) body.lon = Number(v['terminal-lon']);
      const x = await P.api('POST', '/api/v1/terminals', body);
      P.go('/ops/terminals/' + x.tid);
    });
  }

  async function page_terminal(el, ctx) {
    const x = await P.api('GET', '/api/v1/terminals/' + enc(ctx.params.tid));
    const box = h('div', { 'data-test': 'terminal-detail' });
    let shown = terminal_facts(x);
    el.append(box);
    box.append(shown);
    /* The terminal read again (after its TMK's hand-over, whose components stay shown). */
    const refresh = async () => {
      const now = terminal_facts(await P.api('GET', '/api/v1/terminals/' + enc(x.tid)));
      shown.replaceWith(now);
      shown = now;
    };
    if (operator()) {
      if (!x.tmk_issued && x.state !== 'retired') box.append(tmk_handover(x, refresh));
      if (x.state !== 'retired') box.append(terminal_state(x), terminal_rebind(x));
    }
    await show_parts('ops-terminal', box, x);
  }

  function terminal_facts(x) {
    return h('div', { class: 'card' }, facts([
      ['t.tid', h('code', {}, x.tid)], ['t.sn', x.sn], ['t.mid', x.mid],
      ['t.state', h('strong', { 'data-test': 'terminal-state', 'data-state': x.state }, st('state', x.state))],
      ['t.place', (x.place && x.place.address) || '–'], ['t.last_seen', P.time(x.last_seen) || '–'],
      ['t.signed_in', x.signed_in ? t('t.yes') : t('t.no')], ['t.version', x.version || '–'],
      ['t.tmk_issued', h('span', { 'data-test': 'terminal-tmk-issued', 'data-state': x.tmk_issued ? 'yes' : 'no' },
        x.tmk_issued ? t('t.yes') : t('t.no'))],
    ]));
  }

  /* The TMK as components, shown once; then refresh() shows the terminal again. */
  function tmk_handover(x, refresh) {
    const out = h('div', { 'data-test': 'tmk-components' });
    const parts = select('terminal-tmk-parts', 't.parts', [['2', '2'], ['3', '3']], '2');
    const go = button('terminal-tmk', t('t.tmk'), async () => {
      try {
        const k = await P.api('POST', '/api/v1/terminals/' + enc(x.tid) + '/tmk', { parts: Number(parts.querySelector('select').value) });
        go.remove();
        parts.remove();
        out.replaceChildren(h('p', { class: 'note' }, t('t.tmk_once')));
        P.table(out, [
          { title: 't.component', value: (c) => h('code', { class: 'wrap', 'data-test': 'tmk-component' }, c.component) },
          { title: 't.kcv', value: (c) => h('code', { 'data-test': 'tmk-kcv' }, c.kcv) },
        ], k.components, { test: 'tmk' });
        out.append(h('p', {}, t('t.key_kcv') + ': ', h('code', { 'data-test': 'tmk-key-kcv' }, k.kcv)));
        await refresh();
      } catch (e) { say(out, null, e); }
    }, 'primary');
    return h('div', { class: 'card' }, h('h2', {}, t('t.tmk')), h('div', { class: 'row' }, parts, go), out);
  }

  function terminal_state(x) {
    const options = ['active', 'suspended', 'retired'].filter((s) => s !== x.state).map((s) => [s, st('state', s)]);
    return h('div', {}, h('h2', {}, t('t.set_state')), form('terminal-state-form', [
      select('terminal-set-state', 't.state', options, options[0][0]),
      input('terminal-state-reason', 't.reason', { maxlength: 256 }),
    ], { test: 'terminal-state-submit', key: 't.apply' }, async (v) => {
      await P.api('POST', '/api/v1/terminals/' + enc(x.tid) + '/state', { state: v['terminal-set-state'], reason: v['terminal-state-reason'] });
      P.go('/ops/terminals/' + x.tid + q({ at: Date.now() }));
    }));
  }

  function terminal_rebind(x) {
    return h('div', {}, h('h2', {}, t('t.rebind')), form('terminal-rebind-form', [
      input('terminal-rebind-mid', 't.mid', { maxlength: 15 }),
      input('terminal-rebind-address', 't.address', { maxlength: 256 }),
      input('terminal-rebind-lat', 't.lat', { inputmode: 'numeric', pattern: '-?[0-9]+' }),
      input('terminal-rebind-lon', 't.lon', { inputmode: 'numeric', pattern: '-?[0-9]+' }),
      input('terminal-rebind-reason', 't.reason', { maxlength: 256, required: true }),
    ], { test: 'terminal-rebind-submit', key: 't.rebind_go' }, async (v) => {
      const body = { reason: v['terminal-rebind-reason'] };
      if (v['terminal-rebind-mid']) body.mid = v['terminal-rebind-mid'];
      if (v['terminal-rebind-address']) body.address = v['terminal-rebind-address'];
      if (v['terminal-rebind-lat']) body.lat = Number(v['terminal-rebind-lat']);
      if (v['terminal-rebind-lon']) body.lon = Number(v['terminal-rebind-lon']);
      await P.api('POST', '/api/v1/terminals/' + enc(x.tid) + '/rebind', body);
      P.go('/ops/terminals/' + x.tid + q({ at: Date.now() }));
    }));
  }

  /* ---- Cards ---- */

  async function page_cards(el, ctx) {
    const last4 = ctx.params.last4 || '';
    const f = h('form', { class: 'row' },
      input('cards-last4', 'c.last4', { value: last4, pattern: '[0-9]{4}', maxlength: 4, inputmode: 'numeric', required: true }),
      h('button', { type: 'submit', class: 'primary', 'data-test': 'cards-search' }, t('c.search')));
    f.addEventListener('submit', (e) => { e.preventDefault(); P.go('/ops/cards' + q({ last4: values(f)['cards-last4'] })); });
    el.append(f);
    if (!/^[0-9]{4}$/.test(last4)) return;
    const out = h('div', { class: 'msg' });
    const list = await P.api('GET', '/api/v1/cards' + q({ last4 }));
    const cols = [
      { title: 'c.card', value: (c) => h('code', {}, c.card) }, { title: 'c.holder', value: (c) => c.holder },
      { title: 'c.status', value: (c) => st('cs', c.status) }, { title: 'c.expiry', value: (c) => c.expiry },
      { title: 'c.auth', value: (c) => st('auth', c.auth.state) + (c.auth.reason ? ' (' + c.auth.reason + ')' : '') },
    ];
    if (operator()) cols.push({ title: 'c.actions', value: (c) => (c.status !== 'active' ? '' : h('span', { class: 'row' },
      ['lost', 'stolen'].map((kind) => button('card-' + kind + '-' + c.id, t('c.' + kind), async () => {
        try {
          const r = await P.api('POST', '/api/v1/cards/' + c.id + '/loss', { kind });
          say(out, t('c.done', { card: r.card, status: st('cs', r.status) }));
          P.go('/ops/cards' + q({ last4, at: Date.now() }));
        } catch (e) { say(out, null, e); }
      })))) });
    P.table(el, cols, list.items, { test: 'cards' });
    el.append(out);
  }

  /* ---- Risk cases ---- */

  function rules_text(c) { return (c.rules || []).map((r) => r.rule).join(', '); }

  /* A value a rule read (docs/risk.md's names), for people: its name and its value, both in the
   * language shown (amounts in fen as money, the type, product and channel as words). */
  const WINDOW = /^(card_merchant|card|terminal|merchant)_(count|sum|declines)_(10m|30m|1h|24h|day)$/;
  const WORDS = { type: 'rt', product: 'rp', channel: 'rch' };
  function value_name(name) {
    const w = WINDOW.exec(name);
    if (w) return t('rv.window', { who: t('rv.' + w[1]), what: t('rv.' + w[2]), w: t('rv.w.' + w[3]) });
    return st('rv', name);
  }
  function value_text(name, v) {
    if (WORDS[name]) return st(WORDS[name], String(v));
    if (name === 'amount' || /_sum_|ceiling|(purchases|refunds)_day$/.test(name)) return P.money({ amount: v, currency: 'CNY' });
    if (/^location_known$|_new$|_blocked$|_watched$/.test(name)) return v ? t('t.yes') : t('t.no');
    return String(v);
  }
  /* The values a rule read, one "name = value" a line. */
  function values_read(numbers) {
    return h('span', { 'data-test': 'case-values' }, Object.entries(numbers || {}).map(([k, v]) =>
      h('div', { 'data-name': k }, value_name(k) + ' = ' + value_text(k, v))));
  }

  async function page_risk(el, ctx) {
    const open = ctx.params.all !== '1';
    const box = h('input', { type: 'checkbox', 'data-test': 'risk-open', id: 'f-risk-open', checked: open });
    box.addEventListener('change', () => P.go('/ops/risk' + (box.checked ? '' : '?all=1')));
    el.append(h('p', {}, h('label', { for: 'f-risk-open' }, box, ' ', t('r.open'))));
    const list = await P.api('GET', '/api/v1/risk/cases' + q({ open: open ? 1 : '', limit: 200 }));
    const tbl = P.table(el, [
      { title: 'r.id', value: (c) => String(c.id), class: 'num' }, { title: 'r.status', value: (c) => st('rs', c.status) },
      { title: 'r.opened', value: (c) => P.time(c.opened_at) }, { title: 'm.mid', value: (c) => c.mid },
      { title: 't.tid', value: (c) => c.tid }, { title: 'r.card', value: (c) => h('code', {}, c.card || '') },
      { title: 'r.rules', value: rules_text }, { title: 'r.verdict', value: (c) => (c.verdict ? st('r', c.verdict) : '') },
    ], list.items, { test: 'risk-cases', onrow: (c) => P.go('/ops/risk/' + c.id) });
    mark(tbl, list.items, 'data-id', (c) => c.id);
  }

  async function page_case(el, ctx) {
    const c = await P.api('GET', '/api/v1/risk/cases/' + enc(ctx.params.id));
    const box = h('div', { 'data-test': 'case-detail' });
    el.append(box);
    box.append(h('div', { class: 'card' }, facts([
      ['r.id', String(c.id)], ['r.status', h('strong', { 'data-test': 'case-status', 'data-state': c.status }, st('rs', c.status))],
      ['r.opened', P.time(c.opened_at)], ['m.mid', c.mid], ['t.tid', c.tid], ['r.card', c.card || ''],
      ['r.rules', h('span', { 'data-test': 'case-rules' }, rules_text(c))],
      ['r.verdict', c.verdict ? st('r', c.verdict) : '–'], ['r.reason', c.reason || '–'],
      ['r.closed_by', c.closed_by ? c.closed_by + ' · ' + P.time(c.closed_at) : '–'],
    ])));
    box.append(h('h2', {}, t('r.hits')));
    P.table(box, [
      { title: 'r.rule', value: (x) => x.rule }, { title: 'r.action', value: (x) => x.action || '' },
      { title: 'r.rc', value: (x) => x.rc || '' },
      { title: 'r.values', value: (x) => values_read(x.numbers) },
    ], c.hits || [], { test: 'case-hits' });
    box.append(h('h2', {}, t('r.txns')));
    P.table(box, [
      { title: 'r.time', value: (x) => P.time(x.at) }, { title: 'r.type', value: (x) => x.type },
      { title: 'r.amount', value: (x) => P.money(x.amount && typeof x.amount === 'object' ? x.amount : { amount: x.amount, currency: x.currency }), class: 'num' },
      { title: 'r.rc', value: (x) => x.rc }, { title: 'RRN', value: (x) => x.rrn },
    ], c.transactions || [], { test: 'case-transactions' });
    if (operator() && c.status === 'open') box.append(case_close(c));
  }

  function case_close(c) {
    return h('div', {}, h('h2', {}, t('r.close')), form('case-form', [
      select('case-verdict', 'r.verdict', [['legitimate', t('r.legitimate')], ['fraud', t('r.fraud')]], 'legitimate'),
      input('case-reason', 'r.reason', { maxlength: 255, required: true }),
      h('label', { class: 'field' }, h('span', {}, t('r.block')),
        h('input', { type: 'checkbox', name: 'case-block', 'data-test': 'case-block' })),
    ], { test: 'case-close', key: 'r.close' }, async (v, out) => {
      const r = await P.api('POST', '/api/v1/risk/cases/' + c.id + '/close',
        { verdict: v['case-verdict'], reason: v['case-reason'], block: !!v['case-block'] && v['case-verdict'] === 'fraud' });
      out.replaceChildren(h('p', { class: 'ok', 'data-test': 'case-done' }, t('r.closed', { id: r.id, verdict: st('r', r.verdict) })));
      setTimeout(() => P.go('/ops/risk/' + c.id + q({ at: Date.now() })), 600);
    }));
  }

  /* ---- Settlement ---- */

  async function page_settle(el, ctx) {
    const date = ctx.params.date || P.day();
    const runs = await P.api('GET', '/api/v1/settle/days' + q({ limit: 30 }));
    el.append(h('h2', {}, t('s.runs')));
    P.table(el, [
      { title: 's.date', value: (r) => r.date }, { title: 's.state', value: (r) => st('s', r.state) },
      { title: 's.lines', value: (r) => String(r.lines), class: 'num' },
      { title: 's.merchants', value: (r) => String(r.merchants), class: 'num' },
      { title: 's.progress', value: (r) => h('span', {}, h('progress', { 'data-test': 'settle-progress', max: Math.max(1, r.progress.of), value: r.progress.done }),
        ' ' + r.progress.done + ' / ' + r.progress.of) },
      { title: 's.closed_at', value: (r) => P.time(r.closed_at) || '–' }, { title: 's.owner', value: (r) => r.owner || '–' },
    ], runs.items, { test: 'settle-runs', onrow: (r) => P.go('/ops/settle' + q({ date: r.date })) });
    const f = h('form', { class: 'row' }, input('settle-date', 's.day', { type: 'date', value: date, required: true }),
      h('button', { type: 'submit', 'data-test': 'settle-show' }, t('s.show')));
    f.addEventListener('submit', (e) => { e.preventDefault(); P.go('/ops/settle' + q({ date: values(f)['settle-date'] })); });
    el.append(h('h2', {}, t('s.recon') + ' · ' + date), f);
    const [recon, pays] = await Promise.all([
      P.api('GET', '/api/v1/settle/reconcile/' + enc(date)), P.api('GET', '/api/v1/payouts' + q({ date }))]);
    el.append(h('p', { class: 'sub', 'data-test': 'recon-counts' },
      Object.entries(recon.counts).filter(([, n]) => n > 0).map(([k, n]) => k + ' ' + n).join(' · ') || t('app.none')));
    P.table(el, [
      { title: 's.kind', value: (x) => x.kind }, { title: 's.side', value: (x) => x.side },
      { title: 't.tid', value: (x) => x.tid || '–' }, { title: 'RRN', value: (x) => x.rrn || '–' },
      { title: 's.card', value: (x) => x.card || '–' },
      { title: 's.amount', value: (x) => (x.amount ? P.money(x.amount) : '–'), class: 'num' },
      { title: 's.other', value: (x) => (x.other_amount ? P.money(x.other_amount) : '–'), class: 'num' },
      { title: 's.detail', value: (x) => [x.type, x.what, x.detail].filter(Boolean).join(' ') },
    ], recon.items, { test: 'recon' });
    el.append(h('h2', {}, t('s.payouts') + ' · ' + date));
    P.table(el, [
      { title: 's.reference', value: (p) => p.reference }, { title: 'm.mid', value: (p) => p.mid },
      { title: 's.amount', value: (p) => P.money(p.amount), class: 'num' }, { title: 's.card', value: (p) => p.card },
      { title: 's.days', value: (p) => p.settle_dates.join(', ') }, { title: 's.status', value: (p) => st('po', p.status) + (p.reason ? ' (' + p.reason + ')' : '') },
    ], pays.items, { test: 'payouts' });
  }

  /* ---- Audit log ---- */

  async function page_audit(el, ctx) {
    const p = ctx.params;
    const f = h('form', { class: 'row' },
      input('audit-from', 'a.from', { value: p.from || P.day(), maxlength: 32 }),
      input('audit-to', 'a.to', { value: p.to || '', maxlength: 32 }),
      input('audit-actor', 'a.actor', { value: p.actor || '', maxlength: 64 }),
      input('audit-object', 'a.object', { value: p.object || '', maxlength: 64 }),
      input('audit-action', 'a.action', { value: p.action || '', maxlength: 48 }),
      h('button', { type: 'submit', class: 'primary', 'data-test': 'audit-search' }, t('a.search')));
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = values(f);
      P.go('/ops/audit' + q({ from: v['audit-from'], to: v['audit-to'], actor: v['audit-actor'], object: v['audit-object'], action: v['audit-action'] }));
    });
    el.append(f);
    const box = h('div', {});
    el.append(box);
    const filter = { from: p.from || P.day(), to: p.to, actor: p.actor, object: p.object, action: p.action, limit: 100 };
    await audit_page(box, filter, 0);
  }

  async function audit_page(box, filter, after) {
    const page = await P.api('GET', '/api/v1/audit' + q(Object.assign({}, filter, { after: after || '' })));
    const shown = h('div', {});
    box.append(shown);
    P.table(shown, [
      { title: 'a.at', value: (a) => P.time(a.at) }, { title: 'a.actor', value: (a) => a.actor },
      { title: 'a.action', value: (a) => a.action }, { title: 'a.object', value: (a) => a.object },
      { title: 'a.change', value: (a) => h('code', { class: 'wrap' }, JSON.stringify(a.after)) },
    ], page.items, { test: 'audit' });
    if (page.next !== null) {
      const more = button('audit-more', t('app.more'), async () => { more.remove(); await audit_page(box, filter, page.next); });
      box.append(h('div', { class: 'pager' }, more));
    }
  }

  /* ---- Users ---- */

  async function page_users(el) {
    const out = h('div', { class: 'msg' });
    const list = h('div', {});
    if (operator()) el.append(user_form(list, out), out);
    el.append(list);
    await users_table(list, out);
  }

  function user_form(list, out) {
    return form('user-form', [
      input('user-name', 'u.name', { maxlength: 32, required: true, autocomplete: 'off' }),
      select('user-role', 'u.role', [['operator', t('role.operator')], ['merchant', t('role.merchant')], ['auditor', t('role.auditor')]], 'operator'),
      input('user-mid', 'u.mid', { maxlength: 15 }),
    ], { test: 'user-submit', key: 'u.add' }, async (v, msg) => {
      const body = { name: v['user-name'], role: v['user-role'] };
      if (v['user-role'] === 'merchant') body.mid = v['user-mid'];
      const u = await P.api('POST', '/api/v1/users', body);
      const link = location.origin + location.pathname + u.enrol.replace(/^\//, '');
      msg.replaceChildren(h('div', { class: 'card', 'data-test': 'user-made' },
        h('p', { class: 'ok' }, t('u.made', { name: u.name })),
        h('p', {}, t('u.enrol') + ': ', h('a', { href: u.enrol, class: 'wrap', 'data-test': 'user-enrol' }, link)),
        h('p', {}, t('u.otpauth') + ': ', h('code', { class: 'wrap', 'data-test': 'user-otpauth' }, u.otpauth))));
      await users_table(list, out);
    });
  }

  async function users_table(box, out) {
    const users = await P.api('GET', '/api/v1/users');
    box.replaceChildren();
    const act = (u, what) => button('user-' + what + '-' + u.name, t('u.' + what), async () => {
      try {
        await P.api('POST', '/api/v1/users/' + enc(u.name) + '/' + what);
        say(out, t('u.done', { name: u.name }));
        await users_table(box, out);
      } catch (e) { say(out, null, e); }
    });
    const tbl = P.table(box, [
      { title: 'u.name', value: (u) => u.name }, { title: 'u.role', value: (u) => t('role.' + u.role) },
      { title: 'u.mid', value: (u) => u.mid || '–' }, { title: 'u.state', value: (u) => st('us', u.state) },
      { title: 'u.locked_until', value: (u) => P.time(u.locked_until) || '–' },
      { title: 'u.created', value: (u) => P.time(u.created) },
    ].concat(operator() ? [{ title: '', value: (u) => h('span', { class: 'row' }, u.state !== 'disabled' ? act(u, 'disable') : null, act(u, 'unlock')) }] : []),
    users.items, { test: 'users' });
    mark(tbl, users.items, 'data-name', (u) => u.name);
  }

  /* What the other operations scripts (tms.js) build their pages with: these helpers, and
   * part() to add to a page of this script. */
  P.ops = { operator, q, enc, st, say, input, select, values, button, form, facts, mark, part };

  /* ---- the pages ---- */

  const OPS = ['operator'];
  for (const p of [
    { id: 'ops-live', path: '/ops/live', roles: READERS, title: { en: 'Live', zh: '实时' }, render: page_live },
    { id: 'ops-merchants', path: '/ops/merchants', roles: READERS, title: { en: 'Merchants', zh: '商户' }, render: page_merchants },
    { id: 'ops-merchant-new', path: '/ops/merchants/new', roles: OPS, title: { en: 'Onboard a merchant', zh: '商户入网' }, render: page_merchant_new, nav: false },
    { id: 'ops-merchant', path: '/ops/merchants/:ref', roles: READERS, title: { en: 'Merchant', zh: '商户详情' }, render: page_merchant },
    { id: 'ops-terminals', path: '/ops/terminals', roles: READERS, title: { en: 'Terminals', zh: '终端' }, render: page_terminals },
    { id: 'ops-terminal', path: '/ops/terminals/:tid', roles: READERS, title: { en: 'Terminal', zh: '终端详情' }, render: page_terminal },
    { id: 'ops-cards', path: '/ops/cards', roles: READERS, title: { en: 'Cards', zh: '卡片' }, render: page_cards },
    { id: 'ops-risk', path: '/ops/risk', roles: READERS, title: { en: 'Risk cases', zh: '风险案件' }, render: page_risk },
    { id: 'ops-case', path: '/ops/risk/:id', roles: READERS, title: { en: 'Risk case', zh: '风险案件详情' }, render: page_case },
    { id: 'ops-settle', path: '/ops/settle', roles: READERS, title: { en: 'Settlement', zh: '清算' }, render: page_settle },
    { id: 'ops-audit', path: '/ops/audit', roles: READERS, title: { en: 'Audit log', zh: '审计日志' }, render: page_audit },
    { id: 'ops-users', path: '/ops/users', roles: READERS, title: { en: 'Users', zh: '用户' }, render: page_users },
  ]) P.register(p);
})();
