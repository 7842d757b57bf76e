// The duplex demo page: one WebSocket to /ws (the seed's client, made visible), a message log,
// live readyState / bufferedAmount, reconnection with capped exponential backoff, and /api/stats.
// Plain modern JS with no build step so that the file reads like the seed's <script>.
'use strict';

const STATE_NAMES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
const CLOSED = 3;
const GREETING = 'from client: hello';
const BACKOFF = { firstMs: 500, factor: 2, maxMs: 15000, jitter: 0.2 };
const STATS_EVERY_MS = 1500;
const STATS_TIMEOUT_MS = 3000;
const RENDER_EVERY_MS = 100;
const LOG_LIMIT = 500;
const CLOSE_CODES = {
  1000: 'normal closure', 1001: 'going away', 1002: 'protocol error', 1003: 'unsupported data',
  1005: 'no status code', 1006: 'abnormal closure, no close frame', 1007: 'invalid payload',
  1008: 'policy violation', 1009: 'message too big', 1011: 'server error',
};

const $ = (id) => document.getElementById(id);

// The seed connects to ws://localhost:8080; the page is served on another port (3000), so the
// WebSocket port is fixed and only the host follows the page. A page loaded over https talks wss://
// (a browser refuses ws:// from it: mixed content). ?ws=<url> overrides it (tests).
function socketUrl(location) {
  const override = new URLSearchParams(location.search).get('ws');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return override || `${scheme}://${location.hostname || 'localhost'}:8080/ws`;
}

const url = socketUrl(window.location);

// One connection at a time. `userClosed` is set by Disconnect and blocks auto-reconnect until
// the user presses Connect again; `attempt` counts failures since the last OPEN (drives backoff).
const conn = { ws: null, userClosed: false, attempt: 0, retryAt: 0, retryTimer: 0 };

// ---- message log ---------------------------------------------------------------------------

const pad = (n, width = 2) => String(n).padStart(width, '0');

function clockTime(date) {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

const DIRECTION_LABELS = { in: 'received', out: 'sent', sys: 'event' };

function log(direction, text) {
  const list = $('log');
  // Follow new entries only when the reader is already at the bottom, so scrolling back stays put.
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
  const now = new Date();

  const item = document.createElement('li');
  item.className = `msg msg-${direction}`;
  item.dataset.direction = direction;
  const time = document.createElement('time');
  time.dateTime = now.toISOString();
  time.textContent = clockTime(now);
  const badge = document.createElement('span');
  badge.className = 'badge';
  badge.textContent = DIRECTION_LABELS[direction];
  const body = document.createElement('span');
  body.className = 'msg-text';
  body.textContent = text; // textContent, never innerHTML: broadcast text comes from other clients
  item.append(time, badge, body);
  list.append(item);

  while (list.childElementCount > LOG_LIMIT) list.firstElementChild.remove();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function describeData(data) {
  return typeof data === 'string' ? data : `[binary, ${data.byteLength} bytes]`;
}

function describeClose(event) {
  const meaning = CLOSE_CODES[event.code] || 'unknown';
  const reason = event.reason ? `, reason "${event.reason}"` : '';
  return `Connection closed: code ${event.code} (${meaning})${reason}`;
}

// ---- connection ----------------------------------------------------------------------------

function isOpen() {
  return conn.ws !== null && conn.ws.readyState === WebSocket.OPEN;
}

function send(text) {
  if (!isOpen() || text === '') return false;
  conn.ws.send(text);
  log('out', text);
  return true;
}

function cancelRetry() {
  clearTimeout(conn.retryTimer);
  conn.retryTimer = 0;
  conn.retryAt = 0;
}

function scheduleRetry() {
  const base = Math.min(BACKOFF.maxMs, BACKOFF.firstMs * BACKOFF.factor ** conn.attempt);
  // Jitter spreads the reconnects of many tabs after a server restart.
  const delay = Math.round(base * (1 - BACKOFF.jitter + 2 * BACKOFF.jitter * Math.random()));
  conn.attempt += 1;
  conn.retryAt = Date.now() + delay;
  conn.retryTimer = setTimeout(connect, delay);
  log('sys', `Reconnect attempt ${conn.attempt} in ${(delay / 1000).toFixed(1)} s`);
}

function connect() {
  cancelRetry();
  conn.userClosed = false;
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (error) {
    // A malformed ?ws= URL never gets better: report it and do not retry.
    conn.ws = null;
    conn.userClosed = true;
    log('sys', `Cannot connect to ${url}: ${error.message}`);
    render();
    return;
  }
  ws.binaryType = 'arraybuffer';
  conn.ws = ws;
  log('sys', `Connecting to ${url}`);

  // Events of a socket that has been replaced (Connect pressed while it was closing) are ignored.
  ws.onopen = () => {
    if (ws !== conn.ws) return;
    conn.attempt = 0;
    log('sys', 'Connection open');
    send(GREETING);
    render();
    // Ready to type again, unless the user is busy with another control.
    if (document.activeElement === document.body) $('message-input').focus();
  };
  ws.onmessage = (event) => {
    if (ws === conn.ws) log('in', describeData(event.data));
  };
  ws.onclose = (event) => {
    if (ws !== conn.ws) return;
    log('sys', describeClose(event));
    if (!conn.userClosed) scheduleRetry();
    render();
  };
  // onerror carries no detail by design (browsers hide it); onclose always follows and reports.
  render();
}

function disconnect() {
  conn.userClosed = true;
  if (conn.retryAt) log('sys', 'Reconnect cancelled');
  cancelRetry();
  const ws = conn.ws;
  if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'user pressed Disconnect');
  render();
}

// ---- live view -------------------------------------------------------------------------------

// Writes only on change: the render tick runs ten times a second.
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

function render() {
  const state = conn.ws ? conn.ws.readyState : CLOSED;
  const pill = $('ready-state');
  if (pill.dataset.state !== String(state)) {
    pill.dataset.state = String(state);
    document.body.dataset.state = String(state);
    for (const row of $('state-legend').children) row.classList.toggle('current', row.dataset.state === String(state));
  }
  setText($('ready-state-name'), STATE_NAMES[state]);
  setText($('ready-state-code'), String(state));
  setText($('buffered-amount'), String(conn.ws ? conn.ws.bufferedAmount : 0));

  const reconnect = $('reconnect');
  const pending = conn.retryAt !== 0;
  reconnect.dataset.pending = String(pending);
  if (pending) {
    const seconds = Math.max(0, conn.retryAt - Date.now()) / 1000;
    setText(reconnect, `attempt ${conn.attempt} in ${seconds.toFixed(1)} s`);
  } else {
    setText(reconnect, conn.userClosed ? 'off (disconnected by you)' : 'automatic, with backoff');
  }

  const open = state === WebSocket.OPEN;
  $('connect').disabled = !(state === CLOSED || pending);
  $('connect').textContent = pending ? 'Connect now' : 'Connect';
  $('disconnect').disabled = !(state <= WebSocket.OPEN || pending);
  $('message-input').disabled = !open;
  $('send').disabled = !open;
}

// ---- server stats ------------------------------------------------------------------------------

const STAT_FIELDS = {
  http_requests: 'stat-http-requests',
  ws_connections: 'stat-ws-connections',
  ws_messages: 'stat-ws-messages',
};
const numberFormat = new Intl.NumberFormat();
// Five digits and more in the compact form ("10.2K", "3.4M"): a tile is a third of the card and its figure must stay
// on one line. The exact number is the tile's tooltip.
const compactFormat = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const formatStat = (value) => (value < 10000 ? numberFormat : compactFormat).format(value);
let statsBusy = false;

function showStat(element, value) {
  if (element.dataset.value === String(value)) return;
  const changed = element.dataset.value !== undefined;
  element.dataset.value = String(value);
  element.textContent = formatStat(value);
  element.title = numberFormat.format(value);
  if (changed) {
    // Restart the highlight animation: drop the class, force a style flush, add it back.
    element.classList.remove('bump');
    void element.offsetWidth;
    element.classList.add('bump');
  }
}

async function refreshStats() {
  if (statsBusy) return; // a slow server must not pile up requests
  statsBusy = true;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), STATS_TIMEOUT_MS);
  const status = $('stats-status');
  try {
    const response = await fetch('/api/stats', { cache: 'no-store', signal: abort.signal });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const stats = await response.json();
    for (const [field, id] of Object.entries(STAT_FIELDS)) {
      if (Number.isFinite(stats[field])) showStat($(id), stats[field]);
    }
    status.textContent = `updated ${clockTime(new Date()).slice(0, 8)}`;
    status.classList.remove('error');
  } catch (error) {
    status.textContent = error.name === 'AbortError' ? 'timed out' : `unavailable (${error.message})`;
    status.classList.add('error');
  } finally {
    clearTimeout(timer);
    statsBusy = false;
  }
}

// ---- wiring ----------------------------------------------------------------------------------

function start() {
  $('ws-url').textContent = url;
  $('connect').addEventListener('click', connect);
  $('disconnect').addEventListener('click', disconnect);
  $('clear-log').addEventListener('click', () => $('log').replaceChildren());
  // A form submit covers both the Enter key and the Send button.
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('message-input');
    if (send(input.value)) input.value = '';
    input.focus();
  });

  connect();
  refreshStats();
  setInterval(render, RENDER_EVERY_MS);
  setInterval(refreshStats, STATS_EVERY_MS);
}

start();
