// Switchboard dashboard. Everything that comes from the broker is put into the page as text (textContent, attribute
// values), never as markup, so a device called <img src=x onerror=alert(1)> is shown, not run. The server pushes
// updates with server-sent events; controls are POSTs carrying the anti-forgery token from /api/session.
'use strict';

(() => {
  const STREAM_KEEP = 500;      // messages kept by the page for the filter to search
  const STREAM_SHOW = 200;      // messages shown at once
  const RATE_WINDOW_MS = 10000; // a branch's rate is measured over this window
  const CONFIRM_MS = 5000;      // a control whose entity reports nothing for this long gets a warning

  const $ = (selector, root = document) => root.querySelector(selector);

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  // ------------------------------------------------------------------------------------------------ tabs
  for (const button of document.querySelectorAll('nav [data-tab]')) {
    button.addEventListener('click', () => {
      for (const other of document.querySelectorAll('nav [data-tab]')) other.setAttribute('aria-selected', String(other === button));
      for (const panel of document.querySelectorAll('[data-panel]')) panel.hidden = panel.dataset.panel !== button.dataset.tab;
      if (button.dataset.tab === 'traffic') drawChart();
    });
  }

  // ------------------------------------------------------------------------------------------------ session
  let csrf = null;
  async function session() {
    const response = await fetch('/api/session', { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`session: HTTP ${response.status}`);
    csrf = await response.json();
  }

  // ------------------------------------------------------------------------------------------------ status
  const badge = $('#connection');
  let serverNow = Date.now();
  let clockSkew = 0;
  function setConnection(state, title) {
    badge.dataset.state = state;
    badge.textContent = state === 'Connected' ? 'connected' : state === 'disconnected' ? 'dashboard unreachable' : `broker ${state.toLowerCase()}`;
    badge.title = title || '';
  }

  function applyStatus(status) {
    serverNow = Date.parse(status.now);
    clockSkew = serverNow - Date.now();
    setConnection(status.connection, [status.broker && `broker ${status.broker}`, status.lastError && `last error: ${status.lastError}`].filter(Boolean).join('; '));
    $('#traffic-counts').textContent =
      `${status.messagesSeen.toLocaleString()} messages seen · ${status.topics.toLocaleString()} topics (cap ${status.maxTopics.toLocaleString()}, ` +
      `${status.topicsEvicted.toLocaleString()} evicted) · stream cap ${status.maxStreamMessages.toLocaleString()} (${status.streamEvicted.toLocaleString()} evicted) · ` +
      `client ${status.clientId}${status.broker ? ` on ${status.broker}` : ''}, ${status.reconnects} reconnects`;
  }

  function now() { return Date.now() + clockSkew; }

  function ago(iso) {
    if (!iso) return '';
    const seconds = Math.max(0, Math.round((now() - Date.parse(iso)) / 1000));
    if (seconds < 60) return `${seconds} s ago`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
    if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
    return `${Math.floor(seconds / 86400)} d ago`;
  }

  // ------------------------------------------------------------------------------------------------ home
  const entities = new Map();   // id -> { row, node, parts, controlsKey, pending }
  const cards = new Map();      // deviceId -> { node, list, area }
  const areas = new Map();      // area -> { node, cards }
  const areasRoot = $('#areas');

  function num(value, digits = 1) {
    return Number.isInteger(value) ? String(value) : value.toFixed(digits).replace(/\.0+$/, '');
  }

  function stateText(row) {
    const s = row.state;
    if (!row.available) return 'unavailable';
    switch (row.component) {
      case 'button': return '';
      case 'light': {
        const parts = [s.value ?? 'unknown'];
        if (s.isOn && s.brightness != null) parts.push(`${Math.round(s.brightness / 2.55)} %`);
        if (s.isOn && s.colorTempKelvin != null) parts.push(`${s.colorTempKelvin} K`);
        return parts.join(', ');
      }
      case 'climate': {
        const parts = [s.hvacMode ?? s.value ?? 'unknown'];
        if (s.targetTemperature != null) parts.push(`target ${num(s.targetTemperature)} °`);
        if (s.currentTemperature != null) parts.push(`now ${num(s.currentTemperature)} °`);
        if (s.hvacAction) parts.push(s.hvacAction);
        return parts.join(', ');
      }
      case 'cover': return s.position != null ? `${s.value ?? 'unknown'}, ${s.position} %` : (s.value ?? 'unknown');
      case 'fan': {
        const parts = [s.value ?? 'unknown'];
        if (s.isOn && s.percentage != null) parts.push(`${s.percentage} %`);
        if (s.presetMode) parts.push(s.presetMode);
        return parts.join(', ');
      }
      case 'select': return s.option ?? s.value ?? 'unknown';
      default:
        if (s.numericValue != null) return `${num(s.numericValue, 2)}${s.unit ? ' ' + s.unit : ''}`;
        return s.value != null ? `${s.value}${s.unit ? ' ' + s.unit : ''}` : 'unknown';
    }
  }

  async function send(id, action, extra = {}) {
    const entry = entities.get(id);
    if (!entry) return;
    showError(entry, null);
    const noState = action === 'press';
    try {
      if (!csrf) await session();
      const response = await fetch('/api/command', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', [csrf.headerName]: csrf.csrf },
        body: JSON.stringify({ id, action, ...extra }),
      });
      let result = null;
      try { result = await response.json(); } catch { /* not JSON */ }
      if (!response.ok || !result || !result.ok) {
        if (response.status === 400 && result && /anti-forgery/.test(result.error || '')) csrf = null;
        showError(entry, (result && result.error) || `HTTP ${response.status}`);
        return;
      }
      if (!noState) {
        clearTimeout(entry.pendingTimer);
        entry.parts.pending.textContent = 'sent…';
        entry.pendingTimer = setTimeout(() => {
          entry.parts.pending.textContent = '';
          showError(entry, `${entry.row.name}: the device has not reported a new state within ${CONFIRM_MS / 1000} s.`);
        }, CONFIRM_MS);
      }
    } catch (error) {
      showError(entry, `The control did not reach the dashboard: ${error.message}`);
    }
  }

  function showError(entry, message) {
    entry.parts.error.hidden = !message;
    entry.parts.error.textContent = message || '';
  }

  function slider(label, id, action, min, max, step, current, format, key = 'number') {
    const value = el('span', { class: 'value' });
    const input = el('input', { type: 'range', min, max, step, 'aria-label': label, 'data-control': action });
    const show = () => { value.textContent = format(Number(input.value)); };
    input.addEventListener('input', show);
    input.addEventListener('change', () => send(id, action, { [key]: Number(input.value) }));
    const node = el('label', {}, label, input, value);
    node.update = (v) => { if (v != null && document.activeElement !== input) { input.value = v; show(); } };
    node.update(current);
    return node;
  }

  function choice(label, id, action, options, current) {
    const select = el('select', { 'aria-label': label, 'data-control': action },
      ...options.map((o) => el('option', { value: o, text: o })));
    select.addEventListener('change', () => send(id, action, { text: select.value }));
    const node = el('label', {}, label, select);
    node.update = (v) => { if (v != null && document.activeElement !== select) select.value = v; };
    node.update(current);
    return node;
  }

  function button(label, id, action, cls) {
    return el('button', { type: 'button', class: cls, 'data-control': action, onclick: () => send(id, action) , text: label });
  }

  // Controls are built once per entity (and again only when what it offers changes), then only their values follow
  // the state, and never while the user is holding one.
  function buildControls(row) {
    const id = row.id;
    const c = row.controls;
    const s = row.state;
    const has = (a) => c.actions.includes(a);
    const updaters = [];
    const nodes = [];
    if (has('toggle')) {
      const toggle = button(s.isOn ? 'Turn off' : 'Turn on', id, 'toggle', 'toggle');
      toggle.update = (r) => { toggle.setAttribute('aria-pressed', String(!!r.state.isOn)); toggle.textContent = r.state.isOn ? 'Turn off' : 'Turn on'; };
      nodes.push(toggle); updaters.push(toggle.update);
    }
    for (const a of ['open', 'stop', 'close', 'lock', 'unlock', 'press']) {
      if (has(a)) nodes.push(button(a[0].toUpperCase() + a.slice(1), id, a));
    }
    if (has('brightness')) {
      const n = slider('Brightness', id, 'brightness', 1, 255, 1, s.brightness, (v) => `${Math.round(v / 2.55)} %`);
      nodes.push(n); updaters.push((r) => n.update(r.state.brightness));
    }
    if (has('color_temp')) {
      const n = slider('Colour temperature', id, 'color_temp', c.kelvinMin, c.kelvinMax, 50, s.colorTempKelvin, (v) => `${v} K`);
      nodes.push(n); updaters.push((r) => n.update(r.state.colorTempKelvin));
    }
    if (has('position')) {
      const n = slider('Position', id, 'position', 0, 100, 1, s.position, (v) => `${v} %`);
      nodes.push(n); updaters.push((r) => n.update(r.state.position));
    }
    if (has('percentage')) {
      const n = slider('Speed', id, 'percentage', 0, 100, 1, s.percentage, (v) => `${v} %`);
      nodes.push(n); updaters.push((r) => n.update(r.state.percentage));
    }
    if (has('hvac_mode')) {
      const n = choice('Mode', id, 'hvac_mode', c.options, s.hvacMode);
      nodes.push(n); updaters.push((r) => n.update(r.state.hvacMode));
    }
    if (has('temperature')) {
      const n = slider('Target', id, 'temperature', c.min, c.max, c.step, s.targetTemperature, (v) => `${num(v)} °`);
      nodes.push(n); updaters.push((r) => n.update(r.state.targetTemperature));
    }
    if (has('preset')) {
      const n = choice('Preset', id, 'preset', c.presets, s.presetMode);
      nodes.push(n); updaters.push((r) => n.update(r.state.presetMode));
    }
    if (has('select')) {
      const n = choice('Option', id, 'select', c.options, s.option ?? s.value);
      nodes.push(n); updaters.push((r) => n.update(r.state.option ?? r.state.value));
    }
    if (has('set_value')) {
      const n = slider('Value', id, 'set_value', c.min, c.max, c.step, s.numericValue, (v) => num(v, 2));
      nodes.push(n); updaters.push((r) => n.update(r.state.numericValue));
    }
    return { nodes, update: (r) => updaters.forEach((u) => u(r)) };
  }

  function areaFor(name) {
    let area = areas.get(name);
    if (!area) {
      area = { node: el('div', { class: 'area', 'data-area': name }, el('h2', { text: name }), el('div', { class: 'cards' })) };
      areas.set(name, area);
      const sorted = [...areas.keys()].sort((a, b) => (a === 'Other') - (b === 'Other') || a.localeCompare(b));
      for (const key of sorted) areasRoot.append(areas.get(key).node);
    }
    return area;
  }

  function cardFor(row) {
    let card = cards.get(row.deviceId);
    if (card && card.area !== row.area) {
      card.node.remove();
      cards.delete(row.deviceId);
      card = null;
    }
    if (!card) {
      const list = el('div', { class: 'entities' });
      const meta = [row.manufacturer, row.model].filter(Boolean).join(' · ');
      const node = el('article', { class: 'card', 'data-device': row.deviceId },
        el('h3', { text: row.deviceName }), el('div', { class: 'meta', text: meta }), list);
      card = { node, list, area: row.area };
      cards.set(row.deviceId, card);
      const container = $('.cards', areaFor(row.area).node);
      container.append(node);
      const sorted = [...container.children].sort((a, b) => $('h3', a).textContent.localeCompare($('h3', b).textContent));
      for (const child of sorted) container.append(child);
    }
    return card;
  }

  function removeEntity(id) {
    const entry = entities.get(id);
    if (!entry) return;
    clearTimeout(entry.pendingTimer);
    entry.node.remove();
    entities.delete(id);
    const card = cards.get(entry.row.deviceId);
    if (card && card.list.children.length === 0) {
      card.node.remove();
      cards.delete(entry.row.deviceId);
      const area = areas.get(card.area);
      if (area && $('.cards', area.node).children.length === 0) {
        area.node.remove();
        areas.delete(card.area);
      }
    }
  }

  function applyEntity(row) {
    if (row.removed) { removeEntity(row.id); return; }
    let entry = entities.get(row.id);
    if (entry && (entry.row.deviceId !== row.deviceId || entry.row.area !== row.area)) {
      removeEntity(row.id);
      entry = null;
    }
    const controlsKey = JSON.stringify(row.controls);
    if (!entry) {
      const parts = {
        name: el('span', { class: 'name' }),
        state: el('span', { class: 'state', 'aria-live': 'polite' }),
        changed: el('div', { class: 'changed' }),
        pending: el('span', { class: 'pending' }),
        controls: el('div', { class: 'controls' }),
        error: el('p', { class: 'error', role: 'alert', hidden: true }),
      };
      const node = el('div', { class: 'entity', 'data-entity-id': row.id, 'data-component': row.component },
        el('div', { class: 'row' }, parts.name, parts.state), parts.changed, parts.pending, parts.controls, parts.error);
      entry = { row, node, parts, controlsKey: null, controls: null, pendingTimer: 0 };
      entities.set(row.id, entry);
      const list = cardFor(row).list;
      list.append(node);
      const sorted = [...list.children].sort((a, b) => $('.name', a).textContent.localeCompare($('.name', b).textContent));
      for (const child of sorted) list.append(child);
    } else if (JSON.stringify(entry.row.state) !== JSON.stringify(row.state) || entry.row.available !== row.available) {
      // The entity reported something: a pending control is answered.
      clearTimeout(entry.pendingTimer);
      entry.parts.pending.textContent = '';
      if (entry.parts.error.textContent.includes('has not reported')) showError(entry, null);
    }
    entry.row = row;
    entry.parts.name.textContent = row.name;
    entry.parts.state.textContent = stateText(row);
    entry.node.classList.toggle('unavailable', !row.available);
    entry.node.dataset.available = String(row.available);
    entry.parts.changed.dataset.at = row.lastChanged || '';
    entry.parts.changed.textContent = row.lastChanged ? `changed ${ago(row.lastChanged)}` : '';
    if (entry.controlsKey !== controlsKey) {
      entry.controls = buildControls(row);
      entry.parts.controls.replaceChildren(...entry.controls.nodes);
      entry.controlsKey = controlsKey;
    }
    entry.controls.update(row);
    for (const control of entry.parts.controls.querySelectorAll('button, select, input')) control.disabled = !row.available;
  }

  // ------------------------------------------------------------------------------------------------ services
  function applyServices(rows) {
    const table = $('#services-table');
    $('#services-empty').hidden = rows.length > 0;
    table.hidden = rows.length === 0;
    const body = $('tbody', table);
    body.replaceChildren(...rows.map((s) => {
      const status = s.ok === true ? el('span', { class: 'ok', text: 'ok' }) : s.ok === false ? el('span', { class: 'bad', text: 'not ok' }) : el('span', { text: '?' });
      const heartbeat = s.heartbeatAt
        ? el('span', { class: s.stale ? 'stale' : '', text: `${Math.round(s.heartbeatAgeSeconds)} s ago${s.stale ? ' (stale)' : ''} · every ${num(s.heartbeatIntervalSeconds)} s` })
        : el('span', { class: 'empty', text: 'none' });
      const details = [s.error && `error: ${s.error}`, s.problem, s.extra, s.healthAt && `health ${ago(s.healthAt)}`].filter(Boolean).join(' · ');
      return el('tr', { 'data-service': s.id },
        el('td', { text: s.id }),
        el('td', {}, status, ' ', el('span', { text: s.event || '' })),
        el('td', {}, heartbeat),
        el('td', { text: details }));
    }));
  }

  // ------------------------------------------------------------------------------------------------ topic tree
  const root = { name: '', path: '', children: new Map(), row: null, count: 0, rate: 0, history: [], el: null, open: true, depth: -1 };
  const treeRoot = $('#tree');

  function nodeFor(topic) {
    let node = root;
    const levels = topic.split('/');
    for (let i = 0; i < levels.length; i++) {
      let child = node.children.get(levels[i]);
      if (!child) {
        child = { name: levels[i], path: levels.slice(0, i + 1).join('/'), children: new Map(), row: null, count: 0, rate: 0, history: [], el: null, open: false, parent: node };
        node.children.set(levels[i], child);
      }
      node = child;
    }
    return node;
  }

  function prune(node) {
    while (node !== root && !node.row && node.children.size === 0) {
      node.parent.children.delete(node.name);
      if (node.el) node.el.li.remove();
      node = node.parent;
    }
  }

  function resetTree() {
    root.children.clear();
    treeRoot.replaceChildren();
  }

  function aggregate(node, t) {
    let count = node.row ? node.row.count : 0;
    for (const child of node.children.values()) count += aggregate(child, t);
    node.count = count;
    node.history.push([t, count]);
    while (node.history.length > 2 && t - node.history[0][0] > RATE_WINDOW_MS) node.history.shift();
    const [t0, c0] = node.history[0];
    node.rate = t > t0 ? ((count - c0) * 1000) / (t - t0) : 0;
    return count;
  }

  function renderNode(node) {
    if (!node.el) {
      const seg = el('span', { class: 'seg', text: node.name === '' ? '(empty)' : node.name });
      const counts = el('span', { class: 'num' });
      const ret = el('span', { class: 'ret', text: 'retained', hidden: true });
      const summary = el('summary', {}, seg, counts, ret);
      const body = el('div', {});
      const details = el('details', {}, summary, body);
      const li = el('li', { role: 'treeitem', 'data-topic': node.path }, details);
      details.addEventListener('toggle', () => { node.open = details.open; if (node.open) renderChildren(node); });
      node.el = { li, details, counts, ret, body, pre: null, ul: null };
    }
    const e = node.el;
    e.counts.textContent = `${node.count.toLocaleString()} msgs · ${node.rate.toFixed(node.rate < 10 ? 1 : 0)}/s`;
    e.ret.hidden = !(node.row && node.row.retained);
    if (node.open) renderChildren(node);
    return e.li;
  }

  function renderChildren(node) {
    const e = node.el;
    if (node.row) {
      if (!e.pre) {
        e.meta = el('div', { class: 'num' });
        e.pre = el('pre', {});
        e.body.prepend(e.meta, e.pre);
      }
      const r = node.row;
      e.meta.textContent = `${r.kind}, ${r.size.toLocaleString()} bytes, QoS ${r.qos}, last ${ago(r.lastAt)}`;
      e.pre.textContent = r.payload;
    }
    if (node.children.size > 0) {
      if (!e.ul) { e.ul = el('ul', { role: 'group' }); e.body.append(e.ul); }
      renderList(e.ul, node);
    }
  }

  function renderList(ul, node) {
    const sorted = [...node.children.values()].sort((a, b) => a.name.localeCompare(b.name));
    const items = sorted.map(renderNode);
    // Re-append only when the order or the set changed, so open details and scroll positions stay.
    if (items.length !== ul.children.length || items.some((item, i) => ul.children[i] !== item)) ul.replaceChildren(...items);
  }

  function applyTopics(update) {
    if (update.topicsReset) resetTree();
    for (const name of update.removedTopics) {
      const node = nodeFor(name);
      node.row = null;
      prune(node);
    }
    for (const row of update.topics) nodeFor(row.topic).row = row;
    aggregate(root, now());
    if (!$('#traffic').hidden || update.full) renderList(treeRoot, root);
  }

  // ------------------------------------------------------------------------------------------------ chart
  let rates = [];
  function applyRates(points, full) {
    // A full update (the first of each event stream, so again after every reconnect) carries the whole history.
    if (full) rates = [];
    rates = rates.concat(points).slice(-120);
    const last = rates[rates.length - 1];
    $('#rate-now').textContent = last ? `${last.count.toLocaleString()}/s` : '0/s';
    if (!$('#traffic').hidden) drawChart();
  }

  function drawChart() {
    const canvas = $('#rate-chart');
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 600;
    const height = canvas.clientHeight || 120;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const max = Math.max(1, ...rates.map((p) => p.count));
    g.strokeStyle = '#e5e7eb';
    g.beginPath(); g.moveTo(0, height - 0.5); g.lineTo(width, height - 0.5); g.stroke();
    g.fillStyle = '#6b7280';
    g.font = '10px system-ui, sans-serif';
    g.fillText(`${max.toLocaleString()}/s`, 4, 12);
    if (rates.length < 2) return;
    g.strokeStyle = '#2563eb';
    g.lineWidth = 1.5;
    g.beginPath();
    rates.forEach((p, i) => {
      const x = (i / 119) * width;
      const y = height - 2 - (p.count / max) * (height - 16);
      if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  }

  // ------------------------------------------------------------------------------------------------ stream
  let stream = [];
  let matcher = () => true;
  const streamList = $('#stream');

  // MQTT filter syntax: '+' is one whole level, '#' the rest (only as the last level); '$' topics need it spelled out.
  function compileFilter(text) {
    const filter = text.trim();
    if (filter === '') return () => true;
    const levels = filter.split('/');
    levels.forEach((level, i) => {
      if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) throw new Error("'#' must be a whole level and the last one");
      if (level.includes('+') && level !== '+') throw new Error("'+' must be a whole level");
    });
    return (topic) => {
      const parts = topic.split('/');
      if (topic.startsWith('$') && (levels[0] === '+' || levels[0] === '#')) return false;
      for (let i = 0; i < levels.length; i++) {
        if (levels[i] === '#') return true;
        if (i >= parts.length) return false;
        if (levels[i] !== '+' && levels[i] !== parts[i]) return false;
      }
      return parts.length === levels.length;
    };
  }

  function messageItem(m) {
    const time = new Date(m.at).toLocaleTimeString();
    return el('li', { 'data-seq': m.seq },
      el('div', { class: 'head' },
        el('span', { text: time }),
        el('span', { class: 'topic', text: m.topic }),
        el('span', { text: `QoS ${m.qos}${m.retained ? ' · retained' : ''} · ${m.size.toLocaleString()} B · ${m.kind}` })),
      el('pre', { text: m.payload }));
  }

  function renderStream() {
    const shown = [];
    for (let i = stream.length - 1; i >= 0 && shown.length < STREAM_SHOW; i--) {
      if (matcher(stream[i].topic)) shown.push(messageItem(stream[i]));
    }
    streamList.replaceChildren(...shown);
  }

  function applyMessages(messages, full) {
    if (full) stream = [];
    stream = stream.concat(messages).slice(-STREAM_KEEP);
    if ($('#stream-pause').checked || $('#traffic').hidden) return;
    if (full || messages.length > STREAM_SHOW) { renderStream(); return; }
    for (const m of messages) if (matcher(m.topic)) streamList.prepend(messageItem(m));
    while (streamList.children.length > STREAM_SHOW) streamList.lastElementChild.remove();
  }

  $('#stream-filter').addEventListener('input', (event) => {
    const error = $('#filter-error');
    try {
      matcher = compileFilter(event.target.value);
      error.hidden = true;
      error.textContent = '';
    } catch (e) {
      matcher = () => false;
      error.hidden = false;
      error.textContent = `Invalid filter: ${e.message}.`;
    }
    renderStream();
  });
  $('#stream-pause').addEventListener('change', renderStream);
  document.querySelector('nav [data-tab="traffic"]').addEventListener('click', () => { renderList(treeRoot, root); renderStream(); });

  // ------------------------------------------------------------------------------------------------ updates
  function apply(update) {
    applyStatus(update.status);
    if (update.full) {
      for (const id of [...entities.keys()]) removeEntity(id);
    }
    for (const row of update.entities) applyEntity(row);
    $('#home-empty').hidden = entities.size > 0;
    applyServices(update.services);
    applyTopics(update);
    applyRates(update.rates, update.full);
    applyMessages(update.messages, update.full);
  }

  function connect() {
    const events = new EventSource('/api/events');
    events.addEventListener('update', (event) => {
      try {
        apply(JSON.parse(event.data));
      } catch (error) {
        console.error('dashboard update failed', error);
      }
    });
    // EventSource reconnects by itself; the server sends everything again when it does.
    events.addEventListener('error', () => setConnection('disconnected', 'the dashboard itself cannot be reached; retrying'));
  }

  setInterval(() => {
    for (const node of document.querySelectorAll('.changed[data-at]')) {
      if (node.dataset.at) node.textContent = `changed ${ago(node.dataset.at)}`;
    }
  }, 1000);

  session().catch(() => { /* retried at the first control */ });
  connect();
})();
