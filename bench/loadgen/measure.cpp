#include "measure.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace loadgen {

std::optional<std::uint64_t> process_cpu_us(int pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
    const std::size_t paren = text.rfind(')');
    if (paren == std::string::npos) return std::nullopt;
    std::istringstream rest(text.substr(paren + 1));
    std::string field;
    std::uint64_t utime = 0, stime = 0;
    for (int index = 3; index <= 15 && rest >> field; ++index) {
        if (index == 14) utime = std::stoull(field);
        if (index == 15) stime = std::stoull(field);
    }
    if (!rest) return std::nullopt;
    const auto ticks = static_cast<std::uint64_t>(sysconf(_SC_CLK_TCK));
    return (utime + stime) * 1'000'000 / ticks;
}

std::optional<Memory> process_memory(int pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    Memory memory;
    int found = 0;
    while (std::getline(file, line)) {
        std::uint64_t* field = line.rfind("VmRSS:", 0) == 0 ? &memory.rss
                             : line.rfind("RssAnon:", 0) == 0 ? &memory.anon : nullptr;
        if (!field) continue;
        *field = std::stoull(line.substr(line.find(':') + 1)) * 1024;  // the kernel prints kB
        ++found;
    }
    if (found != 2) return std::nullopt;
    return memory;
}

std::uint64_t own_cpu_us() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto us = [](const timeval& t) {
        return static_cast<std::uint64_t>(t.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(t.tv_usec);
    };
    return us(usage.ru_utime) + us(usage.ru_stime);
}

void Window::begin() {
    if (server_pid_ > 0) server_start_ = process_cpu_us(server_pid_);
    own_start_ = own_cpu_us();
    start_ = std::chrono::steady_clock::now();
}

void Window::end() {
    stop_ = std::chrono::steady_clock::now();
    own_stop_ = own_cpu_us();
    if (server_pid_ > 0) server_stop_ = process_cpu_us(server_pid_);
}

double Window::seconds() const { return std::chrono::duration<double>(stop_ - start_).count(); }

void Window::write(JsonLine& line, std::uint64_t operations) const {
    const double secs = seconds();
    line.add("seconds", secs);
    if (server_start_ && server_stop_) {
        const std::uint64_t server_us = *server_stop_ - *server_start_;
        line.add("server_cpu_us", server_us);
        line.add("server_cpu_us_per_op",
                 operations ? static_cast<double>(server_us) / static_cast<double>(operations) : 0.0);
        line.add("server_cpu_pct", static_cast<double>(server_us) / (secs * 1e4));
    }
    line.add("load_cpu_pct", static_cast<double>(own_stop_ - own_start_) / (secs * 1e4));
}

}  // namespace loadgen
