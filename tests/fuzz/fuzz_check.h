// Shared by the libFuzzer targets: invariant checks that stay on in every build type (assert() vanishes under
// NDEBUG) and abort, so libFuzzer records the input as a crash, with the broken invariant on stderr.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #condition); \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)
