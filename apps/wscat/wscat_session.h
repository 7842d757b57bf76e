// Session: one wscat run. Connects with the flags' options, prints every message received, sends the --execute
// messages or every line of standard input, then closes --wait seconds after the last one; closes on
// SIGINT/SIGTERM (a second signal drops the connection), and decides the exit code from the close.
//
// Lifetime: lives on main's stack across loop.run(). Threads: the loop's.
#pragma once

#include "stdin_lines.h"
#include "wscat_options.h"

#include <duplex/duplex.h>

namespace wscat {

class Session {
public:
    Session(duplex::EventLoop& loop, const Options& opt);
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    void start();
    // 0 after a clean close with 1000, 1001 or no status code; 1 otherwise.
    int exit_code() const { return exit_code_; }

private:
    void opened(duplex::WebSocket& ws);
    void print(const duplex::Message& m) const;
    void send_line(std::string_view line);
    void close_after_wait();
    void closed(const duplex::CloseEvent& ev);
    void interrupt();

    duplex::EventLoop& loop_;
    const Options& opt_;
    duplex::WebSocket ws_;
    StdinLines input_;
    duplex::TimerId wait_timer_ = 0;
    bool interrupted_ = false;
    int exit_code_ = 1;
};

}  // namespace wscat
