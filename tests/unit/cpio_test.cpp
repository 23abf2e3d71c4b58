// The newc parser (kernel/fs/cpio.cpp): good archives entry by entry, and
// every way a bad one is caught without reading past its end.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include "kernel/fs/cpio.h"
#include "tests/unit/cpio_builder.h"

using cpio::status;
using cpio_test::archive;

namespace {

archive a;

// Every entry of buf[0, len), until the end or the first error.
status parse_all(const uint8_t* buf, size_t len, int* entries) {
    size_t off = 0;
    *entries = 0;
    for (;;) {
        cpio::entry e;
        status s = cpio::next(buf, len, &off, &e);
        if (s != status::ok) {
            return s;
        }
        CHECK(e.data + e.filesize <= buf + len);
        CHECK(reinterpret_cast<const uint8_t*>(e.name) + e.namelen < buf + len);
        ++*entries;
        if (*entries > 100) {
            return status::ok;
        }
    }
}

status parse_all(int* entries) { return parse_all(a.buf, a.len, entries); }

void one_file() {
    a = archive{};
    a.add("etc/motd", 0100644, "hello\n", 1234);
    a.trailer();
}

}  // namespace

TEST_GROUP(cpio) {};

TEST(cpio, reads_entries_in_place) {
    a = archive{};
    a.add(".", 040755);
    a.add("etc", 040755);
    a.add("etc/motd", 0100644, "hello\n", 1234);
    a.add("etc/link", 0120777, "motd");
    a.trailer();
    size_t off = 0;
    cpio::entry e;
    CHECK(cpio::next(a.buf, a.len, &off, &e) == status::ok);
    STRCMP_EQUAL(".", e.name);
    CHECK(cpio::next(a.buf, a.len, &off, &e) == status::ok);
    STRCMP_EQUAL("etc", e.name);
    LONGS_EQUAL(040755, e.mode);
    CHECK(cpio::next(a.buf, a.len, &off, &e) == status::ok);
    STRCMP_EQUAL("etc/motd", e.name);
    LONGS_EQUAL(8, e.namelen);
    LONGS_EQUAL(6, e.filesize);
    LONGS_EQUAL(1234, e.mtime);
    CHECK(e.data >= a.buf && e.data + 6 <= a.buf + a.len);
    CHECK(memcmp(e.data, "hello\n", 6) == 0);
    CHECK(cpio::next(a.buf, a.len, &off, &e) == status::ok);
    LONGS_EQUAL(0120777, e.mode);
    CHECK(memcmp(e.data, "motd", 4) == 0);
    CHECK(cpio::next(a.buf, a.len, &off, &e) == status::end);
    LONGS_EQUAL(a.len, off);
}

TEST(cpio, crc_magic_and_zero_padding_between_archives) {
    a = archive{};
    a.add("a", 0100644, "x", 0, "070702");
    a.put("\0\0\0\0\0\0\0\0", 8);
    a.add("b", 0100644, "yy");
    a.trailer();
    int n;
    CHECK(parse_all(&n) == status::end);
    LONGS_EQUAL(2, n);
}

TEST(cpio, bad_magic) {
    one_file();
    a.at(5) = '7';   // "070707": the old portable ASCII format
    int n;
    CHECK(parse_all(&n) == status::bad_magic);
    a.at(0) = 'x';
    CHECK(parse_all(&n) == status::bad_magic);
    STRCMP_CONTAINS("magic", cpio::status_str(status::bad_magic));
}

TEST(cpio, header_field_not_hex) {
    one_file();
    a.at(6 + 8 * 6 + 3) = 'g';   // filesize
    int n;
    CHECK(parse_all(&n) == status::bad_hex);
}

TEST(cpio, every_truncation_is_caught) {
    one_file();
    // Cut anywhere: never an entry reaching past the cut. Only the trailer's
    // last padding (3 bytes here: 121 of header and name) may be missing.
    for (size_t len = 0; len < a.len; ++len) {
        int n;
        status s = parse_all(a.buf, len, &n);
        CHECK(s == status::truncated || (s == status::end && len >= a.len - 3));
    }
}

TEST(cpio, data_past_the_end) {
    a = archive{};
    a.add("big", 0100644, "0123456789");
    int n;
    memcpy(&a.at(6 + 8 * 6), "7FFFFFFF", 8);   // filesize
    CHECK(parse_all(&n) == status::truncated);
    memcpy(&a.at(6 + 8 * 6), "FFFFFFFF", 8);
    CHECK(parse_all(&n) == status::truncated);
}

TEST(cpio, names_past_the_end_or_without_nul) {
    int n;
    one_file();
    memcpy(&a.at(6 + 8 * 11), "FFFFFFFF", 8);   // namesize
    CHECK(parse_all(&n) == status::truncated);
    one_file();
    memcpy(&a.at(6 + 8 * 11), "00000000", 8);
    CHECK(parse_all(&n) == status::bad_name);
    one_file();
    memcpy(&a.at(6 + 8 * 11), "00000004", 8);   // "etc/" then no NUL
    CHECK(parse_all(&n) == status::bad_name);
    one_file();
    a.at(110 + 3) = '\0';                        // a NUL inside the name
    CHECK(parse_all(&n) == status::bad_name);
}

TEST(cpio, no_trailer_is_truncated) {
    a = archive{};
    a.add("a", 0100644, "x");
    int n;
    CHECK(parse_all(&n) == status::truncated);
    LONGS_EQUAL(1, n);
    CHECK(parse_all(a.buf, 0, &n) == status::truncated);
    static const uint8_t zeros[64] = {};
    CHECK(parse_all(zeros, sizeof zeros, &n) == status::truncated);
}
