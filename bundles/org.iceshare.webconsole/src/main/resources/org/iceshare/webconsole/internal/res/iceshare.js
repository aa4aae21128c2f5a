/* IceShare web console page: polls the plugin's JSON every second and draws it. No libraries. */
(function () {
  'use strict';
  const app = document.getElementById('iceshare');
  if (!app) { return; }
  // Absolute request URLs from location.origin, which never carries credentials: a page opened as
  // http://user:pass@host/... has them in its own URL, and fetch() refuses any URL with credentials,
  // including a relative one resolved against that document URL. The browser still sends the
  // Basic credentials it cached for the origin.
  const api = window.location.origin + app.getAttribute('data-root') + '/api/';
  const $ = (id) => document.getElementById(id);
  let selected = null;       // content hex of the swarm shown in detail
  let lastPeers = [];

  // ---- helpers
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function bytes(n) {
    if (n === null || n === undefined) { return '–'; }
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i === 0 ? n : n.toFixed(1)) + ' ' + u[i];
  }
  const rate = (n) => bytes(Math.round(n)) + '/s';
  const pct = (x) => (x * 100).toFixed(1) + ' %';
  function answer(r) {
    return r.json().catch(() => ({ error: r.status + ' ' + r.statusText })).then((b) => {
      if (!r.ok) { throw new Error(b.error || (r.status + ' ' + r.statusText)); }
      return b;
    });
  }
  const get = (path) => fetch(api + path, { credentials: 'same-origin', cache: 'no-store' }).then(answer);
  // State-changing requests carry X-IceShare: 1; the server refuses POSTs without it (CSRF).
  const post = (path, params) => fetch(api + path, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'X-IceShare': '1', 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params)
  }).then(answer);
  function say(node, text, error) {
    node.textContent = text;
    node.classList.toggle('iceshare-error', !!error);
  }

  // ---- swarms
  function renderSwarms(data) {
    const body = $('iceshare-swarms').tBodies[0];
    const rows = [];
    data.peers.forEach((p) => p.swarms.forEach((s) => rows.push(s)));
    body.textContent = '';
    if (rows.length === 0) {
      const tr = el('tr'); const td = el('td', data.peers.length ? 'No swarms yet: publish or get something.' : 'No IceShare peer is running.');
      td.colSpan = 12; tr.appendChild(td); body.appendChild(tr);
    }
    if (selected === null && rows.length) { selected = rows[0].content; }
    rows.forEach((s) => {
      const tr = el('tr');
      tr.dataset.content = s.content;
      tr.dataset.peer = s.peer;
      tr.dataset.bytes = String(s.uploaded + s.downloaded);
      tr.dataset.verified = String(s.verified);
      tr.dataset.state = s.state;
      if (s.content === selected) { tr.classList.add('iceshare-selected'); }
      tr.appendChild(el('td', s.peer + (s.source ? ' (source)' : '')));
      const name = el('td', null, 'iceshare-content'); name.appendChild(el('div', s.name)); name.appendChild(el('div', s.url, 'iceshare-note iceshare-url'));
      tr.appendChild(name);
      tr.appendChild(el('td', s.state + (s.error ? ': ' + s.error : ''), s.state === 'FAILED' ? 'iceshare-error iceshare-wrap' : null));
      const prog = el('td');
      if (s.live) { prog.textContent = 'live'; } else {
        const bar = el('progress'); bar.max = 1; bar.value = s.progress; prog.appendChild(bar);
        prog.appendChild(el('span', ' ' + pct(s.progress)));
      }
      tr.appendChild(prog);
      tr.appendChild(el('td', s.verified + '/' + s.pieces));
      tr.appendChild(el('td', s.swarmPeers === null ? s.connections + ' conn.' : s.swarmPeers + ' (' + s.connections + ' conn.)'));
      tr.appendChild(el('td', rate(s.upRate)));
      tr.appendChild(el('td', rate(s.downRate)));
      tr.appendChild(el('td', s.sourceUploadFactor === null ? '–' : s.sourceUploadFactor.toFixed(2)));
      tr.appendChild(el('td', s.played ? s.quality.continuity.toFixed(4) + ' (' + s.quality.piecesLate + '/' + s.quality.piecesDue + ' late)' : '–'));
      tr.appendChild(el('td', s.scheduler));
      const actions = el('td');
      if (s.playerUrl) {
        const play = el('button', '▶', 'iceshare-play');
        play.type = 'button'; play.title = 'play at ' + s.peer;
        play.addEventListener('click', (e) => { e.stopPropagation(); startPlayer(s); });
        actions.appendChild(play);
      }
      tr.appendChild(actions);
      tr.addEventListener('click', () => { selected = s.content; refreshDetail(); markSelected(); });
      body.appendChild(tr);
    });
    $('iceshare-rate-now').textContent = 'now ' + rate(data.rates.up) + ' up, ' + rate(data.rates.down) + ' down';
    renderRefusals(data.refusals);
    drawChart(data.history);
    updatePeerSelects(data.peers);
  }
  function renderRefusals(r) {
    const body = $('iceshare-refusals').tBodies[0];
    body.textContent = '';
    const rows = [];
    Object.keys(r.transports).forEach((t) => Object.keys(r.transports[t]).forEach((k) => rows.push([t, k, r.transports[t][k]])));
    if (r.push) { Object.keys(r.push).forEach((k) => rows.push(['push server', k, r.push[k]])); }
    if (r.tracker) { Object.keys(r.tracker).forEach((k) => rows.push(['tracker', k, r.tracker[k]])); }
    if (rows.length === 0) {
      const tr = el('tr'); const td = el('td', 'Nothing refused.'); td.colSpan = 3; tr.appendChild(td); body.appendChild(tr);
    }
    rows.forEach((row) => {
      const tr = el('tr');
      tr.dataset.where = row[0]; tr.dataset.reason = row[1];
      tr.appendChild(el('td', row[0])); tr.appendChild(el('td', row[1])); tr.appendChild(el('td', String(row[2])));
      body.appendChild(tr);
    });
    $('iceshare-refusals-total').textContent = '(' + r.total + ' since start)';
  }
  function markSelected() {
    Array.prototype.forEach.call($('iceshare-swarms').tBodies[0].rows, (tr) =>
      tr.classList.toggle('iceshare-selected', tr.dataset.content === selected));
  }
  function updatePeerSelects(peers) {
    const names = peers.map((p) => p.name);
    if (names.join() === lastPeers.join()) { return; }
    lastPeers = names;
    document.querySelectorAll('.iceshare-peer-select').forEach((sel) => {
      const keep = sel.value;
      sel.textContent = '';
      names.forEach((n) => sel.appendChild(new Option(n, n, false, n === keep || (!keep && n === 'default'))));
    });
  }

  // ---- one swarm: piece map and the tracker's peers
  function refreshDetail() {
    if (!selected) { return Promise.resolve(); }
    return get('swarm.json?content=' + encodeURIComponent(selected)).then((d) => {
      $('iceshare-detail-name').textContent = (d.name || d.content) + (d.tracked ? '' : ' (not tracked here)');
      drawPieceMap(d.availability || [], Math.max(1, d.swarmPeers || 1));
      const body = $('iceshare-peers').tBodies[0];
      body.textContent = '';
      d.peers.forEach((p) => {
        const tr = el('tr');
        tr.dataset.peerId = p.id;
        tr.appendChild(el('td', p.shortId + (p.local ? ' (' + p.local + ')' : '') + (p.source ? ' source' : '')));
        tr.appendChild(el('td', p.address));
        tr.appendChild(el('td', p.transports && p.transports.length ? p.transports.join(', ') : '–'));
        tr.appendChild(el('td', p.pieces + '/' + d.pieces));
        [[p.uploaded, p.upRate], [p.downloaded, p.downRate]].forEach(([total, r]) => {
          const td = el('td', bytes(total)); td.appendChild(el('div', rate(r), 'iceshare-note')); tr.appendChild(td);
        });
        tr.appendChild(el('td', p.ratio === null ? '–' : p.ratio.toFixed(2)));
        tr.appendChild(el('td', p.banned ? 'banned' : '', p.banned ? 'iceshare-error' : null));
        body.appendChild(tr);
      });
    }).catch((e) => { $('iceshare-detail-name').textContent = '(' + e.message + ')'; });
  }
  function heat(f) {  // 0 → red, 1 → green
    const h = Math.round(120 * Math.max(0, Math.min(1, f)));
    return 'hsl(' + h + ',70%,' + (f <= 0 ? 35 : 45) + '%)';
  }
  function drawPieceMap(avail, peers) {
    const c = $('iceshare-piecemap'); const g = c.getContext('2d');
    g.clearRect(0, 0, c.width, c.height);
    const n = avail.length;
    if (!n) { return; }
    const cell = Math.min(24, Math.max(3, Math.floor(Math.sqrt((c.width * 80) / n))));
    const cols = Math.max(1, Math.floor(c.width / cell));
    c.height = Math.max(cell, Math.ceil(n / cols) * cell);
    for (let i = 0; i < n; i++) {
      g.fillStyle = heat(avail[i] / peers);
      g.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell - 1, cell - 1);
    }
    $('iceshare-piecemap-legend').textContent = n + ' pieces, ' + peers + ' peers; colour: how many peers hold a piece (red: none, green: all).';
  }

  // ---- rate chart
  function drawChart(history) {
    const c = $('iceshare-chart'); const g = c.getContext('2d');
    const w = c.width; const h = c.height; const pad = 4; const top = 14;
    g.clearRect(0, 0, w, h);
    let max = 1;
    history.forEach((p) => { max = Math.max(max, p[1], p[2]); });
    g.fillStyle = '#666'; g.font = '11px sans-serif';
    g.fillText(rate(max), pad, 11);
    g.strokeStyle = '#ddd'; g.beginPath(); g.moveTo(0, h - pad); g.lineTo(w, h - pad); g.stroke();
    if (history.length < 2) { return; }
    const t0 = history[0][0]; const span = Math.max(1, history[history.length - 1][0] - t0);
    [[1, '#c0392b', 3, []], [2, '#2471a3', 2, [5, 3]]].forEach(([k, colour, width, dash]) => {
      g.strokeStyle = colour; g.lineWidth = width; g.setLineDash(dash); g.beginPath();
      history.forEach((p, i) => {
        const x = ((p[0] - t0) / span) * (w - 2 * pad) + pad;
        const y = h - pad - (p[k] / max) * (h - pad - top);
        if (i === 0) { g.moveTo(x, y); } else { g.lineTo(x, y); }
      });
      g.stroke();
    });
    g.setLineDash([]);
  }

  // ---- schedulers and transports
  function fillSelect(sel, names, value, missing) {
    if (document.activeElement === sel) { return; }
    const want = names.concat(names.indexOf(value) < 0 ? [value] : []);
    if (Array.prototype.map.call(sel.options, (o) => o.value).join() !== want.join()) {
      sel.textContent = '';
      want.forEach((n) => sel.appendChild(new Option(names.indexOf(n) < 0
        ? (missing ? missing(n) : n + ' (not installed)') : n, n)));
    }
    sel.value = value;
    sel.dataset.current = value;
  }
  function refreshSchedulers() {
    return get('schedulers.json').then((d) => {
      const names = d.installed.map((s) => s.name);
      fillSelect($('iceshare-scheduler-file'), names, d.file);
      fillSelect($('iceshare-scheduler-streaming'), names, d.streaming);
    });
  }
  // Transports: the selector puts a transport first in the preference of every peer, or of the one chosen.
  let transports = null;
  function showTransportChoice() {
    if (!transports) { return; }
    const scope = $('iceshare-transport-peer').value;
    const peer = scope ? transports.peers.find((p) => p.peer === scope) : null;
    const first = peer ? (peer.preference[0] || '') : (transports.first === null ? '' : transports.first);
    fillSelect($('iceshare-transport'), transports.installed.map((t) => t.name), first,
      (n) => (n === '' ? (transports.peers.length ? '(differs per peer)' : '(no peer)') : n + ' (not installed)'));
  }
  function refreshTransports() {
    return get('transports.json').then((d) => {
      transports = d;
      const scope = $('iceshare-transport-peer');
      if (document.activeElement !== scope) {
        const want = [''].concat(d.peers.map((p) => p.peer));
        const keep = scope.value;
        if (Array.prototype.map.call(scope.options, (o) => o.value).join() !== want.join()) {
          scope.textContent = '';
          want.forEach((n) => scope.appendChild(new Option(n === '' ? 'every peer' : n, n)));
        }
        scope.value = want.indexOf(keep) < 0 ? '' : keep;
      }
      showTransportChoice();
      const body = $('iceshare-transport-peers').tBodies[0];
      body.textContent = '';
      d.peers.forEach((p) => {
        const tr = el('tr');
        tr.dataset.peer = p.peer;
        tr.appendChild(el('td', p.peer));
        tr.appendChild(el('td', p.preference.join(',') + (p.notInstalled.length ? ' (' + p.notInstalled.join(', ') + ' not installed)' : '')));
        tr.appendChild(el('td', p.running ? (p.endpoints.map((e) => e.transport + ':' + e.port).join(', ') || '–') : 'not running'));
        const counts = p.connections ? Object.keys(p.connections).map((t) => t + ' ' + p.connections[t]) : [];
        tr.appendChild(el('td', counts.length ? counts.join(', ') : '–'));
        body.appendChild(tr);
      });
      if (d.peers.length === 0) {
        const tr = el('tr'); const td = el('td', 'No peer is configured.'); td.colSpan = 4; tr.appendChild(td); body.appendChild(tr);
      }
      $('iceshare-transport-note').textContent = d.tracker
        ? 'The tracker at ' + d.tracker.address + ' listens on every installed transport (' + (d.tracker.transports.join(', ') || 'none') + ').'
        : 'No tracker runs in this container.';
    });
  }
  $('iceshare-transport').addEventListener('change', () => {
    const sel = $('iceshare-transport');
    const msg = $('iceshare-transport-msg');
    if (!sel.value) { sel.value = sel.dataset.current; return; }
    const peer = $('iceshare-transport-peer').value;
    const params = peer ? { name: sel.value, peer: peer } : { name: sel.value };
    say(msg, 'putting ' + sel.value + ' first for ' + (peer || 'every peer') + '…');
    post('transport', params)
      .then((r) => { say(msg, r.message); sel.dataset.current = sel.value; sel.blur(); return refreshTransports(); })
      .catch((e) => { say(msg, e.message, true); sel.value = sel.dataset.current; });
  });
  $('iceshare-transport-peer').addEventListener('change', () => { $('iceshare-transport-peer').blur(); showTransportChoice(); });
  ['iceshare-scheduler-file', 'iceshare-scheduler-streaming'].forEach((id) => {
    const sel = $(id);
    sel.addEventListener('change', () => {
      const msg = $('iceshare-scheduler-msg');
      say(msg, 'switching ' + sel.dataset.kind + ' scheduler to ' + sel.value + '…');
      post('scheduler', { kind: sel.dataset.kind, name: sel.value })
        .then((r) => { say(msg, r.message); sel.dataset.current = sel.value; sel.blur(); return refreshSchedulers(); })
        .catch((e) => { say(msg, e.message, true); sel.value = sel.dataset.current; });
    });
  });

  // ---- forms
  function form(id, path, done) {
    const f = $(id);
    const out = $(id + '-result');
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      const button = f.querySelector('button'); button.disabled = true;
      say(out, 'working…');
      post(path, Object.fromEntries(new FormData(f).entries()))
        .then((r) => { done(out, r); poll(); })
        .catch((err) => say(out, err.message, true))
        .finally(() => { button.disabled = false; });
    });
  }
  form('iceshare-publish', 'publish', (out, r) => say(out, r.message));
  form('iceshare-get', 'get', (out, r) => { say(out, r.message); selected = r.content; });

  // ---- player
  function startPlayer(s) {
    const video = /\.(ogv|webm)$/i.test(s.name);
    const media = $(video ? 'iceshare-video' : 'iceshare-audio');
    const other = $(video ? 'iceshare-audio' : 'iceshare-video');
    other.pause(); other.removeAttribute('src'); other.hidden = true;
    media.hidden = false;
    media.src = s.playerUrl;
    $('iceshare-player-url').textContent = s.playerUrl;
    $('iceshare-now-playing').textContent = '– ' + s.name + ' at ' + s.peer;
    const p = media.play();
    if (p && p.catch) { p.catch((e) => say($('iceshare-now-playing'), '– cannot play: ' + e.message, true)); }
    titleBase = null;
    $('iceshare-player-title').textContent = '';
    clearTimeout(titleTimer);
    if (s.live) { showTitle(media.src, media); }
  }

  // ---- a live stream's title: the item of <player URL>/metadata in effect at the player's position. The
  // player starts at the peer's live edge, so its position 0 is taken as the live edge the first time it plays.
  let titleTimer = null;
  let titleBase = null;
  function showTitle(url, media) {
    fetch(url + '/metadata').then((r) => r.json()).then((m) => {
      if (titleBase === null && m.liveEdge !== null && media.currentTime > 0) { titleBase = m.liveEdge - media.currentTime; }
      const at = titleBase === null ? m.liveEdge : titleBase + media.currentTime;
      let now = null;
      m.items.forEach((i) => { if (at !== null && i.time <= at) { now = i; } });
      $('iceshare-player-title').textContent = now ? (now.artist ? now.artist + ' – ' : '') + now.title : '';
    }).catch(() => {}).finally(() => {
      if (media.src === url) { titleTimer = setTimeout(() => showTitle(url, media), 1000); }
    });
  }
  ['iceshare-audio', 'iceshare-video'].forEach((id) => $(id).addEventListener('timeupdate', (e) => {
    $('iceshare-player-time').textContent = e.target.currentTime.toFixed(1);
  }));

  // ---- polling
  let timer = null;
  let ticks = 0;
  function poll() {
    clearTimeout(timer);
    const jobs = [get('swarms.json').then(renderSwarms).then(refreshDetail)];
    if (ticks++ % 5 === 0) { jobs.push(refreshSchedulers(), refreshTransports()); }
    Promise.all(jobs)
      .then(() => say($('iceshare-updated'), 'Updated ' + new Date().toLocaleTimeString()))
      .catch((e) => say($('iceshare-updated'), 'Cannot update: ' + e.message, true))
      .finally(() => { timer = setTimeout(poll, 1000); });
  }
  poll();
}());
