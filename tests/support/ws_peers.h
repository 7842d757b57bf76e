// The independent WebSocket peers of tests/peers (Python `websockets` run by Debian's /usr/bin/python3, Node
// `ws` from tests/node_modules), and the in-process endpoints their scenarios expect:
//   /echo   echo of every message, permessage-deflate accepted; the text "close-me" makes the server close
//           with 4001 "server bye"; the text "ping-all" makes the server ping once with every payload size
//           0..125 (size n: n times the letter 'a' + n % 26), each after the previous pong, and answer
//           "pongs-ok" once all came back
//   /plain  echo without permessage-deflate
//   /proto  echo; selects the subprotocol "chat.v2" when offered
//   /greet  sends "hello" on open, then echoes
// Each peer scenario prints "ok <name>" or "FAIL <name>: <why>" and connects with "?case=<name>" so that the
// server's record of it can be found by url.
// Threads: the test's.
#pragma once

#include "support/ws_event_log.h"

#include <duplex/ws_server.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace testing_support {

// Installs the endpoints above, each recorded in log.
void install_peer_routes(duplex::WsServer& wss, WsEventLog& log);

bool have_python_peer();
bool have_node_peer();
// Runs tests/peers/ws_client.py or ws_client.mjs with base_url ("ws://127.0.0.1:port") and scenario names;
// returns {exit code, output}.
std::pair<int, std::string> run_python_peer(const std::string& base_url, const std::vector<std::string>& scenarios);
std::pair<int, std::string> run_node_peer(const std::string& base_url, const std::vector<std::string>& scenarios);

// The scenarios of `names` that the output does not report as "ok <name>", one per line ("" when all passed).
std::string scenarios_not_ok(const std::string& output, const std::vector<std::string>& names);

}  // namespace testing_support
