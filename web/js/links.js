/* links.js — the console's Links page (docs/console.md "Links", docs/links.md "Watching the
 * links"): the network links the host connects out to, as GET /api/v1/links reads them — each
 * link up or down (a badge), its connections, its counters, its last echo and its
 * store-and-forward queue — read again every 3 seconds. Operators and auditors; it changes
 * nothing. Built with possum.h() (app.js), no inline script or handler.
 *
 * data-test attributes (the browser tests'): links-updated (the status's time), links (table;
 * rows links-row, each with data-name, the link's name), link-state (each link's badge, with
 * data-state up|down), link-conns (each link's connections, each link-conn with data-state),
 * link-saf (each link's queue: pending, refused, expired), links-none (no link configured),
 * links-stale (the host has not written the status yet), error (a failure).
 */
(function () {
  'use strict';

  const P = window.possum;
  const { h, t } = P;
  const REFRESH_MS = 3000;

  /* The page's strings: key, English, 中文. */
  const STRINGS = [
    ['l.updated', 'Status of {at}', '状态时间 {at}'],
    ['l.link', 'Link', '链路'],
    ['l.state', 'State', '状态'],
    ['l.conns', 'Connections', '连接'],
    ['l.in_flight', 'In flight', '在途'],
    ['l.sent', 'Sent', '已发送'],
    ['l.answered', 'Answered', '已应答'],
    ['l.timed_out', 'Timed out', '超时'],
    ['l.dropped', 'Late / unmatched', '迟到 / 无匹配'],
    ['l.last_echo', 'Last echo', '最近回响测试'],
    ['l.saf', 'SAF pending / refused / expired', '存储转发 待发 / 被拒 / 过期'],
    ['l.never', 'never', '从未'],
    ['l.none', 'No network link is configured ([link.NAME]).', '未配置网络链路（[link.NAME]）。'],
    ['l.stale', 'The host has not written the links’ status yet: look again in a moment.', '主机尚未写出链路状态，请稍后再看。'],
    ['l.failures', '{n} failed', '失败 {n} 次'],
    ['ls.up', 'up', '正常'],
    ['ls.down', 'down', '中断'],
    ['lc.up', 'signed on', '已签到'],
    ['lc.waiting', 'waiting', '等待重连'],
    ['lc.connecting', 'connecting', '连接中'],
    ['lc.signing_on', 'signing on', '签到中'],
    ['lc.closing', 'closing', '关闭中'],
  ];
  P.strings({
    en: Object.fromEntries(STRINGS.map(([k, en]) => [k, en])),
    zh: Object.fromEntries(STRINGS.map(([k, , zh]) => [k, zh])),
  });

  function state_name(prefix, s) { const k = prefix + '.' + s; const v = t(k); return v === k ? s : v; }

  /* A connection: its state, and its failed attempts when any. */
  function conn(c) {
    return h('span', { class: 'conn conn-' + c.state, 'data-test': 'link-conn', 'data-state': c.state,
      title: P.time(c.since) },
    state_name('lc', c.state), c.failures > 0 ? ' (' + t('l.failures', { n: c.failures }) + ')' : null);
  }

  function show(box, body) {
    box.replaceChildren(h('p', { class: 'sub', 'data-test': 'links-updated' }, t('l.updated', { at: P.time(body.updated_at) })));
    if (body.items.length === 0) return box.append(h('p', { class: 'none', 'data-test': 'links-none' }, t('l.none')));
    const num = 'num';
    const tbl = P.table(box, [
      { title: 'l.link', value: (l) => h('span', {}, h('strong', {}, l.name), h('br'), h('span', { class: 'sub mono' }, l.host + ':' + l.port + ' ' + l.dialect + (l.binary === 'hex' ? ' hex' : ''))) },
      { title: 'l.state', value: (l) => h('span', { class: 'badge badge-' + l.state, 'data-test': 'link-state', 'data-state': l.state }, state_name('ls', l.state)) },
      { title: 'l.conns', value: (l) => h('span', { class: 'conns', 'data-test': 'link-conns' }, l.signed_on + '/' + l.connections.length, l.connections.map(conn)) },
      { title: 'l.in_flight', class: num, value: (l) => l.in_flight },
      { title: 'l.sent', class: num, value: (l) => l.sent },
      { title: 'l.answered', class: num, value: (l) => l.answered },
      { title: 'l.timed_out', class: num, value: (l) => l.timed_out },
      { title: 'l.dropped', class: num, value: (l) => l.late + ' / ' + l.unmatched },
      { title: 'l.last_echo', value: (l) => (l.last_echo ? P.time(l.last_echo) : t('l.never')) },
      { title: 'l.saf', class: num, value: (l) => h('span', { 'data-test': 'link-saf' }, l.saf.pending + ' / ' + l.saf.refused + ' / ' + l.saf.expired) },
    ], body.items, { test: 'links' });
    if (!tbl) return;
    tbl.classList.add('links'); /* its headings wrapped; a card a link on a phone (console.css) */
    tbl.querySelectorAll('tbody tr').forEach((tr, i) => tr.setAttribute('data-name', body.items[i].name));
  }

  async function load(box) {
    try {
      show(box, await P.api('GET', '/api/v1/links'));
    } catch (e) {
      if (e && e.status === 503) box.replaceChildren(h('p', { class: 'note', 'data-test': 'links-stale' }, t('l.stale')));
      else P.error(box, e);
    }
  }

  async function page_links(el) {
    const box = h('div', {});
    el.append(box);
    await load(box);
    const id = setInterval(() => { if (!box.isConnected) clearInterval(id); else load(box); }, REFRESH_MS);
  }

  P.register({ id: 'ops-links', path: '/ops/links', roles: ['operator', 'auditor'], title: { en: 'Links', zh: '网络链路' }, render: page_links });
})();
