// Bytes -> the resolver's answer parser (RFC 1035 4.1, compression 4.1.4):
// the first bytes choose the query the answer is checked against.
#include <string.h>

#include "libc/resolv/dns_msg.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const char* const names[] = {"example.test", "a.b.c.d.e.f.g", "x", ""};
    static const uint16_t types[] = {1, 5, 12, 28, 16};
    if (size < 4) {
        return 0;
    }
    const char* name = names[data[0] % 4];
    uint16_t type = types[data[1] % 5];
    uint16_t id = static_cast<uint16_t>(data[2] << 8 | data[3]);
    dns::answer out;
    dns::parse_answer(data + 4, size - 4, id, name, type, &out);
    char buf[256];
    size_t next;
    dns::read_name(data + 4, size - 4, size > 16 ? data[4] % (size - 4) : 0, buf, &next);
    return 0;
}
