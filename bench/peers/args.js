// Command line shared by the peer servers: the demo app's flags, so bench/run starts every server the same way.
// demo [--host 127.0.0.1] [--http-port 3000] [--ws-port 8080] [--static DIR] [--quiet]
//      [--tls-cert FILE --tls-key FILE]   (both ports speak TLS: https and wss)
'use strict';

const path = require('path');

function parseArgs(argv) {
  const options = {
    host: '127.0.0.1',
    httpPort: 3000,
    wsPort: 8080,
    staticDir: path.join(__dirname, '..', '..', 'static'),
    quiet: false,
    tlsCert: null,
    tlsKey: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--quiet') {
      options.quiet = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`missing value after ${flag}`);
    if (flag === '--host') options.host = value;
    else if (flag === '--http-port') options.httpPort = Number(value);
    else if (flag === '--ws-port') options.wsPort = Number(value);
    else if (flag === '--static') options.staticDir = path.resolve(value);
    else if (flag === '--tls-cert') options.tlsCert = path.resolve(value);
    else if (flag === '--tls-key') options.tlsKey = path.resolve(value);
    else throw new Error(`unknown option ${flag}`);
  }
  if (!options.tlsCert !== !options.tlsKey) throw new Error('--tls-cert and --tls-key go together');
  return options;
}

// The lines the runner waits for, as the demo prints them.
function announce(options) {
  const secure = options.tlsCert ? 's' : '';
  console.log(`HTTP listening on http${secure}://${options.host}:${options.httpPort}`);
  console.log(`WebSocket listening on ws${secure}://${options.host}:${options.wsPort}`);
}

module.exports = { parseArgs, announce };
