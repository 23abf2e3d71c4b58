// A boot-time check of the page allocator and kmalloc on the real memory
// (kernel parameter `mm_selftest`), as Linux's lib/test_meminit.c: every
// size class, a random alloc/free run with each object's contents checked,
// and everything given back. Also times alloc/free pairs in cpu::cycles().
#pragma once

namespace mm {
// True when every check held; prints "mm: selftest passed ..." or the first
// failure.
bool selftest(unsigned ops);
}
