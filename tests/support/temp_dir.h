// TempDir: a fresh directory under $TMPDIR (or /tmp) for tests that need real files (static roots, large
// files, symlinks), removed with everything in it by the destructor.
// Lifetime: RAII. Threads: the test's.
#pragma once

#include <string>

namespace testing_support {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    // Writes a file (creating parent directories); returns its full path.
    std::string write(const std::string& relative, const std::string& bytes) const;
    // Creates a directory (and parents); returns its full path.
    std::string mkdir(const std::string& relative) const;

private:
    std::string path_;
};

// Deterministic bytes for large-body tests: byte i is a function of i (and of seed), so any slice can be checked.
std::string pattern_bytes(std::size_t n, unsigned seed = 1);

}  // namespace testing_support
