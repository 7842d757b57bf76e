// The TLS rows of issue 16: each is the TLS 1.3 twin of a plaintext row (same tool, path, connections and check),
// run against servers started with --tls-cert/--tls-key. The certificate is made for the run by
// apps/demo/make-cert.sh in a temporary directory and removed afterwards. Besides the rows themselves this file
// judges the TLS targets and writes the "TLS cost per operation over plaintext" section of the report.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

// The raw epoll ceiling has no TLS: its cells stay empty ("–").
const tlsServers = ['duplex', 'express_ws', 'uws'];

const rows = [
  { id: 'https_hello', plain: 'http_hello', title: 'HTTPS GET /api/hello/bench (TLS 1.3, keep-alive)' },
  { id: 'wss_echo_32', plain: 'ws_echo_32', title: 'WSS echo, 32 B x 100 connections (TLS 1.3)' },
  { id: 'wss_connect', plain: 'ws_connect', title: 'WSS connect + full TLS 1.3 handshake + upgrade + close' },
  // 10,000 full handshakes take longer to open than plaintext connections: more time before the loadgen gives up.
  { id: 'wss_idle_10k', plain: 'ws_idle_10k', title: 'Idle memory, 10,000 WSS connections (TLS 1.3)',
    extraArgs: ['--setup-timeout', '80'] },
];

// The TLS workloads, built from the plaintext list they mirror.
function twins(plainList) {
  return rows.map((row) => {
    const plain = plainList.find((w) => w.id === row.plain);
    if (!plain) throw new Error(`TLS row ${row.id} needs the plaintext row ${row.plain}`);
    const { extraArgs = [], ...fields } = row;
    return { ...plain, ...fields, args: plain.args && [...plain.args, ...extraArgs], tls: true, servers: tlsServers };
  });
}

// A CA and a certificate for 127.0.0.1 in a fresh temporary directory: { dir, cert, key, ca }.
function makeCerts(repo) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'duplex-bench-tls-'));
  execFileSync('sh', [path.join(repo, 'apps', 'demo', 'make-cert.sh'), dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { dir, cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem'), ca: path.join(dir, 'ca.pem') };
}

function removeCerts(certs) {
  if (certs) fs.rmSync(certs.dir, { recursive: true, force: true });
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

function getter(summaries) {
  return (workload, server) => {
    const s = summaries.get(`${workload}/${server}`);
    return s && Number.isFinite(s.median) ? s : null;
  };
}

// Issue 16's targets: duplex's server CPU per operation at or below uWebSockets.js' on each TLS row.
function judge(summaries, labels) {
  const get = getter(summaries);
  return rows.filter((r) => r.id !== 'wss_idle_10k').map((r) => {
    const d = get(r.id, 'duplex');
    const u = get(r.id, 'uws');
    const text = `duplex server CPU/op <= ${labels.uws} on ${r.id}`;
    if (!d || !u) return { text, status: 'not measured', detail: 'missing samples' };
    return { text, status: d.cpuUsPerOp <= u.cpuUsPerOp ? 'met' : 'not met',
      detail: `${fmt(d.cpuUsPerOp)} vs ${fmt(u.cpuUsPerOp)} us/op (${fmt(d.cpuUsPerOp / u.cpuUsPerOp)}x)` };
  });
}

// The report's TLS section (markdown lines): what TLS adds per operation and per idle connection, per server.
function section({ summaries, servers, workloads, num, table }) {
  const get = getter(summaries);
  const chosen = rows.filter((r) => workloads.some((w) => w.id === r.id));
  const present = servers.filter((s) => chosen.some((r) => get(r.id, s.id)));
  if (!chosen.length || !present.length) return [];
  const out = ['## TLS cost per operation over plaintext', ''];
  out.push('Server CPU µs per operation over TLS 1.3 against the same workload in plaintext, from the medians of this ' +
    'run: the added µs and the ratio. A wss_connect cycle includes a full handshake (no resumption: the load ' +
    'generator keeps no sessions), so its cost is mostly the key exchange and the certificate signature.', '');
  const cpuRows = chosen.filter((r) => r.id !== 'wss_idle_10k');
  out.push(table(['TLS row', 'server', 'TLS µs/op', 'plaintext µs/op', 'added µs/op', 'TLS / plaintext'],
    cpuRows.flatMap((r) => present.map((s) => {
      const t = get(r.id, s.id)?.cpuUsPerOp;
      const p = get(r.plain, s.id)?.cpuUsPerOp;
      return [`${r.id} vs ${r.plain}`, s.label, num(t, 2), num(p, 2), num(t - p, 2), num(t / p, 2)];
    }))));
  out.push('');
  if (chosen.some((r) => r.id === 'wss_idle_10k')) {
    out.push('Idle memory per connection (RssAnon bytes, medians) with TLS and without:', '');
    out.push(table(['server', 'wss B/conn', 'ws B/conn', 'added by TLS'], present.map((s) => {
      const t = get('wss_idle_10k', s.id)?.median;
      const p = get('ws_idle_10k', s.id)?.median;
      return [s.label, num(t, 0), num(p, 0), num(t - p, 0)];
    })));
    out.push('');
  }
  return out;
}

module.exports = { twins, makeCerts, removeCerts, judge, section };
