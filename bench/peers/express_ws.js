// The seed's stack as a benchmark peer: express + ws implementing the demo contract (shared/demo-contract.md) with
// the demo's flags and ready lines. Written the way an express user would, without tuning.
'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');
const compression = require('compression');
const express = require('express');
const { WebSocketServer, WebSocket } = require('ws');
const { parseArgs, announce } = require('./args');

const options = parseArgs(process.argv.slice(2));
const stats = { http_requests: 0, ws_connections: 0, ws_messages: 0 };
const maxPayload = 16 * 1024 * 1024;

function methodNotAllowed(allow) {
  return (req, res) => res.set('Allow', allow).status(405).json({ error: 'method not allowed' });
}

const app = express();
app.use((req, res, next) => {
  stats.http_requests++;
  if (!options.quiet) res.on('finish', () => console.log(`${req.method} ${req.originalUrl} ${res.statusCode}`));
  next();
});
app.route('/api/hello/:name')
  .get((req, res) => res.json({ hello: req.params.name }))
  .all(methodNotAllowed('GET, HEAD'));
app.route('/api/echo')
  .post(express.json({ limit: '1mb', strict: false, type: () => true }), (req, res) => res.json(req.body))
  .all(methodNotAllowed('POST'));
app.route('/api/stats')
  .get((req, res) => res.json(stats))
  .all(methodNotAllowed('GET, HEAD'));
// Like the demo: the page's files coded (br, gzip, deflate) when the request asks for it.
app.use(compression());
app.use(express.static(options.staticDir));
app.use((req, res) => res.status(404).json({ error: 'not found' }));
app.use((err, req, res, next) => res.status(err.status || 500).json({ error: err.message }));

// --tls-cert/--tls-key: both ports over node's https (https and wss), the way an express user adds TLS.
const tls = options.tlsCert ? { cert: fs.readFileSync(options.tlsCert), key: fs.readFileSync(options.tlsKey) } : null;
const createServer = (handler) => (tls ? https.createServer(tls, handler) : http.createServer(handler));
const httpServer = createServer(app);

// The WebSocket port: /echo echoes, /ws greets with "world" and broadcasts text to every /ws client.
const wsHttpServer = createServer((req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket', Connection: 'Upgrade' });
  res.end('Upgrade Required');
});
const echoServer = new WebSocketServer({ noServer: true, perMessageDeflate: true, maxPayload });
const broadcastServer = new WebSocketServer({ noServer: true, maxPayload });

function rejectUpgrade(socket, status, extra) {
  socket.end(`HTTP/1.1 ${status}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
}

wsHttpServer.on('upgrade', (req, socket, head) => {
  const pathname = req.url.split('?')[0];
  const target = pathname === '/echo' ? echoServer : pathname === '/ws' ? broadcastServer : null;
  if (!target) return rejectUpgrade(socket, '404 Not Found', '');
  if (req.headers['sec-websocket-version'] !== '13') {
    return rejectUpgrade(socket, '426 Upgrade Required', 'Sec-WebSocket-Version: 13\r\n');
  }
  target.handleUpgrade(req, socket, head, (ws) => target.emit('connection', ws, req));
});

function track(ws) {
  stats.ws_connections++;
  ws.on('close', () => stats.ws_connections--);
}

echoServer.on('connection', (ws) => {
  track(ws);
  ws.on('message', (data, isBinary) => {
    stats.ws_messages++;
    ws.send(data, { binary: isBinary });
  });
});

broadcastServer.on('connection', (ws) => {
  track(ws);
  ws.send('world');
  ws.on('message', (data, isBinary) => {
    stats.ws_messages++;
    if (isBinary) return;
    for (const client of broadcastServer.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: false });
    }
  });
});

function shutdown() {
  httpServer.close();
  wsHttpServer.close();
  httpServer.closeAllConnections();
  for (const server of [echoServer, broadcastServer]) for (const ws of server.clients) ws.terminate();
  setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);

let listening = 0;
const ready = () => ++listening === 2 && announce(options);
httpServer.listen(options.httpPort, options.host, ready);
wsHttpServer.listen(options.wsPort, options.host, ready);
