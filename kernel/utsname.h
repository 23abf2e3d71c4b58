// The node name uname() reports: hostname= from the command line, else
// one a network configuration (DHCP option 12) set, else "malta" (Linux's
// utsname()->nodename, which ipconfig also fills from DHCP).
#pragma once
#include <stddef.h>

const char* uts_nodename();
// Sets it unless hostname= was given; cut to 64 characters.
void uts_set_nodename(const char* name);
bool uts_nodename_from_cmdline();
