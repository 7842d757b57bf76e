// The targets of issue 7, each judged from the medians as met, not met, or not measured.
//
// When duplex's core was not saturated (below 90% of it busy), the load generator was the limit and throughput ties;
// the comparison then uses server CPU time per operation (ops per CPU second), as the issue asks. Otherwise it uses
// throughput. Memory compares bytes per idle connection.
'use strict';

const { judge: redisJudge } = require('./redis_workloads');

const saturated = 90;  // percent of one core

const throughputWorkloads = ['http_hello', 'http_index', 'http_1mib', 'ws_echo_32', 'ws_echo_16k', 'ws_connect',
  'ws_fanout_1k'];

// How many times better duplex is than the peer, and on which basis.
function advantage(workload, duplex, peer) {
  if (workload === 'ws_idle_10k') return { factor: peer.median / duplex.median, basis: 'bytes per connection' };
  if (duplex.serverCpuPct >= saturated) return { factor: duplex.median / peer.median, basis: 'throughput' };
  return { factor: peer.cpuUsPerOp / duplex.cpuUsPerOp, basis: 'server CPU per op (duplex core not saturated)' };
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');

function judge(summaries, labels) {
  const get = (workload, server) => {
    const s = summaries.get(`${workload}/${server}`);
    return s && Number.isFinite(s.median) ? s : null;
  };
  const results = [];
  const add = (text, ok, detail) => results.push({ text, status: ok === null ? 'not measured' : ok ? 'met' : 'not met', detail });

  for (const w of [...throughputWorkloads, 'ws_idle_10k']) {
    const d = get(w, 'duplex');
    const e = get(w, 'express_ws');
    const text = `duplex >= 10x ${labels.express_ws} on ${w}`;
    if (!d || !e) { add(text, null, 'missing samples'); continue; }
    const a = advantage(w, d, e);
    // What the one-core ceiling itself achieves over the peer tells whether 10x is reachable on this machine at all.
    const r = get(w, 'raw');
    const ceiling = r ? `; the raw ceiling is ${fmt(advantage(w, r, e).factor)}x ${labels.express_ws}` : '';
    add(text, a.factor >= 10, `${fmt(a.factor)}x (${a.basis})${ceiling}`);
  }
  for (const w of ['http_hello', 'http_1mib_disk', 'ws_echo_32', 'ws_echo_16k']) {
    const d = get(w, 'duplex');
    const u = get(w, 'uws');
    const text = `duplex server CPU/op <= ${labels.uws} on ${w}`;
    if (!d || !u) { add(text, null, 'missing samples'); continue; }
    add(text, d.cpuUsPerOp <= u.cpuUsPerOp, `${fmt(d.cpuUsPerOp)} vs ${fmt(u.cpuUsPerOp)} us/op`);
  }
  for (const w of ['http_hello', 'ws_echo_32']) {
    const d = get(w, 'duplex');
    const r = get(w, 'raw');
    const text = `duplex >= 0.85x ${labels.raw} on ${w}`;
    if (!d || !r) { add(text, null, 'missing samples'); continue; }
    const a = advantage(w, d, r);
    add(text, a.factor >= 0.85, `${fmt(a.factor)}x (${a.basis})`);
  }
  {
  // Issue 19: the coded index comes from the file cache, so it costs about what the plain one does.
  const plain = get('http_index', 'duplex');
  const coded = get('http_index_gzip', 'duplex');
  add('duplex server CPU/op on http_index_gzip <= 1.1x http_index', plain && coded ? coded.cpuUsPerOp <= 1.1 * plain.cpuUsPerOp : null,
    plain && coded ? `${fmt(coded.cpuUsPerOp)} vs ${fmt(plain.cpuUsPerOp)} us/op (${fmt(coded.cpuUsPerOp / plain.cpuUsPerOp)}x)` : 'missing samples');
  }
  {
  // What a session costs: the hello route behind duplex::session (valid cookie) against the plain one.
  const plain = get('http_hello', 'duplex');
  const withSession = get('http_hello_session', 'duplex');
  add('duplex http_hello_session server CPU/op <= 1.3x http_hello', plain && withSession
    ? withSession.cpuUsPerOp <= 1.3 * plain.cpuUsPerOp : null, plain && withSession
    ? `${fmt(withSession.cpuUsPerOp)} vs ${fmt(plain.cpuUsPerOp)} us/op (${fmt(withSession.cpuUsPerOp / plain.cpuUsPerOp)}x)`
    : 'missing samples');
  }
  results.push(...redisJudge(summaries, labels));  // issue 18: redis_fanout against socket.io's Redis adapter
  const m = get('ws_idle_10k', 'duplex');
  add('duplex memory per idle WS connection <= 512 B', m ? m.median <= 512 : null,
    m ? `${m.median.toFixed(0)} B` : 'missing samples');
  return results;
}

module.exports = { judge, saturated };
