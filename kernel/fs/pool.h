// Bounded object allocation for the file layer: at most N live objects of T
// (the system-wide limits: ENFILE when the file table is full), each one
// from kmalloc, value-initialized and constructed in place (wait queue heads
// point at themselves, so objects are never copied).
#pragma once
#include <stddef.h>

#include <new>

#include "kernel/cpu.h"
#include "kernel/mm/slab.h"

template <typename T, size_t N>
class object_pool {
public:
    T* alloc() {
        {
            cpu::irq_guard guard;
            if (in_use_ == N) {
                return nullptr;
            }
            ++in_use_;
        }
        void* mem = kmalloc(sizeof(T), GFP_KERNEL);
        if (!mem) {
            cpu::irq_guard guard;
            --in_use_;
            return nullptr;
        }
        return new (mem) T{};
    }

    void free(T* p) {
        if (!p) {
            return;
        }
        p->~T();
        kfree(p);
        cpu::irq_guard guard;
        --in_use_;
    }

    size_t in_use() const { return in_use_; }
    static constexpr size_t capacity() { return N; }

private:
    size_t in_use_ = 0;
};
