// kernel/dma.h for the host unit tests: no caches, but every mapping and
// coherent allocation in a table with its owner, and bus addresses of their
// own (host pointers do not fit a 32-bit descriptor), so that a simulated
// device can only reach memory through dma_debug_device_access().
#include <stdio.h>
#include <string.h>

#include "kernel/mm/page_alloc.h"
#include "tests/unit/host/dma_debug.h"

namespace {

enum class owner : uint8_t { cpu, device };

struct dma_entry {
    bool used;
    bool coherent;
    owner own;
    dma_data_direction dir;
    uint8_t* cpu;
    dma_addr_t bus;
    size_t size;
};

// A fixed table: nothing allocated that CppUTest's leak check would see.
constexpr size_t max_entries = 4096;
dma_entry table[max_entries];
// Bus addresses are handed out upwards, a page apart plus the pointer's
// offset in its page (alignment as the CPU sees it); 0 is never one.
constexpr dma_addr_t bus_base = 0x00100000u, bus_limit = 0xf0000000u;
dma_addr_t next_bus = bus_base;
unsigned errors;
char last_error[200];

const char* dir_name(dma_data_direction d) {
    switch (d) {
    case DMA_BIDIRECTIONAL: return "bidirectional";
    case DMA_TO_DEVICE: return "to_device";
    case DMA_FROM_DEVICE: return "from_device";
    case DMA_NONE: return "none";
    }
    return "?";
}

template <typename... A>
void err(const char* fmt, A... args) {
    ++errors;
    snprintf(last_error, sizeof last_error, fmt, args...);
}

dma_entry* add(uint8_t* cpu, size_t size, dma_data_direction dir, bool coherent) {
    for (dma_entry& e : table) {
        if (!e.used) {
            size_t pages = (size + 4095) / 4096 + 1;
            if (next_bus + pages * 4096 >= bus_limit) {
                next_bus = bus_base;
            }
            e = {true, coherent, owner::device, dir, cpu,
                 next_bus + static_cast<dma_addr_t>(reinterpret_cast<uintptr_t>(cpu) & 4095), size};
            next_bus += static_cast<dma_addr_t>(pages * 4096);
            return &e;
        }
    }
    err("dma: mapping table full");
    return nullptr;
}

dma_entry* find_bus(dma_addr_t addr, size_t len) {
    for (dma_entry& e : table) {
        if (e.used && addr >= e.bus && addr - e.bus < e.size && len <= e.size - (addr - e.bus)) {
            return &e;
        }
    }
    return nullptr;
}

// check_unmap()/check_sync() of lib/dma-debug.c: the handle is one we gave,
// the range inside it, the direction the mapped one.
dma_entry* find_mapping(const char* what, dma_addr_t addr, size_t size, dma_data_direction dir,
                        bool exact) {
    dma_entry* e = find_bus(addr, size);
    if (!e || e->coherent) {
        err("dma: %s of %#x (+%zu) that is not mapped", what, addr, size);
        return nullptr;
    }
    if (exact && (e->bus != addr || e->size != size)) {
        err("dma: %s of %#x (+%zu), mapped as %#x (+%zu)", what, addr, size, e->bus, e->size);
    }
    if (e->dir != dir) {
        err("dma: %s of %#x as %s, mapped %s", what, addr, dir_name(dir), dir_name(e->dir));
    }
    return e;
}

}  // namespace

void* dma_alloc_coherent(size_t size, dma_addr_t* dma_handle, gfp_t gfp) {
    unsigned order = mm::get_order(size);
    auto* p = reinterpret_cast<uint8_t*>(__get_free_pages(gfp | __GFP_ZERO, order));
    if (!p) {
        return nullptr;
    }
    dma_entry* e = add(p, mm::PAGE_SIZE << order, DMA_BIDIRECTIONAL, true);
    if (!e) {
        free_pages(reinterpret_cast<unsigned long>(p), order);
        return nullptr;
    }
    *dma_handle = e->bus;
    return p;
}

void dma_free_coherent(size_t size, void* cpu_addr, dma_addr_t dma_handle) {
    if (!cpu_addr) {
        return;
    }
    dma_entry* e = find_bus(dma_handle, 1);
    if (!e || !e->coherent || e->cpu != cpu_addr || e->bus != dma_handle) {
        err("dma: dma_free_coherent of %p/%#x that was not allocated", cpu_addr, dma_handle);
        return;
    }
    e->used = false;
    free_pages(reinterpret_cast<unsigned long>(cpu_addr), mm::get_order(size));
}

dma_addr_t dma_map_single(void* ptr, size_t size, dma_data_direction dir) {
    if (!ptr || size == 0 || dir == DMA_NONE) {
        err("dma: dma_map_single(%p, %zu, %s)", ptr, size, dir_name(dir));
        return DMA_MAPPING_ERROR;
    }
    dma_entry* e = add(static_cast<uint8_t*>(ptr), size, dir, false);
    return e ? e->bus : DMA_MAPPING_ERROR;
}

void dma_unmap_single(dma_addr_t addr, size_t size, dma_data_direction dir) {
    if (dma_entry* e = find_mapping("dma_unmap_single", addr, size, dir, true)) {
        e->used = false;
    }
}

void dma_sync_single_for_cpu(dma_addr_t addr, size_t size, dma_data_direction dir) {
    if (dma_entry* e = find_mapping("dma_sync_single_for_cpu", addr, size, dir, false)) {
        e->own = owner::cpu;
    }
}

void dma_sync_single_for_device(dma_addr_t addr, size_t size, dma_data_direction dir) {
    if (dma_entry* e = find_mapping("dma_sync_single_for_device", addr, size, dir, false)) {
        e->own = owner::device;
    }
}

uint8_t* dma_debug_device_access(dma_addr_t addr, size_t len, dma_debug_access how) {
    bool write = how == dma_debug_access::write;
    dma_entry* e = find_bus(addr, len);
    if (!e) {
        err("dma: device %s of %#x (+%zu): not mapped", write ? "write" : "read", addr, len);
        return nullptr;
    }
    if (!e->coherent) {
        if (e->own != owner::device) {
            err("dma: device %s of %#x (+%zu): the CPU owns it", write ? "write" : "read", addr, len);
            return nullptr;
        }
        if ((write && e->dir == DMA_TO_DEVICE) || (!write && e->dir == DMA_FROM_DEVICE)) {
            err("dma: device %s of %#x (+%zu) mapped %s", write ? "write" : "read", addr, len,
                dir_name(e->dir));
            return nullptr;
        }
    }
    return e->cpu + (addr - e->bus);
}

bool dma_debug_check_cpu_access(const void* p, size_t len) {
    auto a = reinterpret_cast<const uint8_t*>(p);
    for (const dma_entry& e : table) {
        if (e.used && !e.coherent && e.own == owner::device && a < e.cpu + e.size &&
            e.cpu < a + len) {
            err("dma: CPU access to %p (+%zu) while the device owns %#x (+%zu)", p, len, e.bus,
                e.size);
            return false;
        }
    }
    return true;
}

unsigned dma_debug_errors() { return errors; }
const char* dma_debug_last_error() { return last_error; }

size_t dma_debug_mappings() {
    size_t n = 0;
    for (const dma_entry& e : table) {
        n += e.used && !e.coherent ? 1 : 0;
    }
    return n;
}

size_t dma_debug_coherent() {
    size_t n = 0;
    for (const dma_entry& e : table) {
        n += e.used && e.coherent ? 1 : 0;
    }
    return n;
}

void dma_debug_reset() {
    errors = 0;
    last_error[0] = '\0';
}
