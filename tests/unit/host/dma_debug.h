// The host's DMA API (dma_host.cpp) as a checker, after Linux's
// lib/dma-debug.c: every mapping is recorded with its direction and its
// owner (the CPU or the device). A simulated device reaches memory only
// through dma_debug_device_access(), which refuses (and counts) an access
// the device may not make now; test code that plays the CPU's part (the
// stack reading a received frame) asks dma_debug_check_cpu_access(). A test
// fails when dma_debug_errors() is not 0 at its end.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/dma.h"

enum class dma_debug_access : uint8_t { read, write };

// The device reads or writes [addr, addr+len): its bytes, or nullptr (an
// error recorded) when no mapping covers them, the CPU owns them, or the
// mapping's direction forbids it. Coherent memory is always the device's.
uint8_t* dma_debug_device_access(dma_addr_t addr, size_t len, dma_debug_access how);
// The CPU is about to touch [p, p+len): false (an error recorded) if a
// streaming mapping the device owns overlaps it.
bool dma_debug_check_cpu_access(const void* p, size_t len);

unsigned dma_debug_errors();            // errors since dma_debug_reset()
const char* dma_debug_last_error();     // the text of the last one
size_t dma_debug_mappings();            // live streaming mappings
size_t dma_debug_coherent();            // live coherent allocations
void dma_debug_reset();                 // forget the errors (mappings stay)
