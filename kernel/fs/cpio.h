// The "newc" cpio format of initramfs archives (Linux's
// Documentation/driver-api/early-userspace/buffer-format.rst, the parser
// in init/initramfs.c). Portable: it reads a byte range and never writes.
//
//   header  "070701" (or "070702", with checksums) and 13 fields of 8 hex
//           digits: ino mode uid gid nlink mtime filesize devmajor devminor
//           rdevmajor rdevminor namesize check
//   name    namesize bytes, NUL included, then padding to a multiple of 4
//   data    filesize bytes, then padding to a multiple of 4
//
// The archive ends with an entry named "TRAILER!!!". Linux also accepts
// zero padding between archives; so does this parser.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace cpio {

constexpr size_t HEADER_SIZE = 110;   // 6 magic + 13 * 8 hex digits

struct entry {
    uint32_t ino, mode, uid, gid, nlink, mtime;
    uint32_t filesize;
    uint32_t rdevmajor, rdevminor;
    const char* name;                 // NUL-terminated, inside the archive
    size_t namelen;                   // without the NUL
    const uint8_t* data;              // filesize bytes, inside the archive
};

enum class status {
    ok,           // *out is an entry
    end,          // the trailer: no more entries
    bad_magic,
    bad_hex,      // a header field that is not 8 hex digits
    truncated,    // header, name or data past the end of the archive
    bad_name,     // namesize 0, no NUL at its end, or a NUL inside
};

const char* status_str(status s);

// Reads the entry at *off of [buf, buf + len) and moves *off past it.
// Never reads outside the range.
status next(const uint8_t* buf, size_t len, size_t* off, entry* out);

}  // namespace cpio
