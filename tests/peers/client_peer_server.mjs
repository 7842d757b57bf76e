// A Node `ws` server for the duplex client tests: the same paths and behaviours as client_peer_server.py.
// Listens on 127.0.0.1, port 0, prints the port on its first stdout line and serves until killed.
import { WebSocketServer } from 'ws';

const SUPPORTED = ['chat.v2', 'chat.v1'];

function echo(ws) {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
}

const behaviours = {
  '/echo': echo,
  '/fragments': (ws) => {
    ws.send('fragmented ', { fin: false });
    ws.send('hello ', { fin: false });
    ws.send('world', { fin: true });
    const data = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (let i = 0; i < 4; i++) ws.send(data.subarray(i * 64, i * 64 + 64), { binary: true, fin: i === 3 });
    echo(ws);
  },
  '/ping': (ws) => {
    ws.once('pong', (payload) => ws.send('pong:' + payload.toString()));
    ws.ping('hi-ping');
    echo(ws);
  },
  '/close': (ws, url) => ws.close(Number(url.searchParams.get('code')), url.searchParams.get('reason') ?? ''),
  '/drop': (ws) => ws.terminate(),
};

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  perMessageDeflate: true,
  maxPayload: 32 * 1024 * 1024,
  handleProtocols: (offered) => SUPPORTED.find((p) => offered.has(p)) ?? false,
});
wss.on('connection', (ws, req) => {
  const url = new URL(req.url, 'ws://peer');
  const behaviour = behaviours[url.pathname];
  if (behaviour) behaviour(ws, url);
  else ws.close(4404, 'unknown path');
});
wss.on('listening', () => console.log(String(wss.address().port)));
