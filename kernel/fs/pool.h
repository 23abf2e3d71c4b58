// Fixed pools for the file layer's objects until kmem_cache arrives (the
// allocator work): N objects of T in static storage, handed out
// value-initialized and constructed in place (wait queue heads point at
// themselves, so objects are never copied).
#pragma once
#include <stddef.h>

#include <new>

#include "kernel/cpu.h"

template <typename T, size_t N>
class object_pool {
public:
    T* alloc() {
        cpu::irq_guard guard;
        for (size_t i = 0; i < N; ++i) {
            if (!used_[i]) {
                used_[i] = true;
                ++in_use_;
                return new (slot(i)) T{};
            }
        }
        return nullptr;
    }

    void free(T* p) {
        if (!p) {
            return;
        }
        p->~T();
        cpu::irq_guard guard;
        used_[static_cast<size_t>(reinterpret_cast<unsigned char(*)[sizeof(T)]>(p) - storage_)] = false;
        --in_use_;
    }

    size_t in_use() const { return in_use_; }
    static constexpr size_t capacity() { return N; }

private:
    void* slot(size_t i) { return storage_[i]; }
    alignas(T) unsigned char storage_[N][sizeof(T)];
    bool used_[N];
    size_t in_use_;
};
