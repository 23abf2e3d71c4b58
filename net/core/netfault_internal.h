// What the parts of netfault (the faults, the configuration, /proc) share
// and nobody else needs.
#pragma once
#include "net/core/netfault.h"

namespace netfault_internal {

extern netfault_dev table[NETFAULT_MAX_DEVS];
extern bool used[NETFAULT_MAX_DEVS];
// A direction from nothing: counts zero, nothing held, timers set up.
void path_init(netfault_path& p, netfault_dir dir, const netfault_config* cfg);

}  // namespace netfault_internal
