// Builds newc cpio archives in memory for the parser and rootfs tests, the
// same bytes tools/gen_initramfs.py writes. No C++ library: it runs on the
// target too.
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <string.h>

namespace cpio_test {

struct archive {
    alignas(4) uint8_t buf[4096];
    size_t len = 0;

    void put(const void* p, size_t n) {
        memcpy(buf + len, p, n);
        len += n;
    }
    void pad4() {
        while (len % 4) {
            buf[len++] = 0;
        }
    }
    void add(const char* name, uint32_t mode, const char* body = "", uint32_t mtime = 0,
             const char* magic = "070701") {
        char h[111];
        size_t namesize = strlen(name) + 1;
        size_t bodylen = strlen(body);
        snprintf(h, sizeof h, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, 1u, mode, 0u,
                 0u, 1u, mtime, static_cast<unsigned>(bodylen), 0u, 0u, 0u, 0u,
                 static_cast<unsigned>(namesize), 0u);
        put(h, 110);
        put(name, namesize);
        pad4();
        put(body, bodylen);
        pad4();
    }
    void trailer() { add("TRAILER!!!", 0); }
    char& at(size_t i) { return reinterpret_cast<char&>(buf[i]); }
};

}  // namespace cpio_test
