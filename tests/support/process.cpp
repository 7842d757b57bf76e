#include "process.h"

#include "support/poll_deadline.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace testing_support {

namespace {
using Clock = std::chrono::steady_clock;
}  // namespace

Process::Process(std::vector<std::string> argv, bool capture_stderr) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    if (capture_stderr) posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid;
    if (posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ) == 0) pid_ = pid;
    posix_spawn_file_actions_destroy(&fa);
    ::close(fds[1]);
    out_fd_ = fds[0];
}

Process::~Process() {
    if (pid_ > 0 && !status_) {
        ::kill(pid_, SIGKILL);
        int st;
        ::waitpid(pid_, &st, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
}

std::optional<std::string> Process::read_line(std::chrono::milliseconds bound) {
    auto deadline = Clock::now() + bound;
    for (;;) {
        std::size_t nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return line;
        }
        if (out_fd_ < 0) return std::nullopt;
        pollfd p{out_fd_, POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return std::nullopt;
        char buf[4096];
        ssize_t n = ::read(out_fd_, buf, sizeof buf);
        if (n <= 0) {
            ::close(out_fd_);
            out_fd_ = -1;
            if (buffer_.empty()) return std::nullopt;
            std::string rest = std::move(buffer_);
            buffer_.clear();
            return rest;
        }
        buffer_.append(buf, static_cast<std::size_t>(n));
    }
}

std::string Process::read_all(std::chrono::milliseconds bound) {
    auto deadline = Clock::now() + bound;
    while (out_fd_ >= 0) {
        pollfd p{out_fd_, POLLIN, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) <= 0) break;
        char buf[65536];
        ssize_t n = ::read(out_fd_, buf, sizeof buf);
        if (n <= 0) {
            ::close(out_fd_);
            out_fd_ = -1;
            break;
        }
        buffer_.append(buf, static_cast<std::size_t>(n));
    }
    std::string all = std::move(buffer_);
    buffer_.clear();
    return all;
}

std::optional<int> Process::wait(std::chrono::milliseconds bound) {
    if (status_) return status_;
    if (pid_ <= 0) return std::nullopt;
    auto deadline = Clock::now() + bound;
    for (;;) {
        int st;
        pid_t r = ::waitpid(pid_, &st, WNOHANG);
        if (r == pid_) {
            status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            return status_;
        }
        if (Clock::now() >= deadline) return std::nullopt;
        ::usleep(5000);
    }
}

void Process::signal(int sig) {
    if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

std::pair<int, std::string> run_command(std::vector<std::string> argv, std::chrono::milliseconds bound,
                                        bool capture_stderr) {
    Process p(std::move(argv), capture_stderr);
    if (!p.started()) return {-1, ""};
    std::string out = p.read_all(bound);
    auto code = p.wait(1s);
    return {code ? *code : -1, out};
}

std::string source_root() { return DUPLEX_SOURCE_ROOT; }
std::string build_root() { return DUPLEX_BUILD_ROOT; }

bool have_program(const std::string& name) {
    return run_command({"sh", "-c", "command -v " + name + " >/dev/null 2>&1"}, 5s).first == 0;
}

}  // namespace testing_support
