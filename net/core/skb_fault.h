// Allocation failure on demand for tests and fuzzing, after Linux's
// lib/fault-inject.c (failslab's "space" and "times"): alloc_skb lets
// `space` more allocations through, then fails the `times` after them,
// then succeeds again. Nothing fails until this is called.
#pragma once

void skb_fail_allocations(unsigned space, unsigned times);
