#include "kernel/fw_env.h"

#include <stdlib.h>
#include <string.h>

namespace {

constexpr int max_entries = 64;     // YAMON has some 20 variables
constexpr size_t max_len = 256;     // longer than any firmware string

// name=value strings or name, value pairs, copied out of the firmware's
// memory into the kernel's own.
struct entry {
    char name[32];
    char value[96];
};
entry env[max_entries];
int env_count;

// A string from the firmware: plausible, and NUL-terminated within max_len.
const char* fw_string(const char* s, bool (*plausible)(const void*)) {
    if (!s || !plausible(s) || !plausible(s + max_len - 1) || !memchr(s, '\0', max_len)) {
        return nullptr;
    }
    return s;
}

bool add(const char* name, size_t name_len, const char* value) {
    if (env_count == max_entries || name_len == 0 || name_len >= sizeof env[0].name ||
        strlen(value) >= sizeof env[0].value) {
        return false;
    }
    entry& e = env[env_count++];
    memcpy(e.name, name, name_len);
    e.name[name_len] = '\0';
    strcpy(e.value, value);
    return true;
}

}  // namespace

void fw_init_env(char** envp, bool (*plausible)(const void*)) {
    env_count = 0;
    if (!envp || !plausible(envp)) {
        return;
    }
    for (int i = 0; i < 2 * max_entries && plausible(envp + i) && envp[i]; ++i) {
        const char* s = fw_string(envp[i], plausible);
        if (!s) {
            return;
        }
        if (const char* eq = strchr(s, '=')) {
            add(s, static_cast<size_t>(eq - s), eq + 1);
            continue;
        }
        // YAMON's layout: the value is the next pointer.
        if (!plausible(envp + i + 1) || !envp[i + 1]) {
            return;
        }
        const char* v = fw_string(envp[++i], plausible);
        if (!v) {
            return;
        }
        add(s, strlen(s), v);
    }
}

const char* fw_getenv(const char* name) {
    for (int i = 0; i < env_count; ++i) {
        if (strcmp(env[i].name, name) == 0) {
            return env[i].value;
        }
    }
    return nullptr;
}

unsigned long fw_getenvl(const char* name, unsigned long fallback) {
    const char* v = fw_getenv(name);
    if (!v || !*v) {
        return fallback;
    }
    char* end;
    unsigned long n = strtoul(v, &end, 0);
    return *end == '\0' && v[0] != '-' ? n : fallback;
}

uint32_t fw_memsize(uint32_t fallback) {
    constexpr unsigned long kseg0_ram = 256ul << 20;
    unsigned long m = fw_getenvl("ememsize", 0);
    if (m == 0) {
        m = fw_getenvl("memsize", fallback);
    }
    return static_cast<uint32_t>(m > kseg0_ram ? kseg0_ram : m);
}

unsigned fw_console_baud(unsigned fallback) {
    const char* v = fw_getenv("modetty0");
    if (!v) {
        return fallback;
    }
    static constexpr unsigned rates[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
    unsigned long baud = strtoul(v, nullptr, 10);
    for (unsigned ok : rates) {
        if (baud == ok) {
            return ok;
        }
    }
    return fallback;
}
