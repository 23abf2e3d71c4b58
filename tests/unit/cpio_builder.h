// Builds newc cpio archives in memory for the parser and rootfs tests, the
// same bytes tools/gen_initramfs.py writes.
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <string>

namespace cpio_test {

inline void pad4(std::string& a) {
    while (a.size() % 4) {
        a += '\0';
    }
}

inline void add(std::string& a, const char* name, uint32_t mode, const std::string& body = "",
                uint32_t mtime = 0, const char* magic = "070701") {
    char h[111];
    size_t namesize = strlen(name) + 1;
    snprintf(h, sizeof h, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, 1u, mode, 0u, 0u,
             1u, mtime, static_cast<unsigned>(body.size()), 0u, 0u, 0u, 0u, static_cast<unsigned>(namesize), 0u);
    a.append(h, 110);
    a.append(name, namesize);
    pad4(a);
    a += body;
    pad4(a);
}

inline void trailer(std::string& a) { add(a, "TRAILER!!!", 0); }

inline const uint8_t* bytes(const std::string& a) { return reinterpret_cast<const uint8_t*>(a.data()); }

}  // namespace cpio_test
