// Process: a child process for integration tests (curl, python3, node, the demo binary). Started with
// posix_spawn, stdout captured through a pipe, waited for with a bound, ended only by its own pid.
// Lifetime: the destructor kills (SIGKILL) and reaps a child still running. Threads: the test's.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace testing_support {

using namespace std::chrono_literals;

class Process {
public:
    // argv[0] is looked up in PATH. stderr is inherited unless capture_stderr (then merged into stdout).
    explicit Process(std::vector<std::string> argv, bool capture_stderr = false);
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    bool started() const { return pid_ > 0; }
    int pid() const { return pid_; }
    // The next line of stdout (without '\n'), or nullopt at EOF / time-out.
    std::optional<std::string> read_line(std::chrono::milliseconds bound = 10s);
    // Everything written to stdout until exit (bounded).
    std::string read_all(std::chrono::milliseconds bound = 30s);
    // Exit code (128+signal when killed), or nullopt if still running after the bound.
    std::optional<int> wait(std::chrono::milliseconds bound = 30s);
    void signal(int sig);

private:
    int pid_ = -1;
    int out_fd_ = -1;
    std::string buffer_;
    std::optional<int> status_;
};

// Runs a command to completion (bounded) and returns {exit code, stdout}; exit code -1 on time-out.
std::pair<int, std::string> run_command(std::vector<std::string> argv, std::chrono::milliseconds bound = 60s,
                                        bool capture_stderr = false);

// Paths known at build time.
std::string source_root();
std::string build_root();
// True when the program is found in PATH (tests that need a peer skip with a message otherwise).
bool have_program(const std::string& name);

}  // namespace testing_support
