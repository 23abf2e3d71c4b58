// The newc parser (kernel/fs/cpio.cpp): good archives entry by entry, and
// every way a bad one is caught without reading past its end.
#include <CppUTest/TestHarness.h>

#include <string.h>

#include <string>

#include "kernel/fs/cpio.h"
#include "tests/unit/cpio_builder.h"

using cpio::status;
using namespace cpio_test;

namespace {

// Every entry of a, until the end or the first error.
status parse_all(const std::string& a, int* entries) {
    size_t off = 0;
    *entries = 0;
    for (;;) {
        cpio::entry e;
        status s = cpio::next(bytes(a), a.size(), &off, &e);
        if (s != status::ok) {
            return s;
        }
        ++*entries;
    }
}

std::string one_file() {
    std::string a;
    add(a, "etc/motd", 0100644, "hello\n", 1234);
    trailer(a);
    return a;
}

}  // namespace

TEST_GROUP(cpio) {};

TEST(cpio, reads_entries_in_place) {
    std::string a;
    add(a, ".", 040755);
    add(a, "etc", 040755);
    add(a, "etc/motd", 0100644, "hello\n", 1234);
    add(a, "etc/link", 0120777, "motd");
    trailer(a);
    size_t off = 0;
    cpio::entry e;
    CHECK(cpio::next(bytes(a), a.size(), &off, &e) == status::ok);
    STRCMP_EQUAL(".", e.name);
    CHECK(cpio::next(bytes(a), a.size(), &off, &e) == status::ok);
    STRCMP_EQUAL("etc", e.name);
    LONGS_EQUAL(040755, e.mode);
    CHECK(cpio::next(bytes(a), a.size(), &off, &e) == status::ok);
    STRCMP_EQUAL("etc/motd", e.name);
    LONGS_EQUAL(8, e.namelen);
    LONGS_EQUAL(6, e.filesize);
    LONGS_EQUAL(1234, e.mtime);
    CHECK(e.data >= bytes(a) && e.data + 6 <= bytes(a) + a.size());
    CHECK(memcmp(e.data, "hello\n", 6) == 0);
    CHECK(cpio::next(bytes(a), a.size(), &off, &e) == status::ok);
    LONGS_EQUAL(0120777, e.mode);
    CHECK(memcmp(e.data, "motd", 4) == 0);
    CHECK(cpio::next(bytes(a), a.size(), &off, &e) == status::end);
    LONGS_EQUAL(a.size(), off);
}

TEST(cpio, crc_magic_and_zero_padding_between_archives) {
    std::string a;
    add(a, "a", 0100644, "x", 0, "070702");
    a.append(8, '\0');
    add(a, "b", 0100644, "yy");
    trailer(a);
    int n;
    CHECK(parse_all(a, &n) == status::end);
    LONGS_EQUAL(2, n);
}

TEST(cpio, bad_magic) {
    std::string a = one_file();
    a[5] = '7';
    int n;
    CHECK(parse_all(a, &n) == status::bad_magic);
    a = "070707" + a.substr(6);   // the old portable ASCII format
    CHECK(parse_all(a, &n) == status::bad_magic);
    STRCMP_CONTAINS("magic", cpio::status_str(status::bad_magic));
}

TEST(cpio, header_field_not_hex) {
    std::string a = one_file();
    a[6 + 8 * 6 + 3] = 'g';   // filesize
    int n;
    CHECK(parse_all(a, &n) == status::bad_hex);
}

TEST(cpio, every_truncation_is_caught) {
    std::string whole = one_file();
    // Cut anywhere: never an entry reaching past the cut. Only the trailer's
    // last padding (3 bytes here: 121 of header and name) may be missing.
    for (size_t len = 0; len < whole.size(); ++len) {
        std::string cut = whole.substr(0, len);
        size_t off = 0;
        cpio::entry e;
        status s;
        int guard = 0;
        while ((s = cpio::next(bytes(cut), cut.size(), &off, &e)) == status::ok && ++guard < 10) {
            CHECK(e.data + e.filesize <= bytes(cut) + cut.size());
            CHECK(e.name + e.namelen < reinterpret_cast<const char*>(bytes(cut) + cut.size()));
        }
        CHECK_TEXT(s == status::truncated || (s == status::end && len >= whole.size() - 3),
                   ("cut at " + std::to_string(len)).c_str());
    }
}

TEST(cpio, data_past_the_end) {
    std::string a;
    add(a, "big", 0100644, "0123456789");
    std::string h = a.substr(0, 110);
    // Claim 0x7fffffff bytes of body.
    memcpy(&a[6 + 8 * 6], "7FFFFFFF", 8);
    int n;
    CHECK(parse_all(a, &n) == status::truncated);
    memcpy(&a[6 + 8 * 6], "FFFFFFFF", 8);
    CHECK(parse_all(a, &n) == status::truncated);
}

TEST(cpio, names_past_the_end_or_without_nul) {
    std::string a = one_file();
    int n;
    std::string b = a;
    memcpy(&b[6 + 8 * 11], "FFFFFFFF", 8);   // namesize
    CHECK(parse_all(b, &n) == status::truncated);
    b = a;
    memcpy(&b[6 + 8 * 11], "00000000", 8);
    CHECK(parse_all(b, &n) == status::bad_name);
    b = a;
    memcpy(&b[6 + 8 * 11], "00000004", 8);   // "etc/" then no NUL
    CHECK(parse_all(b, &n) == status::bad_name);
    b = a;
    b[110 + 3] = '\0';                         // a NUL inside the name
    CHECK(parse_all(b, &n) == status::bad_name);
}

TEST(cpio, no_trailer_is_truncated) {
    std::string a;
    add(a, "a", 0100644, "x");
    int n;
    CHECK(parse_all(a, &n) == status::truncated);
    LONGS_EQUAL(1, n);
    CHECK(parse_all(std::string(), &n) == status::truncated);
    CHECK(parse_all(std::string(64, '\0'), &n) == status::truncated);
}
