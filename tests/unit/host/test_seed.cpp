#include "tests/unit/host/test_seed.h"

#include <stdlib.h>

#include <chrono>

namespace test_seed {

uint64_t run_seed() {
    static const uint64_t seed = [] {
        if (const char* s = getenv("MIPSNET_SEED"); s && *s) {
            return static_cast<uint64_t>(strtoull(s, nullptr, 10));
        }
        auto ns = std::chrono::system_clock::now().time_since_epoch();
        return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(ns).count()) % 1000000007u;
    }();
    return seed;
}

}  // namespace test_seed
