#include "temp_dir.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace testing_support {

namespace fs = std::filesystem;

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string templ = std::string(base && *base ? base : "/tmp") + "/duplex-test-XXXXXX";
    if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed for " + templ);
    path_ = templ;
}

TempDir::~TempDir() {
    std::error_code ec;  // a leftover directory is not worth failing a test for
    fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& relative, const std::string& bytes) const {
    fs::path full = fs::path(path_) / relative;
    fs::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + full.string());
    return full.string();
}

std::string TempDir::mkdir(const std::string& relative) const {
    fs::path full = fs::path(path_) / relative;
    fs::create_directories(full);
    return full.string();
}

std::string pattern_bytes(std::size_t n, unsigned seed) {
    std::string out(n, '\0');
    // A cheap mix that makes shifted or repeated blocks detectable (unlike i % 256).
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<char>((i * 2654435761u + seed + (i >> 16)) >> 7);
    return out;
}

}  // namespace testing_support
