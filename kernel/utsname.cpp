// The node name of kernel/utsname.h.
#include "kernel/utsname.h"

#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/cpu.h"

namespace {
char nodename[65];
}

bool uts_nodename_from_cmdline() {
    const char* host = cmdline::get("hostname");
    return host && *host;
}

const char* uts_nodename() {
    if (uts_nodename_from_cmdline()) {
        return cmdline::get("hostname");
    }
    return nodename[0] ? nodename : "malta";
}

void uts_set_nodename(const char* name) {
    if (uts_nodename_from_cmdline()) {
        return;
    }
    cpu::irq_guard g;
    strncpy(nodename, name ? name : "", sizeof nodename - 1);
    nodename[sizeof nodename - 1] = '\0';
}
