// Command line shared by the peer servers: the demo app's flags, so bench/run starts every server the same way.
// demo [--host 127.0.0.1] [--http-port 3000] [--ws-port 8080] [--static DIR] [--quiet]
'use strict';

const path = require('path');

function parseArgs(argv) {
  const options = {
    host: '127.0.0.1',
    httpPort: 3000,
    wsPort: 8080,
    staticDir: path.join(__dirname, '..', '..', 'static'),
    quiet: false,
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
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

// The lines the runner waits for, as the demo prints them.
function announce(options) {
  console.log(`HTTP listening on http://${options.host}:${options.httpPort}`);
  console.log(`WebSocket listening on ws://${options.host}:${options.wsPort}`);
}

module.exports = { parseArgs, announce };
