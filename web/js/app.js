/* app.js — the console's core (docs/console.md): the page registry, the strings of both
 * languages, the API helper (the session's CSRF token on every change), the hash router, the
 * top bar, and the sign-in and enrolment pages. Pages register themselves (merchant.js,
 * ops.js) before the router starts; everything is built with the DOM, no inline script or
 * handler (the CSP is default-src 'self').
 *
 * data-test attributes (the browser tests'):
 *   top bar:  brand, nav, nav-PAGEID (a link per page), who, lang, signout, main
 *   sign-in:  signin-form, signin-name, signin-password, signin-totp, signin-submit, signin-error
 *   enrol:    enrol-name, enrol-otpauth, enrol-qr, enrol-form, enrol-password, enrol-password2,
 *             enrol-submit, enrol-error, enrol-done
 *   any page: page-PAGEID (the page's element), error (a failure shown in a page),
 *             table (a table from possum.table), chart (a chart from possum.chart)
 */
(function () {
  'use strict';

  const pages = [];
  const dict = { en: {}, zh: {} };
  const state = { user: null, csrf: null, lang: 'en', charts: [] };

  function saved_lang() {
    try {
      const l = localStorage.getItem('possum.lang');
      if (l === 'en' || l === 'zh') return l;
    } catch (e) { /* storage refused: the default */ }
    return (navigator.language || '').toLowerCase().startsWith('zh') ? 'zh' : 'en';
  }

  /* ---- strings ---- */

  function strings(s) {
    for (const l of ['en', 'zh']) Object.assign(dict[l], s[l] || {});
  }

  /* The text of key in the language shown (English, then the key, when missing); {name} in it
   * is replaced by vars.name. */
  function t(key, vars) {
    let s = dict[state.lang][key];
    if (s === undefined) s = dict.en[key];
    if (s === undefined) s = key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
    return s;
  }

  /* The text of key in language l, whichever is shown. */
  function t_in(l, key) {
    const s = (dict[l] || {})[key];
    return s === undefined ? t(key) : s;
  }

  /* A label given as {en, zh}, or as a key of the strings. */
  function label(x) {
    if (x && typeof x === 'object') return x[state.lang] || x.en || '';
    return t(String(x));
  }

  strings({
    en: {
      'app.signout': 'Sign out', 'app.lang': '中文', 'app.loading': 'Loading…',
      'app.notfound': 'No such page.', 'app.denied': 'Your role may not see this page.',
      'app.expired': 'Your session has ended: sign in again.', 'app.failed': 'Failed: {error}',
      'app.none': 'Nothing to show.', 'app.more': 'More', 'app.print': 'Print',
      'signin.title': 'Sign in', 'signin.name': 'User name', 'signin.password': 'Password',
      'signin.totp': 'Code from your authenticator app', 'signin.submit': 'Sign in',
      'signin.wrong': 'The name, password or code is wrong.',
      'signin.locked': 'Too many failed sign-ins: this user is locked for 30 minutes.',
      'enrol.title': 'Set up your sign-in', 'enrol.scan':
        'Add this account to your authenticator app (scan the code, or enter the address below), then choose a password.',
      'enrol.user': 'User', 'enrol.password': 'Password (at least 12 characters)',
      'enrol.password2': 'The password again', 'enrol.submit': 'Save',
      'enrol.short': 'The password must have at least 12 characters.',
      'enrol.differ': 'The two passwords differ.',
      'enrol.gone': 'This enrolment link is unknown, used or expired: ask your operator for another.',
      'enrol.done': 'Your password is set. You can now sign in.', 'enrol.signin': 'Go to sign-in',
      'role.operator': 'operator', 'role.merchant': 'merchant', 'role.auditor': 'auditor',
      'nav.merchant': 'Merchant portal:', 'nav.ops': 'Operations:',
    },
    zh: {
      'app.signout': '退出', 'app.lang': 'English', 'app.loading': '加载中…',
      'app.notfound': '没有这个页面。', 'app.denied': '您的角色无权查看此页面。',
      'app.expired': '会话已结束，请重新登录。', 'app.failed': '失败：{error}',
      'app.none': '暂无数据。', 'app.more': '更多', 'app.print': '打印',
      'signin.title': '登录', 'signin.name': '用户名', 'signin.password': '密码',
      'signin.totp': '身份验证器中的动态码', 'signin.submit': '登录',
      'signin.wrong': '用户名、密码或动态码错误。',
      'signin.locked': '登录失败次数过多，该用户已锁定 30 分钟。',
      'enrol.title': '设置登录方式', 'enrol.scan':
        '请在身份验证器中添加此账户（扫描二维码，或输入下面的地址），然后设置密码。',
      'enrol.user': '用户', 'enrol.password': '密码（至少 12 个字符）',
      'enrol.password2': '再次输入密码', 'enrol.submit': '保存',
      'enrol.short': '密码至少需要 12 个字符。', 'enrol.differ': '两次输入的密码不一致。',
      'enrol.gone': '此注册链接无效、已使用或已过期，请向运营人员索取新的链接。',
      'enrol.done': '密码已设置，现在可以登录。', 'enrol.signin': '去登录',
      'role.operator': '运营', 'role.merchant': '商户', 'role.auditor': '审计',
      'nav.merchant': '商户服务：', 'nav.ops': '运营管理：',
    },
  });

  /* ---- DOM ---- */

  /* An element: h('button', {type:'button', 'data-test':'x', onclick: fn}, 'text', child…).
   * Attributes starting with "on" are listeners; "class", "text" and the rest as said. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'value') el.value = v;
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  /* A labelled input: field('signin-name', 'signin.name', {type:'text', name:'name'}). */
  function field(test, key, attrs) {
    const input = h('input', Object.assign({ 'data-test': test, id: 'f-' + test }, attrs));
    return h('label', { class: 'field', for: 'f-' + test }, h('span', {}, label(key)), input);
  }

  /* Shows a failure (an API error or a key of the strings) in el. */
  function error(el, e, test) {
    const text = typeof e === 'string' ? t(e) : t('app.failed', { error: (e && e.error) || String(e) });
    el.replaceChildren(h('p', { class: 'error', role: 'alert', 'data-test': test || 'error' }, text));
  }

  /* ---- the API ---- */

  /* fetch of the API: JSON both ways (opts.accept another type: its text), the session's CSRF
   * token on every change; a status not 2xx throws {status, error, field}. A 401 outside the
   * sign-in ends the session shown and goes to the sign-in. */
  async function api(method, path, body, opts) {
    opts = opts || {};
    const headers = { Accept: opts.accept || 'application/json' };
    if (body !== undefined && body !== null) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
    let res;
    try {
      res = await fetch(path, {
        method, headers, credentials: 'same-origin',
        body: body === undefined || body === null ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw { status: 0, error: String(e) };
    }
    const type = res.headers.get('Content-Type') || '';
    let data = null;
    if (res.status !== 204) data = type.includes('json') ? await res.json().catch(() => null) : await res.text();
    if (!res.ok) {
      const err = { status: res.status, error: (data && data.error) || res.statusText, field: data && data.field };
      if (res.status === 401 && state.user && !opts.signin) {
        state.user = null;
        state.csrf = null;
        go('/signin?expired=1&next=' + encodeURIComponent(here()));
      }
      throw err;
    }
    return data;
  }

  /* ---- formats ---- */

  function locale() { return state.lang === 'zh' ? 'zh-CN' : 'en-GB'; }

  /* {amount (minor units), currency} for people: "¥12.34". */
  function money(m) {
    if (!m || typeof m.amount !== 'number') return '';
    let f;
    try {
      f = new Intl.NumberFormat(locale(), { style: 'currency', currency: m.currency || 'CNY', currencyDisplay: 'narrowSymbol' });
    } catch (e) {
      return (m.amount / 100).toFixed(2) + ' ' + (m.currency || '');
    }
    const digits = f.resolvedOptions().maximumFractionDigits;
    return f.format(m.amount / Math.pow(10, digits));
  }

  function pad(n) { return String(n).padStart(2, '0'); }

  /* An RFC 3339 time in the browser's local time: "2026-11-30 22:00:00" ('' for none). */
  function time(iso) {
    if (!iso) return '';
    const d = new Date(iso);
    if (isNaN(d)) return String(iso);
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' +
      pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  /* The local day of a Date as YYYY-MM-DD. */
  function day(d) {
    d = d || new Date();
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  }

  /* ---- charts and tables ---- */

  /* A uPlot chart in el, as wide as el, redrawn to its width when the window changes:
   * opts are uPlot's (series, axes, …; width and height given when absent), data its columns. */
  function chart(el, opts, data) {
    const box = h('div', { class: 'chart', 'data-test': opts['data-test'] || 'chart' });
    el.append(box);
    const o = Object.assign({ height: 220 }, opts);
    delete o['data-test'];
    o.width = o.width || Math.max(240, box.clientWidth || el.clientWidth || 600);
    const plot = new window.uPlot(o, data, box);
    state.charts.push({ plot, box });
    return plot;
  }

  window.addEventListener('resize', () => {
    state.charts = state.charts.filter((c) => c.box.isConnected);
    for (const c of state.charts) c.plot.setSize({ width: Math.max(240, c.box.clientWidth), height: c.plot.height });
  });

  /* A table in el of rows: columns [{title ({en,zh} or a key), value: row → text or Node,
   * class}]; opts.test its data-test, opts.onrow(row) makes a row a link. Returns the table. */
  function table(el, columns, rows, opts) {
    opts = opts || {};
    if (!rows || rows.length === 0) {
      el.append(h('p', { class: 'none', 'data-test': (opts.test || 'table') + '-none' }, t('app.none')));
      return null;
    }
    const head = h('tr', {}, columns.map((c) => h('th', { class: c.class }, label(c.title))));
    const body = rows.map((r, i) => {
      const tr = h('tr', { 'data-test': (opts.test || 'table') + '-row' },
        columns.map((c) => h('td', { class: c.class, 'data-label': label(c.title) }, c.value(r, i))));
      if (opts.onrow) {
        tr.classList.add('link');
        tr.tabIndex = 0;
        tr.addEventListener('click', () => opts.onrow(r));
        tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') opts.onrow(r); });
      }
      return tr;
    });
    const tbl = h('table', { class: 'tbl', 'data-test': opts.test || 'table' }, h('thead', {}, head), h('tbody', {}, body));
    el.append(h('div', { class: 'tablewrap' }, tbl));
    return tbl;
  }

  /* ---- the registry and the router ---- */

  /* A page: {id, path ("/merchant/txn/:rrn"), roles, title {en,zh}, render(el, ctx), nav
   * (false: not in the navigation; default: true unless the path has a parameter)}. */
  function register(page) {
    if (page.nav === undefined) page.nav = !page.path.includes(':');
    pages.push(page);
    if (state.started) { nav(); route(); }
  }

  function go(path) {
    const target = '#' + path;
    if (location.hash === target) route();
    else location.hash = target;
  }

  /* Where the console is: the hash's path and query. */
  function here() {
    return location.hash.replace(/^#/, '') || '/';
  }

  /* The hash's path, its parameters and query. */
  function parse_hash() {
    const raw = here();
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    const params = {};
    if (q >= 0) new URLSearchParams(raw.slice(q + 1)).forEach((v, k) => { params[k] = v; });
    return { path, params };
  }

  function match(page, path) {
    const want = page.path.split('/');
    const have = path.split('/');
    if (want.length !== have.length) return null;
    const args = {};
    for (let i = 0; i < want.length; i++) {
      if (want[i].startsWith(':')) args[want[i].slice(1)] = decodeURIComponent(have[i]);
      else if (want[i] !== have[i]) return null;
    }
    return args;
  }

  function allowed(page) {
    return state.user && (!page.roles || page.roles.includes(state.user.role));
  }

  /* The first page of the user's part (a merchant's /merchant/…, the others' /ops/…), else
   * the first page the user may see. */
  function home() {
    const part = state.user && state.user.role === 'merchant' ? '/merchant/' : '/ops/';
    const p = pages.find((x) => x.nav && allowed(x) && x.path.startsWith(part)) ||
      pages.find((x) => x.nav && allowed(x));
    return p ? p.path : '/signin';
  }

  /* The part of the console a path is in ("merchant", "ops"): the navigation's groups. */
  function part(path) { return path.split('/')[1] || ''; }

  /* The navigation: the pages the user may see, the user's own part first (home()), each part
   * under its name when there are several. */
  function nav() {
    const el = document.getElementById('nav');
    const cur = parse_hash().path;
    const mine = part(home());
    const shown = pages.filter((p) => p.nav && allowed(p));
    const parts = [...new Set(shown.map((p) => part(p.path)))].sort((a, b) => (b === mine) - (a === mine));
    el.replaceChildren(...parts.map((g) => h('span', { class: 'navpart' },
      parts.length > 1 ? h('span', { class: 'navgroup' }, t('nav.' + g)) : null,
      shown.filter((p) => part(p.path) === g).map((p) =>
        h('a', { href: '#' + p.path, 'data-test': 'nav-' + p.id, class: cur === p.path || cur.startsWith(p.path + '/') ? 'on' : '' }, label(p.title))))));
    const who = document.getElementById('who');
    who.textContent = state.user ? state.user.name + ' · ' + t('role.' + state.user.role) +
      (state.user.mid ? ' · ' + state.user.mid : '') : '';
    document.getElementById('signout').hidden = !state.user;
    document.getElementById('signout').textContent = t('app.signout');
    document.getElementById('lang').textContent = t('app.lang');
    document.documentElement.lang = state.lang === 'zh' ? 'zh-CN' : 'en';
  }

  let routing = 0;

  async function route() {
    const seq = ++routing;
    const { path, params } = parse_hash();
    const main = document.getElementById('main');
    const pub = [{ path: '/signin', render: page_signin }, { path: '/enrol/:token', render: page_enrol }];
    for (const p of pub) {
      const args = match(p, path);
      if (args) {
        nav();
        main.replaceChildren();
        return p.render(main, { user: state.user, lang: state.lang, params: Object.assign(params, args) });
      }
    }
    if (!state.user && !(await resume())) {
      if (seq === routing) go('/signin?next=' + encodeURIComponent(here()));
      return;
    }
    if (seq !== routing) return;
    if (path === '/' || path === '') return go(home());
    nav();
    let page = null;
    let args = null;
    for (const p of pages) if ((args = match(p, path))) { page = p; break; }
    const el = h('section', { class: 'page', 'data-test': page ? 'page-' + page.id : 'page-none' });
    main.replaceChildren(el);
    if (!page) return error(el, 'app.notfound');
    if (!allowed(page)) return error(el, 'app.denied');
    document.title = label(page.title) + ' — possum';
    el.append(h('h1', {}, label(page.title)));
    try {
      await page.render(el, { user: state.user, lang: state.lang, params: Object.assign(params, args) });
    } catch (e) {
      if (e && e.status === 401) return;
      el.append(h('p', { class: 'error', role: 'alert', 'data-test': 'error' }, t('app.failed', { error: (e && e.error) || String(e) })));
    }
  }

  /* The session the cookie names, if any: true when signed in. */
  async function resume() {
    try {
      const s = await api('GET', '/api/v1/session', null, { signin: true });
      state.user = s.user;
      state.csrf = s.csrf;
      return true;
    } catch (e) {
      return false;
    }
  }

  /* ---- sign-in and enrolment ---- */

  function page_signin(main, ctx) {
    document.title = t('signin.title') + ' — possum';
    const msg = h('div', { class: 'msg' });
    if (ctx.params.expired) msg.append(h('p', { class: 'note' }, t('app.expired')));
    const form = h('form', { class: 'card narrow', 'data-test': 'signin-form', autocomplete: 'on' },
      h('h1', {}, t('signin.title')),
      field('signin-name', 'signin.name', { name: 'name', autocomplete: 'username', required: true }),
      field('signin-password', 'signin.password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
      field('signin-totp', 'signin.totp', { name: 'totp', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}', maxlength: 6, required: true }),
      msg,
      h('button', { type: 'submit', class: 'primary', 'data-test': 'signin-submit' }, t('signin.submit')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const f = new FormData(form);
      try {
        const s = await api('POST', '/api/v1/session', { name: f.get('name'), password: f.get('password'), totp: f.get('totp') }, { signin: true });
        state.user = s.user;
        state.csrf = s.csrf;
        const next = ctx.params.next;
        go(next && next.startsWith('/') && !next.startsWith('/signin') && next !== '/' ? next : home());
      } catch (err) {
        error(msg, err.status === 423 ? 'signin.locked' : err.status === 401 ? 'signin.wrong' : err, 'signin-error');
        form.elements.totp.value = '';
      }
    });
    main.append(form);
  }

  async function page_enrol(main, ctx) {
    document.title = t('enrol.title') + ' — possum';
    const box = h('section', { class: 'card narrow' }, h('h1', {}, t('enrol.title')));
    main.append(box);
    let e;
    try {
      e = await api('GET', '/api/v1/enrol/' + encodeURIComponent(ctx.params.token), null, { signin: true });
    } catch (err) {
      return error(box, err.status === 404 || err.status === 410 ? 'enrol.gone' : err, 'enrol-error');
    }
    const msg = h('div', { class: 'msg' });
    const form = h('form', { 'data-test': 'enrol-form' },
      field('enrol-password', 'enrol.password', { name: 'password', type: 'password', autocomplete: 'new-password', minlength: 12, required: true }),
      field('enrol-password2', 'enrol.password2', { name: 'password2', type: 'password', autocomplete: 'new-password', minlength: 12, required: true }),
      msg, h('button', { type: 'submit', class: 'primary', 'data-test': 'enrol-submit' }, t('enrol.submit')));
    box.append(
      h('p', {}, t('enrol.user') + ': ', h('strong', { 'data-test': 'enrol-name' }, e.name)),
      h('p', {}, t('enrol.scan')),
      h('img', { class: 'qr', src: e.qr, alt: e.otpauth, 'data-test': 'enrol-qr' }),
      h('p', {}, h('code', { class: 'wrap', 'data-test': 'enrol-otpauth' }, e.otpauth)),
      form);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const p = form.elements.password.value;
      if (p.length < 12) return error(msg, 'enrol.short', 'enrol-error');
      if (p !== form.elements.password2.value) return error(msg, 'enrol.differ', 'enrol-error');
      try {
        await api('POST', '/api/v1/enrol/' + encodeURIComponent(ctx.params.token), { password: p }, { signin: true });
      } catch (err) {
        return error(msg, err.status === 404 || err.status === 410 ? 'enrol.gone' : err, 'enrol-error');
      }
      box.replaceChildren(h('h1', {}, t('enrol.title')),
        h('p', { class: 'ok', 'data-test': 'enrol-done' }, t('enrol.done')),
        h('p', {}, h('a', { href: '#/signin', class: 'button' }, t('enrol.signin'))));
    });
  }

  /* ---- the top bar ---- */

  async function signout() {
    try { await api('DELETE', '/api/v1/session', null, { signin: true }); } catch (e) { /* gone already */ }
    state.user = null;
    state.csrf = null;
    go('/signin');
  }

  function switch_lang() {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    try { localStorage.setItem('possum.lang', state.lang); } catch (e) { /* not remembered */ }
    route();
  }

  function start() {
    state.lang = saved_lang();
    document.getElementById('lang').addEventListener('click', switch_lang);
    document.getElementById('signout').addEventListener('click', signout);
    window.addEventListener('hashchange', route);
    state.started = true;
    route();
  }

  window.possum = {
    register, strings, t, api, money, time, chart, table, go,
    /* beyond the contract, for the pages' own use: */
    h, field, error, label, day, t_in, lang: () => state.lang, user: () => state.user,
  };
  document.addEventListener('DOMContentLoaded', start);
})();
