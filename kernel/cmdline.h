// The kernel command line (QEMU -append, YAMON's argv), parsed into
// Linux-style words: "key=value" or a bare "flag".
#pragma once
#include <stddef.h>

namespace cmdline {

void parse(const char* line);                 // replaces what was parsed before
void init_from_argv(int argc, char** argv);   // the loader's argv[1..], joined by spaces
const char* str();                            // the whole line
const char* get(const char* key);             // value, "" for a bare flag, nullptr if absent
// The n-th occurrence of key, first first (for keys given more than once).
const char* get_nth(const char* key, size_t n);
long get_int(const char* key, long fallback);
// The n-th comma-separated item of key's value into buf; false past the end.
bool get_list_item(const char* key, size_t n, char* buf, size_t len);

}  // namespace cmdline
