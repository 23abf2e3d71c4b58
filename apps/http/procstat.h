// The kernel's /proc text turned into JSON members for /status.json:
// /proc/net/dev (Linux's dev_seq_printf_stats columns), /proc/net/tcp
// (socket states, tcp4_seq_show's "st" column), /proc/net/snmp (a named
// counter of a protocol's row pair), /proc/softirqs, /proc/meminfo and the
// tail of the kernel log. Pure text work, so it is tested on the host.
#pragma once
#include <stdint.h>

#include "apps/http/json.h"

namespace http {

// [{"name":"eth0","rx_bytes":...}, ...]
void json_net_dev(text proc_net_dev, json_writer& j);
// {"ESTABLISHED":2,"LISTEN":3,...}: every state, zeros too.
void json_tcp_states(text proc_net_tcp, json_writer& j);
// {"NET_RX":{"raised":1,"run":1},...}
void json_softirqs(text proc_softirqs, json_writer& j);
// ["line", ...]: the last max_lines lines of the kernel log.
void json_log_tail(text log, unsigned max_lines, json_writer& j);

// "Tcp:" / "RetransSegs" in /proc/net/snmp's header-and-values row pairs.
bool snmp_value(text proc_net_snmp, const char* proto, const char* name, uint64_t* out);
// "MemTotal" in /proc/meminfo (the number, in its unit).
bool meminfo_value(text proc_meminfo, const char* name, uint64_t* out);

}  // namespace http
