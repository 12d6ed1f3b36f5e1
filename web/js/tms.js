/* tms.js — the console's terminal management (docs/console.md "Terminal management",
 * docs/tms.md): on a terminal's page its model and the parameters it gets, each with the level
 * it came from, set and unset at the terminal's level; on a merchant's page the parameters set
 * at the merchant's level; and the CA keys & AIDs page: the CA public keys (add, revoke with a
 * reason) and the chip applications (add or replace, remove). Operators change; auditors read
 * the model, the keys and the applications (the parameters are the operators' alone: they say
 * where terminals connect, and the API answers other roles 403). A refused value shows the
 * API's reason beside its field. The TMS status page (both roles read it, nothing changes
 * there): the terminals by model and software version, then each terminal's version, the
 * versions of the sets it holds against the current ones, what it still needs and its last
 * failed update, for one model or all. Built with possum.h() and ops.js's helpers
 * (possum.ops), no inline script or handler.
 *
 * data-test attributes (the browser tests'):
 *   terminal: tms-terminal (the part), tms-model (the model shown, with data-model),
 *             tms-model-input, tms-model-save, tms-model-error, tms-params-version,
 *             tms-params (table; rows tms-params-row with data-key, the key, and data-from,
 *             the level its value came from), in each row tms-param-value, tms-param-from,
 *             tms-param-input, tms-param-set, tms-param-unset (a key set at this level),
 *             tms-param-error (the API's reason, beside the field); tms-ok (a change done),
 *             tms-operators (to an auditor: the parameters are the operators')
 *   merchant: tms-merchant (the part), tms-params-version, tms-params as above (data-from
 *             "merchant" for a key set at the merchant, "" for one not set)
 *   keys:     tms-capk-all (checkbox: revoked and expired keys too), tms-capk-version,
 *             tms-capks (table; rows tms-capks-row with data-key RID-INDEX and data-state),
 *             tms-revoke-form, tms-revoke-key (select), tms-revoke-reason, tms-revoke-submit,
 *             tms-capk-form, tms-capk-FIELD (rid, index, modulus, exponent, expiry, checksum),
 *             tms-capk-submit, tms-aid-version, tms-aids (table; rows tms-aids-row with
 *             data-aid), tms-aid-remove (each row's), tms-aid-form, tms-aid-FIELD (aid, label,
 *             version, floor_limit, threshold, target_percent, max_target_percent, tac_default,
 *             tac_denial, tac_online, partial), tms-aid-submit, tms-field-error (a refused
 *             field's reason, beside it), tms-ok, ops-error
 *   status:   tms-status-model (the model filter's field), tms-status-show, tms-status-all (back
 *             to every model, when filtered), tms-status-total, tms-status-summary (table; rows
 *             tms-status-summary-row with data-model and data-version; in each
 *             tms-status-count), tms-status-terminals (table; rows tms-status-terminals-row
 *             with data-tid, data-model, data-pending and data-behind: the pending sets' and
 *             the sets behind's names, space-separated), in each row tms-status-version,
 *             tms-status-params, tms-status-capk, tms-status-aid (data-behind yes|no),
 *             tms-status-pending, tms-status-failed; tms-status-empty (no terminal of the model)
 */
(function () {
  'use strict';

  const P = window.possum;
  const K = P.ops;
  const { h, t } = P;

  /* The parameters (docs/tms.md "Parameters"): key, English, 中文, the form of a value. The
   * last two come from the merchant's limits and are read-only here. */
  const KEYS = [
    ['merchant_name_zh', 'Merchant name on receipts (Chinese)', '签购单商户名（中文）', '1–40'],
    ['merchant_name_en', 'Merchant name on receipts (English)', '签购单商户名（英文）', '0–40 ASCII'],
    ['host_primary', 'Host address', '主机地址', 'HOST:PORT'],
    ['host_backup', 'Backup host address', '备用主机地址', 'HOST:PORT'],
    ['connect_timeout', 'Connect timeout (s)', '连接超时（秒）', '1–120'],
    ['answer_timeout', 'Answer timeout (s)', '应答超时（秒）', '5–180'],
    ['reversal_retries', 'Reversal retries', '冲正重试次数', '1–9'],
    ['receipt_header', 'Receipt header', '签购单抬头', '0–120'],
    ['receipt_footer', 'Receipt footer', '签购单页脚', '0–120'],
    ['language', 'Language', '语言', 'zh | en'],
    ['utc_offset', 'UTC offset', '时区偏移', '+HH:MM'],
    ['pin_credit', 'PIN required for credit cards', '贷记卡须输密码', '0 | 1'],
    ['types', 'Transaction types allowed', '允许的交易类型', ''],
    ['per_txn_max', 'Per-transaction maximum (fen)', '单笔限额（分）', ''],
  ];
  const READONLY = new Set(['types', 'per_txn_max']);
  const HINT = Object.fromEntries(KEYS.map(([k, , , hint]) => [k, hint]));

  /* The page's strings: key, English, 中文. */
  const STRINGS = [
    ['tms.title', 'Terminal management', '终端管理'],
    ['tms.model', 'Model', '型号'],
    ['tms.model_none', 'none', '未设置'],
    ['tms.model_save', 'Set the model', '设置型号'],
    ['tms.params', 'Parameters', '参数'],
    ['tms.version', 'Version {version}', '版本 {version}'],
    ['tms.level_version', 'Version {version} · changed by {by} at {at}', '版本 {version} · {by} 修改于 {at}'],
    ['tms.key', 'Parameter', '参数'],
    ['tms.value', 'Value', '值'],
    ['tms.from', 'From', '来源'],
    ['tms.change', 'Change at this level', '在本级修改'],
    ['tms.set', 'Set', '设置'],
    ['tms.unset', 'Unset', '取消'],
    ['tms.empty', '(empty)', '（空）'],
    ['tms.readonly', "the merchant's limits", '由商户限额决定'],
    ['tms.refused', 'Refused: {error}', '被拒绝：{error}'],
    ['tms.done_set', '{key} set.', '{key} 已设置。'],
    ['tms.done_unset', '{key} unset.', '{key} 已取消。'],
    ['tms.done_model', 'Model set: {model}.', '型号已设置：{model}。'],
    ['tms.operators', 'The parameters are shown to operators only.', '参数仅对运营人员显示。'],
    ['tms.merchant_params', 'Parameters of this merchant’s terminals', '本商户终端的参数'],
    ['tms.merchant_note', 'Set here, a key applies to every terminal of the merchant unless the terminal sets its own.',
      '在此设置的参数适用于该商户的所有终端，终端自己设置的除外。'],
    ['lv.default', 'default', '默认值'],
    ['lv.all', 'all terminals', '全部终端'],
    ['lv.model', 'model', '型号'],
    ['lv.merchant', 'merchant', '商户'],
    ['lv.terminal', 'this terminal', '本终端'],
    ['lv.merchant limits', "merchant's limits", '商户限额'],
    ['tk.capks', 'CA public keys', 'CA 公钥'],
    ['tk.all', 'Revoked and expired keys too', '包括已撤销和已过期的公钥'],
    ['tk.rid', 'RID', 'RID'],
    ['tk.index', 'Index', '索引'],
    ['tk.modulus', 'Modulus', '模数'],
    ['tk.bytes', '{n} bytes', '{n} 字节'],
    ['tk.exponent', 'Exponent', '指数'],
    ['tk.expiry', 'Expiry (YYYYMMDD)', '有效期（YYYYMMDD）'],
    ['tk.checksum', 'Checksum (SHA-1)', '校验值（SHA-1）'],
    ['tk.checksum_opt', 'Checksum (blank: computed)', '校验值（留空自动计算）'],
    ['tk.state', 'State', '状态'],
    ['tk.revocation', 'Revoked', '撤销'],
    ['tk.added', 'Added', '添加'],
    ['tk.revoke', 'Revoke a key', '撤销公钥'],
    ['tk.key', 'Key', '公钥'],
    ['tk.reason', 'Reason', '原因'],
    ['tk.revoke_go', 'Revoke', '撤销'],
    ['tk.revoked', 'Key {key} revoked.', '公钥 {key} 已撤销。'],
    ['tk.add', 'Add a key', '添加公钥'],
    ['tk.added_ok', 'Key {key} added.', '公钥 {key} 已添加。'],
    ['ks.active', 'active', '生效'],
    ['ks.expired', 'expired', '已过期'],
    ['ks.revoked', 'revoked', '已撤销'],
    ['ta.aids', 'Chip applications (AIDs)', '芯片应用（AID）'],
    ['ta.aid', 'AID', 'AID'],
    ['ta.label', 'Label', '名称'],
    ['ta.version', 'Version', '版本'],
    ['ta.floor_limit', 'Floor limit (yuan)', '最低限额（元）'],
    ['ta.threshold', 'Threshold (yuan)', '随机选择阈值（元）'],
    ['ta.target_percent', 'Target %', '目标百分比'],
    ['ta.max_target_percent', 'Max. target %', '最大目标百分比'],
    ['ta.percents', 'Target % / max.', '目标 / 最大百分比'],
    ['ta.tac_default', 'TAC default', 'TAC 缺省'],
    ['ta.tac_denial', 'TAC denial', 'TAC 拒绝'],
    ['ta.tac_online', 'TAC online', 'TAC 联机'],
    ['ta.tacs', 'TAC default / denial / online', 'TAC 缺省 / 拒绝 / 联机'],
    ['ta.partial', 'Partial selection', '部分名称匹配'],
    ['ta.updated', 'Updated', '更新'],
    ['ta.remove', 'Remove', '删除'],
    ['ta.add', 'Add or replace an application', '添加或替换应用'],
    ['ta.add_go', 'Save', '保存'],
    ['ta.added', 'Application {aid} added.', '应用 {aid} 已添加。'],
    ['ta.replaced', 'Application {aid} replaced.', '应用 {aid} 已替换。'],
    ['ta.removed', 'Application {aid} removed.', '应用 {aid} 已删除。'],
    ['ta.yuan', 'an amount in yuan, such as 100.00', '请输入以元为单位的金额，如 100.00'],
    ['ts.show', 'Show', '查看'],
    ['ts.all', 'All models', '全部型号'],
    ['ts.by_model', 'Terminals by model and software version', '按型号和软件版本统计的终端'],
    ['ts.total', '{n} terminals', '共 {n} 台终端'],
    ['ts.version', 'Version', '版本'],
    ['ts.count', 'Terminals', '终端数'],
    ['ts.minimum', 'Minimum', '最低版本'],
    ['ts.after', '{version}, from the day after {after}', '{version}，{after} 之后生效'],
    ['ts.unreported', 'not reported', '未上报'],
    ['ts.terminals', 'Terminals', '终端'],
    ['ts.tid', 'TID', '终端号'],
    ['ts.merchant', 'Merchant (MID)', '商户（商户号）'],
    ['ts.software', 'Software', '软件'],
    ['ts.to_install', 'to install: {version}', '待安装：{version}'],
    ['ts.update_required', 'must update before signing in', '须更新后才能签到'],
    ['ts.params', 'Parameters held', '已下载参数'],
    ['ts.capk', 'CA keys held', '已下载 CA 公钥'],
    ['ts.aid', 'AIDs held', '已下载 AID'],
    ['ts.none_held', 'none', '无'],
    ['ts.behind', 'behind', '未更新'],
    ['ts.pending', 'Pending downloads', '待下载'],
    ['ts.failed', 'Last failed update', '最近一次更新失败'],
    ['ts.last_seen', 'Last seen', '最近在线'],
    ['ts.empty', 'No terminal of model {model}.', '没有型号为 {model} 的终端。'],
    ['ts.and', ', ', '、'],
    ['tsp.params', 'parameters', '参数'],
    ['tsp.capk', 'CA keys', 'CA 公钥'],
    ['tsp.aid', 'AIDs', '芯片应用'],
    ['tsp.package', 'software', '软件'],
  ];
  P.strings({
    en: Object.fromEntries(STRINGS.map(([k, en]) => [k, en]).concat(KEYS.map(([k, en]) => ['tp.' + k, en]))),
    zh: Object.fromEntries(STRINGS.map(([k, , zh]) => [k, zh]).concat(KEYS.map(([k, , zh]) => ['tp.' + k, zh]))),
  });

  function ok(box, text) {
    box.replaceChildren(h('p', { class: 'ok', role: 'status', 'data-test': 'tms-ok' }, text));
  }

  /* The reason of a refusal e (the API's words) beside the element of el named by e.field
   * (prefix + field); the refusal in out when no field of el is named. */
  function refusal(el, prefix, e, out) {
    el.querySelectorAll('[data-test="tms-field-error"]').forEach((x) => x.remove());
    const named = e && e.field ? el.querySelector('[name="' + prefix + e.field + '"]') : null;
    if (!named) return K.say(out, null, e);
    out.replaceChildren();
    const label = named.closest('label') || named;
    label.append(h('span', { class: 'error field-error', role: 'alert', 'data-test': 'tms-field-error' },
      t('tms.refused', { error: e.error })));
  }

  /* ---- the parameters ---- */

  /* The change of key r.key at level (name: the MID or TID) as an input with Set, and Unset
   * when it is set there; done(text) shows the level again. */
  function editor(level, name, r, done) {
    if (READONLY.has(r.key)) return h('span', { class: 'sub' }, t('tms.readonly'));
    const here = r.from === level;
    const input = h('input', { 'data-test': 'tms-param-input', name: r.key, maxlength: 120,
      placeholder: HINT[r.key] || '', 'aria-label': t('tp.' + r.key), value: here ? r.value : '' });
    const err = h('span', { class: 'error', role: 'alert', 'data-test': 'tms-param-error', hidden: true });
    const change = async (method) => {
      err.hidden = true;
      const body = { level, key: r.key };
      if (name) body.name = name;
      if (method === 'PUT') body.value = input.value;
      try {
        await P.api(method, '/api/v1/tms/params', body);
      } catch (e) {
        if (e && e.status === 401) return;
        err.textContent = t('tms.refused', { error: (e && e.error) || String(e) });
        err.hidden = false;
        return;
      }
      await done(t(method === 'PUT' ? 'tms.done_set' : 'tms.done_unset', { key: r.key }));
    };
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') change('PUT'); });
    return h('div', { class: 'tms-edit' }, input, K.button('tms-param-set', t('tms.set'), () => change('PUT'), 'primary'),
      here ? K.button('tms-param-unset', t('tms.unset'), () => change('DELETE')) : null, err);
  }

  /* The rows [{key, value (null: not set), from}] as a table in box, with their editors for
   * an operator; withFrom: a column of the level each value came from. */
  function param_table(box, level, name, rows, withFrom, done) {
    const shown = (v) => (v === null ? '–' : v === '' ? t('tms.empty') : v);
    const cols = [
      { title: 'tms.key', value: (r) => h('span', {}, t('tp.' + r.key), ' ', h('code', { class: 'sub' }, r.key)) },
      { title: 'tms.value', value: (r) => h('code', { 'data-test': 'tms-param-value' }, shown(r.value)) },
    ];
    if (withFrom) cols.push({ title: 'tms.from', value: (r) => h('span', { 'data-test': 'tms-param-from', 'data-from': r.from }, K.st('lv', r.from)) });
    if (K.operator()) cols.push({ title: 'tms.change', value: (r) => editor(level, name, r, done) });
    const tbl = P.table(box, cols, rows, { test: 'tms-params' });
    if (tbl) tbl.classList.add('stack'); /* a card a key on a phone (console.css) */
    K.mark(tbl, rows, 'data-key', (r) => r.key);
    K.mark(tbl, rows, 'data-from', (r) => r.from || '');
  }

  /* The keys in KEYS's order, then any other the API names. */
  function ordered(params) {
    const known = KEYS.map(([k]) => k).filter((k) => k in params);
    return known.concat(Object.keys(params).filter((k) => !known.includes(k)));
  }

  /* The terminal's model: shown, and a field to change it for an operator. */
  function model_row(x, done) {
    const shown = h('strong', { 'data-test': 'tms-model', 'data-model': x.model || '' }, x.model || t('tms.model_none'));
    if (!K.operator() || x.state === 'retired') return h('p', {}, t('tms.model') + ': ', shown);
    const input = h('input', { 'data-test': 'tms-model-input', name: 'model', maxlength: 32, value: x.model || '',
      'aria-label': t('tms.model'), placeholder: 'PX-7' });
    const err = h('span', { class: 'error', role: 'alert', 'data-test': 'tms-model-error', hidden: true });
    const save = K.button('tms-model-save', t('tms.model_save'), async () => {
      err.hidden = true;
      try {
        const r = await P.api('POST', '/api/v1/terminals/' + K.enc(x.tid) + '/model', { model: input.value.trim() });
        x.model = r.model;
      } catch (e) {
        if (e && e.status === 401) return;
        err.textContent = t('tms.refused', { error: (e && e.error) || String(e) });
        err.hidden = false;
        return;
      }
      await done(t('tms.done_model', { model: x.model }));
    });
    return h('div', { class: 'tms-edit' }, h('span', {}, t('tms.model') + ': '), shown, input, save, err);
  }

  /* The terminal's part: its model, and to an operator what it gets, from which level. */
  async function terminal_part(box, x) {
    const sec = h('div', { class: 'card', 'data-test': 'tms-terminal' });
    box.append(sec);
    const load = async (done) => {
      const kids = [h('h2', {}, t('tms.title')), model_row(x, load)];
      if (!K.operator()) {
        sec.replaceChildren(...kids, h('p', { class: 'sub', 'data-test': 'tms-operators' }, t('tms.operators')));
        return;
      }
      const p = await P.api('GET', '/api/v1/tms/params' + K.q({ terminal: x.tid }));
      const out = h('div', { class: 'msg' });
      kids.push(h('h2', {}, t('tms.params')),
        h('p', { class: 'sub', 'data-test': 'tms-params-version' }, t('tms.version', { version: p.version })), out);
      sec.replaceChildren(...kids);
      const rows = ordered(p.params).map((k) => ({ key: k, value: p.params[k].value, from: p.params[k].from }));
      param_table(sec, 'terminal', x.tid, rows, true, load);
      if (done) ok(out, done);
    };
    await load(null);
  }

  /* The merchant's part: the keys set at its level, to an operator (a merchant with a MID). */
  async function merchant_part(box, m) {
    if (!m.mid) return;
    const sec = h('div', { class: 'card', 'data-test': 'tms-merchant' });
    box.append(sec);
    if (!K.operator()) {
      sec.append(h('h2', {}, t('tms.merchant_params')), h('p', { class: 'sub', 'data-test': 'tms-operators' }, t('tms.operators')));
      return;
    }
    const load = async (done) => {
      const l = await P.api('GET', '/api/v1/tms/params' + K.q({ level: 'merchant', name: m.mid }));
      const out = h('div', { class: 'msg' });
      sec.replaceChildren(h('h2', {}, t('tms.merchant_params')), h('p', { class: 'sub' }, t('tms.merchant_note')),
        h('p', { class: 'sub', 'data-test': 'tms-params-version' },
          t('tms.level_version', { version: l.version, by: l.changed_by || '–', at: P.time(l.changed_at) || '–' })), out);
      const rows = KEYS.filter(([k]) => !READONLY.has(k)).map(([k]) =>
        ({ key: k, value: k in l.params ? l.params[k] : null, from: k in l.params ? 'merchant' : '' }));
      param_table(sec, 'merchant', m.mid, rows, false, load);
      if (done) ok(out, done);
    };
    await load(null);
  }

  /* ---- CA keys & AIDs ---- */

  function key_name(k) { return k.rid + '-' + k.index; }

  function capk_table(box, items) {
    const tbl = P.table(box, [
      { title: 'tk.rid', value: (k) => h('code', {}, k.rid) }, { title: 'tk.index', value: (k) => h('code', {}, k.index) },
      { title: 'tk.modulus', value: (k) => t('tk.bytes', { n: k.modulus_bytes }), class: 'num' },
      { title: 'tk.exponent', value: (k) => h('code', {}, k.exponent) }, { title: 'tk.expiry', value: (k) => k.expiry },
      { title: 'tk.checksum', value: (k) => h('code', { class: 'sub' }, k.checksum) },
      { title: 'tk.state', value: (k) => h('span', { 'data-test': 'tms-capk-state' }, K.st('ks', k.state)) },
      { title: 'tk.revocation', value: (k) => (k.revocation ? k.revocation.reason + ' · ' + k.revocation.by + ' · ' + P.time(k.revocation.at) : '–') },
      { title: 'tk.added', value: (k) => k.added_by + ' · ' + P.time(k.added_at) },
    ], items, { test: 'tms-capks' });
    K.mark(tbl, items, 'data-key', key_name);
    K.mark(tbl, items, 'data-state', (k) => k.state);
  }

  function revoke_form(items, done) {
    const active = items.filter((k) => k.state === 'active');
    if (active.length === 0) return null;
    return h('div', {}, h('h2', {}, t('tk.revoke')), K.form('tms-revoke-form', [
      K.select('tms-revoke-key', 'tk.key', active.map((k) => [key_name(k), key_name(k) + ' · ' + k.expiry]), key_name(active[0])),
      K.input('tms-revoke-reason', 'tk.reason', { maxlength: 200, required: true }),
    ], { test: 'tms-revoke-submit', key: 'tk.revoke_go' }, async (v, out, f) => {
      const [rid, index] = v['tms-revoke-key'].split('-');
      try {
        await P.api('POST', '/api/v1/tms/capks/revoke', { rid, index, reason: v['tms-revoke-reason'] });
      } catch (e) { return refusal(f, 'tms-revoke-', e, out); }
      await done(t('tk.revoked', { key: v['tms-revoke-key'] }));
    }));
  }

  const CAPK_FIELDS = [['rid', 'tk.rid', 10], ['index', 'tk.index', 2], ['modulus', 'tk.modulus', 496],
    ['exponent', 'tk.exponent', 6], ['expiry', 'tk.expiry', 8], ['checksum', 'tk.checksum_opt', 40]];

  function capk_form(done) {
    return h('div', {}, h('h2', {}, t('tk.add')), K.form('tms-capk-form',
      CAPK_FIELDS.map(([f, key, max]) => K.input('tms-capk-' + f, key, { maxlength: max, required: f !== 'checksum', class: f === 'modulus' ? 'wide' : undefined })),
      { test: 'tms-capk-submit', key: 'tk.add' }, async (v, out, f) => {
        const body = {};
        for (const [k] of CAPK_FIELDS) if (v['tms-capk-' + k]) body[k] = v['tms-capk-' + k];
        let k;
        try { k = await P.api('POST', '/api/v1/tms/capks', body); } catch (e) { return refusal(f, 'tms-capk-', e, out); }
        await done(t('tk.added_ok', { key: key_name(k) }));
      }));
  }

  function aid_table(box, items, done, out) {
    const cols = [
      { title: 'ta.aid', value: (a) => h('code', {}, a.aid) }, { title: 'ta.label', value: (a) => a.label },
      { title: 'ta.version', value: (a) => a.version },
      { title: 'ta.floor_limit', value: (a) => P.money(a.floor_limit), class: 'num' },
      { title: 'ta.threshold', value: (a) => P.money(a.threshold), class: 'num' },
      { title: 'ta.percents', value: (a) => a.target_percent + ' / ' + a.max_target_percent, class: 'num' },
      { title: 'ta.tacs', value: (a) => h('code', {}, [a.tac_default, a.tac_denial, a.tac_online].join(' / ')) },
      { title: 'ta.partial', value: (a) => (a.partial ? t('t.yes') : t('t.no')) },
      { title: 'ta.updated', value: (a) => a.updated_by + ' · ' + P.time(a.updated_at) },
    ];
    if (K.operator()) cols.push({ title: '', value: (a) => K.button('tms-aid-remove', t('ta.remove'), async () => {
      try { await P.api('DELETE', '/api/v1/tms/aids' + K.q({ aid: a.aid })); } catch (e) { return K.say(out, null, e); }
      await done(t('ta.removed', { aid: a.aid }));
    }) });
    const tbl = P.table(box, cols, items, { test: 'tms-aids' });
    K.mark(tbl, items, 'data-aid', (a) => a.aid);
  }

  const AID_FIELDS = [['aid', { maxlength: 32, required: true }], ['label', { maxlength: 32, required: true }],
    ['version', { maxlength: 4, placeholder: '0030' }], ['floor_limit', { inputmode: 'decimal' }],
    ['threshold', { inputmode: 'decimal' }], ['target_percent', { inputmode: 'numeric' }],
    ['max_target_percent', { inputmode: 'numeric' }], ['tac_default', { maxlength: 10, placeholder: 'D84000A800' }],
    ['tac_denial', { maxlength: 10, placeholder: '0010000000' }], ['tac_online', { maxlength: 10, placeholder: 'D84004F800' }]];

  /* The form's value of field f as the API's: yuan to fen for the amounts (a refusal when not
   * an amount), a number for the percents, the text for the rest. */
  function aid_value(f, v) {
    if (f === 'floor_limit' || f === 'threshold') {
      if (!/^[0-9]{1,10}(\.[0-9]{1,2})?$/.test(v)) throw { status: 400, error: t('ta.yuan'), field: f };
      return Math.round(parseFloat(v) * 100);
    }
    if (f.endsWith('percent')) return /^[0-9]+$/.test(v) ? Number(v) : v;
    return v;
  }

  function aid_form(done) {
    return h('div', {}, h('h2', {}, t('ta.add')), K.form('tms-aid-form', AID_FIELDS.map(([f, a]) => K.input('tms-aid-' + f, 'ta.' + f, a)).concat(
      h('label', { class: 'field' }, h('span', {}, t('ta.partial')),
        h('input', { type: 'checkbox', name: 'tms-aid-partial', 'data-test': 'tms-aid-partial' }))),
    { test: 'tms-aid-submit', key: 'ta.add_go' }, async (v, out, f) => {
      const body = { partial: !!v['tms-aid-partial'] };
      let a;
      try {
        for (const [k] of AID_FIELDS) if (v['tms-aid-' + k] !== undefined) body[k] = aid_value(k, v['tms-aid-' + k]);
        a = await P.api('POST', '/api/v1/tms/aids', body);
      } catch (e) { return refusal(f, 'tms-aid-', e, out); }
      await done(t(a.replaced ? 'ta.replaced' : 'ta.added', { aid: a.aid }));
    }));
  }

  async function page_keys(el, ctx) {
    const all = ctx.params.all === '1';
    const box = h('input', { type: 'checkbox', 'data-test': 'tms-capk-all', id: 'f-tms-capk-all', checked: all });
    box.addEventListener('change', () => P.go('/ops/tms' + (box.checked ? '?all=1' : '')));
    const out = h('div', { class: 'msg' });
    const body = h('div', {});
    el.append(out, body);
    const load = async (done) => {
      const [capks, aids] = await Promise.all([
        P.api('GET', '/api/v1/tms/capks' + K.q({ all: all ? 'true' : '' })), P.api('GET', '/api/v1/tms/aids')]);
      body.replaceChildren(h('h2', {}, t('tk.capks')),
        h('p', { class: 'sub', 'data-test': 'tms-capk-version' }, t('tms.version', { version: capks.version })),
        h('p', {}, h('label', { for: 'f-tms-capk-all' }, box, ' ', t('tk.all'))));
      capk_table(body, capks.items);
      if (K.operator()) body.append(...[revoke_form(capks.items, load), capk_form(load)].filter(Boolean));
      body.append(h('h2', {}, t('ta.aids')),
        h('p', { class: 'sub', 'data-test': 'tms-aid-version' }, t('tms.version', { version: aids.version })));
      aid_table(body, aids.items, load, out);
      if (K.operator()) body.append(aid_form(load));
      if (done) ok(out, done);
      else out.replaceChildren();
    };
    await load(null);
  }

  /* ---- TMS status ---- */

  const SETS = ['params', 'capk', 'aid'];

  /* The terminals by model and software version, with each model's minimum. */
  function status_summary(el, models) {
    const rows = models.flatMap((m) => m.versions.map((v) => ({ model: m.model, version: v.version, n: v.terminals, minimum: m.minimum })));
    const model = (r) => (r.model ? h('a', { href: '#/ops/tms-status' + K.q({ model: r.model }) }, r.model) : t('tms.model_none'));
    const tbl = P.table(el, [
      { title: 'tms.model', value: model },
      { title: 'ts.version', value: (r) => (r.version ? h('code', {}, r.version) : t('ts.unreported')) },
      { title: 'ts.count', value: (r) => h('span', { 'data-test': 'tms-status-count' }, String(r.n)), class: 'num' },
      { title: 'ts.minimum', value: (r) => (r.minimum ? t('ts.after', { version: r.minimum.version, after: r.minimum.after }) : '–') },
    ], rows, { test: 'tms-status-summary' });
    K.mark(tbl, rows, 'data-model', (r) => r.model);
    K.mark(tbl, rows, 'data-version', (r) => r.version);
  }

  function behind(x) { return SETS.filter((set) => x.downloads[set].holds !== x.downloads[set].current); }

  /* A set's version the terminal holds; when it is not the current one, the current one after
   * it, marked behind. */
  function held(x, set) {
    const v = x.downloads[set];
    const mine = v.holds ? h('code', {}, v.holds) : h('span', {}, t('ts.none_held'));
    if (v.holds === v.current) return h('span', { 'data-test': 'tms-status-' + set, 'data-behind': 'no' }, mine);
    return h('span', { 'data-test': 'tms-status-' + set, 'data-behind': 'yes' }, mine, ' → ', h('code', {}, v.current), ' ',
      h('strong', { class: 'note' }, t('ts.behind')));
  }

  /* The software a terminal runs, the package a rollout gives it and whether it must update. */
  function software(x) {
    return h('span', { 'data-test': 'tms-status-version' }, x.version ? h('code', {}, x.version) : t('ts.unreported'),
      x.package ? h('span', { class: 'sub' }, ' · ' + t('ts.to_install', { version: x.package.version })) : null,
      x.update_required ? h('strong', { class: 'error' }, ' · ' + t('ts.update_required')) : null);
  }

  function status_terminals(el, items) {
    const cols = [
      { title: 'ts.tid', value: (x) => h('a', { href: '#/ops/terminals/' + K.enc(x.tid) }, h('code', {}, x.tid)) },
      { title: 'ts.merchant', value: (x) => h('a', { href: '#/ops/merchants/' + K.enc(x.mid) }, x.mid) },
      { title: 'tms.model', value: (x) => x.model || t('tms.model_none') },
      { title: 'ts.software', value: software },
    ].concat(SETS.map((set) => ({ title: 'ts.' + set, value: (x) => held(x, set) })), [
      { title: 'ts.pending', value: (x) => h('span', { 'data-test': 'tms-status-pending' },
        x.downloads.pending.map((p) => K.st('tsp', p)).join(t('ts.and')) || '–') },
      { title: 'ts.failed', value: (x) => (x.update_failed ? h('span', { class: 'error', 'data-test': 'tms-status-failed' }, x.update_failed) : '–') },
      { title: 'ts.last_seen', value: (x) => P.time(x.last_seen) || '–' },
    ]);
    const tbl = P.table(el, cols, items, { test: 'tms-status-terminals' });
    if (tbl) tbl.classList.add('stack', 'tms-status'); /* a card a terminal on a phone; lines folded (console.css) */
    K.mark(tbl, items, 'data-tid', (x) => x.tid);
    K.mark(tbl, items, 'data-model', (x) => x.model);
    K.mark(tbl, items, 'data-pending', (x) => x.downloads.pending.join(' '));
    K.mark(tbl, items, 'data-behind', (x) => behind(x).join(' '));
  }

  /* The status of every model, or of the one the hash names (?model=). */
  async function page_status(el, ctx) {
    const model = (ctx.params.model || '').trim();
    const filter = h('form', { class: 'row' }, K.input('tms-status-model', 'tms.model', { value: model, maxlength: 32, placeholder: 'PX-7' }),
      h('button', { type: 'submit', 'data-test': 'tms-status-show' }, t('ts.show')),
      model ? h('a', { href: '#/ops/tms-status', 'data-test': 'tms-status-all' }, t('ts.all')) : null);
    filter.addEventListener('submit', (e) => { e.preventDefault(); P.go('/ops/tms-status' + K.q({ model: K.values(filter)['tms-status-model'] })); });
    el.append(filter);
    const st = await P.api('GET', '/api/v1/tms/status' + K.q({ model }));
    const total = st.models.reduce((n, m) => n + m.terminals, 0);
    el.append(h('h2', {}, t('ts.by_model')), h('p', { class: 'sub', 'data-test': 'tms-status-total' }, t('ts.total', { n: total })));
    status_summary(el, st.models);
    el.append(h('h2', {}, t('ts.terminals')));
    if (model && st.terminals.length === 0) el.append(h('p', { class: 'none', 'data-test': 'tms-status-empty' }, t('ts.empty', { model })));
    else status_terminals(el, st.terminals);
  }

  /* part(box, item) whose failure (503: no terminal management on this server) is shown in
   * its own place, the page above it kept. */
  function kept(part) {
    return async (box, item) => {
      const own = h('div', {});
      box.append(own);
      try {
        await part(own, item);
      } catch (e) {
        if (e && e.status === 401) throw e;
        P.error(own, e);
      }
    };
  }

  K.part('ops-terminal', kept(terminal_part));
  K.part('ops-merchant', kept(merchant_part));
  P.register({ id: 'ops-tms', path: '/ops/tms', roles: ['operator', 'auditor'], title: { en: 'CA keys & AIDs', zh: 'CA 公钥与 AID' }, render: page_keys });
  P.register({ id: 'ops-tms-status', path: '/ops/tms-status', roles: ['operator', 'auditor'], title: { en: 'TMS status', zh: '终端管理状态' }, render: page_status });
})();
