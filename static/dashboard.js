// The live metrics dashboard: subscribes to /metrics/live (one summary a second), turns totals into rates and
// histogram deltas into percentiles, and draws the last two minutes on four canvases. No library, no CDN.
'use strict';

const POINTS = 120;
const series = { rps: [], p50: [], p95: [], p99: [], http: [], ws: [], wsps: [] };
const state = { samples: 0, last: null };
window.dashboard = { series, state };  // for the browser test and the curious

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function push(name, v) {
  const s = series[name];
  s.push(v);
  if (s.length > POINTS) s.shift();
}

// The value below which fraction q of the interval's requests fall, interpolated inside its bucket (ms).
function percentile(bounds, delta, q) {
  const total = delta[delta.length - 1];
  if (!(total > 0)) return null;
  const want = q * total;
  for (let i = 0; i < delta.length; i++) {
    if (delta[i] >= want) {
      const lo = i === 0 ? 0 : bounds[i - 1];
      const hi = i < bounds.length ? bounds[i] : bounds[bounds.length - 1] * 2;
      const below = i === 0 ? 0 : delta[i - 1];
      const inside = delta[i] - below;
      return 1000 * (lo + (hi - lo) * (inside > 0 ? (want - below) / inside : 1));
    }
  }
  return null;
}

function compact(v) {
  if (v === null || v === undefined) return '–';
  if (v === 0) return '0';
  if (v >= 1e6) return (v / 1e6).toFixed(1) + 'M';
  if (v >= 1e4) return (v / 1e3).toFixed(1) + 'k';
  if (v < 1) return String(Number(v.toPrecision(2)));  // latency in ms: 0.013, not 0.01
  return v >= 100 ? Math.round(v).toString() : v.toFixed(v >= 10 ? 1 : 2);
}

function onSample(m) {
  const prev = state.last;
  state.last = m;
  state.samples += 1;
  push('http', m.http_open);
  push('ws', m.ws_open);
  if (prev) {
    const dt = Math.max((m.t - prev.t) / 1000, 0.001);
    push('rps', Math.max(0, (m.http_requests - prev.http_requests) / dt));
    push('wsps', Math.max(0, (m.ws_messages - prev.ws_messages) / dt));
    const now = m.latency.buckets, before = prev.latency.buckets;
    const delta = now.map((n, i) => n - (before[i] || 0));
    for (const [name, q] of [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]])
      push(name, percentile(m.latency.bounds, delta, q));
  }
  render();
}

function render() {
  const last = (name) => series[name][series[name].length - 1];
  const rps = document.getElementById('rps');
  rps.dataset.value = String(last('rps') ?? 0);
  rps.textContent = compact(last('rps') ?? 0);
  const wsps = document.getElementById('wsps');
  wsps.dataset.value = String(last('wsps') ?? 0);
  wsps.textContent = compact(last('wsps') ?? 0);
  const lat = document.getElementById('latency');
  for (const p of ['p50', 'p95', 'p99']) lat.dataset[p] = last(p) == null ? '' : String(last(p));
  lat.textContent = `p50 ${compact(last('p50'))} · p95 ${compact(last('p95'))} · p99 ${compact(last('p99'))}`;
  const open = document.getElementById('open');
  open.dataset.http = String(last('http') ?? 0);
  open.dataset.ws = String(last('ws') ?? 0);
  open.textContent = `HTTP ${last('http') ?? 0} · WS ${last('ws') ?? 0}`;
  draw('chart-rps', [['rps', '--c1']]);
  draw('chart-latency', [['p50', '--c2'], ['p95', '--c1'], ['p99', '--c3']]);
  draw('chart-open', [['http', '--c1'], ['ws', '--c2']]);
  draw('chart-ws', [['wsps', '--c2']]);
}

// Lines over a shared y scale (0 to a rounded-up maximum), newest point at the right edge; null is a gap.
function draw(id, lines) {
  const canvas = document.querySelector(`#${id} canvas`);
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
  if (canvas.height !== Math.round(h * dpr)) canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  let max = 0;
  for (const [name] of lines) for (const v of series[name]) if (v !== null && v > max) max = v;
  const nice = max <= 0 ? 1 : Math.pow(10, Math.floor(Math.log10(max)));
  const top = Math.ceil(max / nice) * nice || 1;
  const left = 44, bottom = h - 16;
  g.strokeStyle = css('--border');
  g.fillStyle = css('--muted');
  g.font = '11px ' + css('--sans');
  g.lineWidth = 1;
  for (let i = 0; i <= 2; i++) {
    const y = Math.round(bottom - (bottom - 6) * i / 2) + 0.5;
    g.beginPath(); g.moveTo(left, y); g.lineTo(w, y); g.stroke();
    const tick = top * i / 2;
    g.fillText(tick >= 1 && Number.isInteger(tick) ? compact(tick).replace(/\.0+(?=[kM]?$)/, '') : compact(tick), 2, y + 4);
  }
  g.fillText('2 min', left, h - 2);
  g.fillText('now', w - 24, h - 2);
  const step = (w - left) / (POINTS - 1);
  for (const [name, color] of lines) {
    const s = series[name];
    g.strokeStyle = css(color);
    g.lineWidth = 2;
    g.beginPath();
    let pen = false;
    s.forEach((v, i) => {
      if (v === null) { pen = false; return; }
      const x = left + (POINTS - s.length + i) * step;
      const y = bottom - (bottom - 6) * (v / top);
      if (pen) g.lineTo(x, y); else { g.moveTo(x - 1, y); g.lineTo(x, y); }  // a lone point still shows
      pen = true;
    });
    g.stroke();
  }
}

// The feed, reconnecting with capped backoff.
function connect(delay) {
  const feed = document.getElementById('feed-state');
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/metrics/live`);
  ws.onopen = () => { feed.dataset.state = 'live'; feed.textContent = 'live'; delay = 500; };
  ws.onmessage = (e) => onSample(JSON.parse(e.data));
  ws.onclose = () => {
    feed.dataset.state = 'reconnecting';
    feed.textContent = 'reconnecting';
    setTimeout(() => connect(Math.min(delay * 2, 8000)), delay);
  };
}

window.addEventListener('resize', render);
render();
connect(500);
