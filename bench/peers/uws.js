// uWebSockets (through its Node binding, @trufflesuite/uws-js-unofficial) as a benchmark peer: the hello route,
// static files, /echo and /ws with publish, with the demo's flags and ready lines; with --tls-cert/--tls-key both
// ports are uWS's SSLApp (https and wss).
// uWS has no static file module: files are read once at startup and served from memory with ETag/Last-Modified
// and 304 (no Range), which is how uWS applications usually serve small static sets. Files over 1 MiB (duplex's
// per-file cache limit) are read again on every request (readFileSync: the page cache, on the loop), as duplex does.
'use strict';

const fs = require('fs');
const path = require('path');
const { parseArgs, announce } = require('./args');

// Load the native addon directly: the package silently falls back to a pure-JS server when the binary does not
// load, and that would put the wrong server in the numbers.
function loadNative() {
  const dir = path.dirname(require.resolve('@trufflesuite/uws-js-unofficial/package.json'));
  const name = `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;
  return require(path.join(dir, 'binaries', name));
}

const uWS = loadNative();
const options = parseArgs(process.argv.slice(2));
const stats = { http_requests: 0, ws_connections: 0, ws_messages: 0 };
const mimeTypes = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.txt': 'text/plain; charset=utf-8', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
};

function loadFiles(root) {
  const files = new Map();
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) { walk(full); continue; }
      const stat = fs.statSync(full);
      files.set('/' + path.relative(root, full).split(path.sep).join('/'), {
        body: stat.size > 1 << 20 ? null : fs.readFileSync(full),
        path: full,
        type: mimeTypes[path.extname(full)] || 'application/octet-stream',
        etag: `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`,
        lastModified: stat.mtime.toUTCString(),
      });
    }
  };
  if (fs.existsSync(root)) walk(root);
  return files;
}

const files = loadFiles(options.staticDir);
const log = options.quiet ? () => {} : (method, url, status) => console.log(`${method} ${url} ${status}`);

const makeApp = () => (options.tlsCert
  ? uWS.SSLApp({ cert_file_name: options.tlsCert, key_file_name: options.tlsKey })
  : uWS.App());
const httpApp = makeApp();
httpApp.get('/api/hello/:name', (res, req) => {
  stats.http_requests++;
  let name;
  try {
    name = decodeURIComponent(req.getParameter(0));
  } catch {
    res.writeStatus('400 Bad Request').writeHeader('Content-Type', 'application/json').end('{"error":"bad name"}');
    return;
  }
  res.writeHeader('Content-Type', 'application/json; charset=utf-8').end(JSON.stringify({ hello: name }));
  log('GET', req.getUrl(), 200);
});
httpApp.get('/api/stats', (res) => {
  stats.http_requests++;
  res.writeHeader('Content-Type', 'application/json; charset=utf-8').end(JSON.stringify(stats));
});
httpApp.get('/*', (res, req) => {
  stats.http_requests++;
  const url = req.getUrl();
  const file = files.get(url === '/' ? '/index.html' : url);
  if (!file) {
    res.writeStatus('404 Not Found').writeHeader('Content-Type', 'application/json').end('{"error":"not found"}');
    log('GET', url, 404);
    return;
  }
  if (req.getHeader('if-none-match') === file.etag) {
    res.writeStatus('304 Not Modified').writeHeader('ETag', file.etag).end();
    log('GET', url, 304);
    return;
  }
  res.writeHeader('Content-Type', file.type).writeHeader('ETag', file.etag)
    .writeHeader('Last-Modified', file.lastModified).end(file.body || fs.readFileSync(file.path));
  log('GET', url, 200);
});
httpApp.any('/*', (res) => {
  stats.http_requests++;
  res.writeStatus('404 Not Found').writeHeader('Content-Type', 'application/json').end('{"error":"not found"}');
});

const wsApp = makeApp();
const wsLimits = { maxPayloadLength: 16 * 1024 * 1024, maxBackpressure: 1024 * 1024 };
const opened = () => stats.ws_connections++;
const closed = () => stats.ws_connections--;
wsApp.ws('/echo', {
  ...wsLimits,
  compression: uWS.SHARED_COMPRESSOR,
  open: opened,
  close: closed,
  message: (ws, message, isBinary) => {
    stats.ws_messages++;
    ws.send(message, isBinary);
  },
});
wsApp.ws('/ws', {
  ...wsLimits,
  open: (ws) => {
    opened();
    ws.subscribe('broadcast');
    ws.send('world');
  },
  close: closed,
  message: (ws, message, isBinary) => {
    stats.ws_messages++;
    if (!isBinary) wsApp.publish('broadcast', message, false);
  },
});
wsApp.any('/*', (res, req) => {
  const url = req.getUrl();
  if (url === '/echo' || url === '/ws') res.writeStatus('426 Upgrade Required').writeHeader('Upgrade', 'websocket').end();
  else res.writeStatus('404 Not Found').end();
});

const listenSockets = [];
function listen(app, port) {
  app.listen(options.host, port, (token) => {
    if (!token) {
      console.error(`cannot listen on ${options.host}:${port}`);
      process.exit(1);
    }
    listenSockets.push(token);
    if (listenSockets.length === 2) announce(options);
  });
}
listen(httpApp, options.httpPort);
listen(wsApp, options.wsPort);

function shutdown() {
  for (const token of listenSockets) uWS.us_listen_socket_close(token);
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
