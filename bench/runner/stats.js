// Medians and spreads of the samples of one (workload, server) pair.
'use strict';

function median(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// samples: every record of the run. Returns Map "workload/server" -> summary of its successful runs.
function summarize(samples) {
  const groups = new Map();
  for (const s of samples) {
    const key = `${s.workload}/${s.server}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(s);
  }
  const summaries = new Map();
  for (const [key, group] of groups) {
    const ok = group.filter((s) => s.ok);
    const values = ok.map((s) => s.value);
    const pick = (field) => median(ok.map((s) => s[field]));
    summaries.set(key, {
      runs: group.length,
      failures: group.filter((s) => !s.ok).map((s) => s.error),
      median: median(values),
      min: values.length ? Math.min(...values) : NaN,
      max: values.length ? Math.max(...values) : NaN,
      cpuUsPerOp: pick('cpuUsPerOp'),
      serverCpuPct: pick('serverCpuPct'),
      loadCpuPct: pick('loadCpuPct'),
      p50Us: pick('p50Us'),
      p99Us: pick('p99Us'),
      mbPerS: pick('mbPerS'),
      rssPerConn: pick('rssPerConn'),
      openSeconds: pick('openSeconds'),
    });
  }
  return summaries;
}

module.exports = { median, summarize };
