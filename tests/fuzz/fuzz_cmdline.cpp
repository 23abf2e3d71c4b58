// Bytes -> the kernel command line parser and the lookups the kernel makes
// of it at boot (ip=, hosts=, loglevel=, lists).
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cmdline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    char* line = static_cast<char*>(malloc(size + 1));
    memcpy(line, data, size);
    line[size] = '\0';
    cmdline::parse(line);
    free(line);   // parse keeps its own copy
    static const char* const keys[] = {"ip", "hosts", "loglevel", "apps", "trace", "hostname", "", "a=b"};
    char buf[64];
    for (const char* k : keys) {
        cmdline::get(k);
        cmdline::get_int(k, -1);
        for (size_t n = 0; n < 4; ++n) {
            cmdline::get_list_item(k, n, buf, sizeof buf);
        }
    }
    cmdline::str();
    return 0;
}
