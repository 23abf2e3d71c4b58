// Well-known service names (the part of /etc/services this system uses;
// IANA's registry numbers).
#pragma once

namespace resolv {

int service_port(const char* name);        // -1 when unknown
const char* service_name(int port);        // nullptr when unknown

}  // namespace resolv
