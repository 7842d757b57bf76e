// wscat: a command-line WebSocket client on duplex::connect, in the manner of Node's wscat.
//   wscat ws://127.0.0.1:8080/ws                      interactive: lines typed are sent, messages printed
//   wscat ws://127.0.0.1:8080/ws -x hello -w 1        scripted: send, wait a second for replies, close
// Flags and exit codes: see wscat_options.cpp (or wscat --help).
#include "wscat_options.h"
#include "wscat_session.h"

#include <duplex/duplex.h>

int main(int argc, char** argv) {
    wscat::Options opt;
    if (int rc = wscat::parse_options(argc, argv, opt); rc >= 0) return rc;
    duplex::EventLoop loop;
    wscat::Session session(loop, opt);
    session.start();
    loop.run();
    return session.exit_code();
}
