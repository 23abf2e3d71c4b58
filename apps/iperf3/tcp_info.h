// What iperf3d reads of TCP_INFO: the option's number and where Linux's
// struct tcp_info keeps tcpi_total_retrans (include/uapi/linux/tcp.h), the
// count iperf3 reports as a sender's retransmits. newlib has no
// <netinet/tcp.h>; tests/unit/iperf3_test.cpp checks these against the
// kernel's own struct (net/ipv4/tcp.h).
#pragma once
#include <stddef.h>

namespace iperf3 {

constexpr int TCP_NODELAY_OPT = 1;
constexpr int TCP_INFO_OPT = 11;
constexpr size_t TCPI_TOTAL_RETRANS_OFF = 100;

}  // namespace iperf3
