// A position in a message's segmented buffer (Linux's iov_iter over user
// iovecs, in small). The socket syscalls check every segment with
// access_ok() before a protocol sees them, so a protocol copies with plain
// memcpy through copy_to_iter()/copy_from_iter().
#pragma once
#include <stddef.h>
#include <string.h>

#include "kernel/uapi/types.h"
#include "net/core/checksum.h"

struct iov_iter {
    const uapi::iovec* iov = nullptr;
    unsigned long nr_segs = 0;
    size_t iov_offset = 0;   // into iov[0]
    size_t count = 0;        // bytes left in all segments

    void init(const uapi::iovec* v, unsigned long n, size_t total) {
        iov = v;
        nr_segs = n;
        iov_offset = 0;
        count = total;
    }

    // Visits the next n bytes (n <= count) as contiguous pieces: fn(char* piece, size_t len).
    template <typename F>
    void advance(size_t n, F fn) {
        count -= n;
        while (n) {
            size_t seg = iov->iov_len - iov_offset;
            size_t k = seg < n ? seg : n;
            if (k) {
                fn(static_cast<char*>(iov->iov_base) + iov_offset, k);
            }
            iov_offset += k;
            n -= k;
            if (iov_offset == iov->iov_len) {
                ++iov;
                --nr_segs;
                iov_offset = 0;
            }
        }
    }
};

// Copies up to len bytes into / out of the iterator; returns how many.
inline size_t copy_to_iter(const void* from, size_t len, iov_iter* it) {
    size_t n = len < it->count ? len : it->count;
    const char* src = static_cast<const char*>(from);
    it->advance(n, [&src](char* dst, size_t k) {
        memcpy(dst, src, k);
        src += k;
    });
    return n;
}

inline size_t copy_from_iter(void* to, size_t len, iov_iter* it) {
    size_t n = len < it->count ? len : it->count;
    char* dst = static_cast<char*>(to);
    it->advance(n, [&dst](char* src, size_t k) {
        memcpy(dst, src, k);
        dst += k;
    });
    return n;
}

// Copies len bytes out of the iterator and sums them in the same pass
// (Linux's csum_and_copy_from_iter_full over csum_and_copy_from_user):
// *csum is the csum_partial() of the copied bytes. False, copying
// nothing, when fewer than len are left.
inline bool csum_and_copy_from_iter_full(void* to, size_t len, __wsum* csum, iov_iter* it) {
    if (len > it->count) {
        return false;
    }
    char* dst = static_cast<char*>(to);
    __wsum sum = 0;
    int offset = 0;
    it->advance(len, [&](char* src, size_t k) {
        sum = csum_block_add(sum, csum_partial_copy_nocheck(src, dst, static_cast<int>(k)), offset);
        dst += k;
        offset += static_cast<int>(k);
    });
    *csum = sum;
    return true;
}
