// newc cpio parsing, as Linux's init/initramfs.c (do_header, do_name,
// do_copy) but on a buffer in place: names and data are pointers into it.
#include "kernel/fs/cpio.h"

#include <string.h>

namespace cpio {
namespace {

constexpr size_t FIELDS = 13;
constexpr char TRAILER[] = "TRAILER!!!";

constexpr size_t align4(size_t n) { return (n + 3) & ~size_t{3}; }

bool parse_hex8(const uint8_t* p, uint32_t* out) {
    uint32_t v = 0;
    for (int i = 0; i < 8; ++i) {
        uint8_t c = p[i];
        uint32_t d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return false;
        }
        v = (v << 4) | d;
    }
    *out = v;
    return true;
}

}  // namespace

const char* status_str(status s) {
    switch (s) {
    case status::ok: return "ok";
    case status::end: return "end of archive";
    case status::bad_magic: return "no cpio magic (want newc 070701)";
    case status::bad_hex: return "header field is not hex";
    case status::truncated: return "truncated";
    case status::bad_name: return "bad name";
    }
    return "?";
}

status next(const uint8_t* buf, size_t len, size_t* off, entry* out) {
    size_t at = *off;
    // Zero padding between concatenated archives (init/initramfs.c's
    // do_start skipping NULs in 4-byte steps).
    while (at + 4 <= len && buf[at] == 0 && buf[at + 1] == 0 && buf[at + 2] == 0 && buf[at + 3] == 0) {
        at += 4;
    }
    if (at >= len) {
        return status::truncated;   // no trailer
    }
    if (len - at < HEADER_SIZE) {
        return status::truncated;
    }
    const uint8_t* h = buf + at;
    if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2')) {
        return status::bad_magic;
    }
    uint32_t f[FIELDS];
    for (size_t i = 0; i < FIELDS; ++i) {
        if (!parse_hex8(h + 6 + 8 * i, &f[i])) {
            return status::bad_hex;
        }
    }
    entry e{};
    e.ino = f[0];
    e.mode = f[1];
    e.uid = f[2];
    e.gid = f[3];
    e.nlink = f[4];
    e.mtime = f[5];
    e.filesize = f[6];
    e.rdevmajor = f[9];
    e.rdevminor = f[10];
    uint32_t namesize = f[11];
    size_t name_at = at + HEADER_SIZE;
    if (namesize == 0) {
        return status::bad_name;
    }
    if (namesize > len - name_at) {
        return status::truncated;
    }
    const char* name = reinterpret_cast<const char*>(buf + name_at);
    if (name[namesize - 1] != '\0' || memchr(name, '\0', namesize - 1)) {
        return status::bad_name;
    }
    // The header and name are padded together to a multiple of 4.
    size_t data_at = align4(name_at + namesize);
    if (data_at > len) {
        data_at = len;   // padding missing: fine only for an empty body
    }
    if (e.filesize > len - data_at) {
        return status::truncated;
    }
    e.name = name;
    e.namelen = namesize - 1;
    e.data = buf + data_at;
    size_t end = data_at + e.filesize;
    end = align4(end) <= len ? align4(end) : len;
    *off = end;
    if (strcmp(name, TRAILER) == 0) {
        return status::end;
    }
    *out = e;
    return status::ok;
}

}  // namespace cpio
