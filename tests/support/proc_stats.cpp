#include "support/proc_stats.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace testing_support {

namespace {

// One "Name:   1234 kB" line of /proc/self/status.
std::size_t status_kib(const char* name) {
    std::FILE* f = std::fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    std::size_t len = std::strlen(name), kib = 0;
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, name, len) == 0 && line[len] == ':') {
            kib = static_cast<std::size_t>(std::strtoull(line + len + 1, nullptr, 10));
            break;
        }
    }
    std::fclose(f);
    return kib;
}

}  // namespace

std::size_t rss_bytes() { return status_kib("VmRSS") * 1024; }

bool raise_fd_limit(std::size_t wanted) {
    rlimit l{};
    if (getrlimit(RLIMIT_NOFILE, &l) != 0) return false;
    if (l.rlim_cur >= wanted) return true;
    l.rlim_cur = std::min<rlim_t>(wanted, l.rlim_max);
    return setrlimit(RLIMIT_NOFILE, &l) == 0 && l.rlim_cur >= wanted;
}

std::size_t trimmed_rss_kib() {
    malloc_trim(0);
    return status_kib("VmRSS");
}

std::size_t heap_in_use_kib() {
    struct mallinfo2 mi = mallinfo2();
    return (mi.uordblks + mi.hblkhd) / 1024;
}

std::size_t peak_rss_kib() { return status_kib("VmHWM"); }

void reset_peak_rss() {
    int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = ::write(fd, "5", 1);
    (void)n;  // without the reset the peak is the process's overall one: still an upper bound
    ::close(fd);
}

int open_fd_count() {
    DIR* d = ::opendir("/proc/self/fd");
    if (!d) {
        // No descriptor left to list them with (a test at its RLIMIT_NOFILE): probe each number instead.
        int n = 0;
        for (int fd = 0; fd < 65536; ++fd)
            if (::fcntl(fd, F_GETFD) != -1) ++n;
        return n;
    }
    int n = 0;
    while (dirent* e = ::readdir(d))
        if (e->d_name[0] != '.') ++n;
    ::closedir(d);
    return n - 1;  // the DIR's own descriptor
}

double process_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int wait_fd_count_at_most(int limit, std::chrono::milliseconds bound) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    int n = open_fd_count();
    while (n > limit && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
        n = open_fd_count();
    }
    return n;
}

bool memory_figures_meaningful() {
#if defined(__SANITIZE_ADDRESS__)
    return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return false;
#else
    return true;
#endif
#else
    return true;
#endif
}

MemoryBaseline MemoryBaseline::take() { return MemoryBaseline{trimmed_rss_kib(), heap_in_use_kib(), open_fd_count()}; }

}  // namespace testing_support
