// PNG plots of the medians with gnuplot (Debian's gnuplot-nox): throughput and CPU per operation on log scales,
// one cluster per workload, min – max as error bars; memory per idle connection against the 512 B target.
// A plot without data is left out, and a gnuplot failure costs that plot, never the report.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const preamble = [
  'set terminal pngcairo size 1200,600 font "sans,10"',
  'set style data histograms',
  'set style fill solid 0.85 border -1',
  'set key top right',
  'set grid ytics',
];

const quote = (s) => `"${String(s).replace(/"/g, '')}"`;
const missing = (v) => v === undefined || (typeof v === 'number' && !Number.isFinite(v));

function dataFile(dir, name, rows) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.map((r) => r.map((v) => (missing(v) ? 'NaN' : v)).join('\t')).join('\n') + '\n');
  return file;
}

function clustered({ data, ylabel, servers, errorbars }) {
  const cols = errorbars ? 3 : 1;
  const series = servers.map((s, i) => {
    const c = 2 + i * cols;
    const using = errorbars ? `${c}:${c + 1}:${c + 2}` : `${c}`;
    return `${i === 0 ? quote(data) : "''"} using ${using}${i === 0 ? ':xtic(1)' : ''} title ${quote(s.label)}`;
  });
  return [
    `set ylabel ${quote(ylabel)}`,
    'set logscale y',
    'set xtics rotate by -20',
    `set style histogram ${errorbars ? 'errorbars gap 2 lw 1' : 'clustered gap 2'}`,
    `plot ${series.join(', ')}`,
  ];
}

// Returns [{ title, file }] of the PNGs written into outDir.
function draw({ outDir, workloads, servers, summaries }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-plot-'));
  const get = (w, s) => summaries.get(`${w}/${s}`) || {};
  const label = (w) => quote(w.id.replace(/_/g, ' '));
  const rated = workloads.filter((w) => !w.lowerIsBetter);
  const hasAny = (rows) => rows.some((r) => r.slice(1).some((v) => !missing(v)));

  // gnuplot draws no histogram at all when one series has no point: a server measured on none of these rows
  // (socket.io + redis runs only the Redis rows) gets no series.
  const plotted = servers.filter((s) => rated.some((w) => !missing(get(w.id, s.id).median)));
  const throughputRows = rated.map((w) =>
    [label(w), ...plotted.flatMap((s) => [get(w.id, s.id).median, get(w.id, s.id).min, get(w.id, s.id).max])]);
  const cpuRows = rated.map((w) => [label(w), ...plotted.map((s) => get(w.id, s.id).cpuUsPerOp)]);
  const memoryRows = servers.map((s) => [quote(s.label), get('ws_idle_10k', s.id).median]);

  const jobs = [
    { title: 'Throughput per workload (log scale)', file: 'throughput.png', rows: throughputRows,
      body: (data) => clustered({ data, ylabel: 'operations/s', servers: plotted, errorbars: true }) },
    { title: 'Server CPU time per operation (log scale)', file: 'cpu_per_op.png', rows: cpuRows,
      body: (data) => clustered({ data, ylabel: 'server CPU µs per operation', servers: plotted, errorbars: false }) },
    { title: 'Memory per idle WebSocket connection', file: 'memory.png', rows: memoryRows,
      body: (data) => [
        'set ylabel "resident anonymous bytes per connection (RssAnon)"',
        'set style histogram clustered gap 1',
        'set key top left',
        `plot ${quote(data)} using 2:xtic(1) title "10,000 idle connections", 512 with lines lw 2 dt 2 title "target 512 B"`,
      ] },
  ];
  const drawn = [];
  try {
    for (const job of jobs) {
      fs.rmSync(path.join(outDir, job.file), { force: true });  // no stale plot from an earlier run may stay
      if (!hasAny(job.rows)) continue;
      const data = dataFile(tmp, `${job.file}.dat`, job.rows);
      const script = [...preamble, `set output ${quote(path.join(outDir, job.file))}`, `set title ${quote(job.title)}`,
        ...job.body(data)].join('\n');
      try {
        execFileSync('gnuplot', [], { input: script, stdio: ['pipe', 'ignore', 'pipe'] });
        drawn.push({ title: job.title, file: job.file });
      } catch (e) {
        console.error(`bench: gnuplot could not draw ${job.file}: ${String(e.stderr || e.message).trim()}`);
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return drawn;
}

module.exports = { draw };
