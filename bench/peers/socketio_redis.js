// socket.io with its Redis adapter as the peer of the redis_fanout row: the chat every socket.io guide starts with
// (`io.emit("chat", msg)` for every "chat" event: every client of every process attached to the same Redis hears it),
// scaled out the documented way (@socket.io/redis-adapter over two node-redis clients). Untuned: socket.io's
// defaults, but WebSocket only (the load generator speaks engine.io over WebSocket and never long-polls).
//
// Flags: the demo's (args.js) plus --redis redis://127.0.0.1:PORT. socket.io listens on the WebSocket port at its
// default path /socket.io/; the HTTP port answers 404 (it is there so the runner starts every server alike). The
// ready lines come once both Redis clients are connected, then "Redis connected", as the duplex demo prints it.
'use strict';

const http = require('http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');
const { parseArgs, announce } = require('./args');

const argv = process.argv.slice(2);
const at = argv.indexOf('--redis');
if (at < 0 || !argv[at + 1]) throw new Error('socketio_redis.js needs --redis redis://HOST:PORT');
const redisUrl = argv.splice(at, 2)[1];
const options = parseArgs(argv);

const notFound = (req, res) => res.writeHead(404, { 'Content-Length': '0' }).end();
const httpServer = http.createServer(notFound);
const ioServer = http.createServer(notFound);
const io = new Server(ioServer, { transports: ['websocket'], serveClient: false });

io.on('connection', (socket) => {
  socket.on('chat', (msg) => io.emit('chat', msg));
});

async function main() {
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  for (const client of [pub, sub]) client.on('error', (e) => console.error(`socketio_redis: Redis: ${e.message}`));
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));

  const listen = (server, port) => new Promise((resolve) => server.listen(port, options.host, resolve));
  await Promise.all([listen(httpServer, options.httpPort), listen(ioServer, options.wsPort)]);
  announce(options);
  console.log('Redis connected');

  // Nothing to hand over on the way out (Redis keeps no state of ours): closing 1,000 sockets one by one first would
  // only make the runner wait.
  process.on('SIGINT', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((e) => {
  console.error(`socketio_redis: ${e.stack || e.message}`);
  process.exit(1);
});
