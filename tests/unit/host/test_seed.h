// The random seed of the unit tests' choices: MIPSNET_SEED from the
// environment (tools/test.sh draws one per run and prints it), else drawn
// from the clock; main prints it, and MIPSNET_SEED=N replays the run. A
// test mixes in its own constant so two tests do not share a sequence.
#pragma once
#include <stdint.h>

namespace test_seed {

uint64_t run_seed();
inline uint64_t for_test(uint64_t salt) {
    uint64_t z = run_seed() + salt * 0x9e3779b97f4a7c15ull;   // splitmix64
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (z ^ (z >> 31)) | 1;   // never 0: xorshift would stay there
}

}  // namespace test_seed
