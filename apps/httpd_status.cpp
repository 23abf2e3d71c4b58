// /status.json: what the dashboard draws, read fresh on each request
// from sysinfo(2), the kernel's /proc files, syslog(2)'s log buffer and
// httpd's own counters.
#include <fcntl.h>
#include <stdio.h>
#include <sys/klog.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "apps/http/procstat.h"
#include "apps/httpd.h"
#include "apps/net_util.h"

namespace httpd {
namespace {

constexpr unsigned log_lines = 12;

// The whole of a /proc file into s.scratch (it is made at open, read in
// pieces); an empty text if it cannot be read.
http::text read_proc(server& s, const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        return {};
    }
    size_t len = 0;
    for (;;) {
        ssize_t n = read(fd, s.scratch + len, s.scratch_cap - len);
        if (n <= 0) {
            break;
        }
        len += static_cast<size_t>(n);
        if (len == s.scratch_cap) {
            break;
        }
    }
    close(fd);
    return {s.scratch, len};
}

void memory(server& s, http::json_writer& j) {
    struct sysinfo si = {};
    j.key("memory");
    j.begin_object();
    if (sysinfo(&si) == 0) {
        unsigned unit = si.mem_unit ? si.mem_unit : 1;
        j.key("total_ram");
        j.num(static_cast<uint64_t>(si.totalram) * unit);
        j.key("free_ram");
        j.num(static_cast<uint64_t>(si.freeram) * unit);
    }
    http::text mi = read_proc(s, "/proc/meminfo");
    static const char* const fields[][2] = {{"MemTotal", "mem_total_kb"}, {"MemFree", "mem_free_kb"},
                                             {"AppHeap", "app_heap_kb"}, {"OpenFiles", "open_files"}};
    for (const auto& f : fields) {
        uint64_t v;
        if (http::meminfo_value(mi, f[0], &v)) {
            j.key(f[1]);
            j.num(v);
        }
    }
    j.end_object();
}

void tcp(server& s, http::json_writer& j) {
    j.key("tcp_states");
    http::json_tcp_states(read_proc(s, "/proc/net/tcp"), j);
    http::text snmp = read_proc(s, "/proc/net/snmp");
    j.key("tcp");
    j.begin_object();
    static const char* const fields[][2] = {{"RetransSegs", "retrans_segs"}, {"InSegs", "in_segs"},
                                             {"OutSegs", "out_segs"},         {"CurrEstab", "curr_estab"},
                                             {"ActiveOpens", "active_opens"}, {"PassiveOpens", "passive_opens"}};
    for (const auto& f : fields) {
        uint64_t v;
        if (http::snmp_value(snmp, "Tcp", f[0], &v)) {
            j.key(f[1]);
            j.num(v);
        }
    }
    j.end_object();
}

void own_counters(server& s, http::json_writer& j) {
    j.key("httpd");
    j.begin_object();
    j.key("connections");
    j.num(static_cast<uint64_t>(s.active));
    j.key("max_connections");
    j.num(static_cast<uint64_t>(s.opt.max_conns));
    j.key("accepted");
    j.num(s.cnt.accepted);
    j.key("rejected");
    j.num(s.cnt.rejected);
    j.key("requests");
    j.num(s.cnt.requests);
    j.key("timeouts");
    j.num(s.cnt.timeouts);
    j.key("bytes_out");
    j.num(s.cnt.bytes_out);
    j.key("status");
    j.begin_object();
    for (int code = 100; code < status_codes; ++code) {
        if (s.cnt.status[code]) {
            char key[8];
            snprintf(key, sizeof key, "%d", code);
            j.key(key);
            j.num(s.cnt.status[code]);
        }
    }
    j.end_object();
    j.end_object();
}

void kernel_log(server& s, http::json_writer& j) {
    int n = klogctl(SYSLOG_ACTION_READ_ALL, s.scratch, static_cast<int>(s.scratch_cap));
    j.key("kernel_log");
    http::json_log_tail(http::text{s.scratch, n > 0 ? static_cast<size_t>(n) : 0}, log_lines, j);
}

}  // namespace

size_t status_json(server& s, char* buf, size_t cap) {
    http::json_writer j(buf, cap);
    j.begin_object();
    j.key("uptime");
    j.num_fixed((netapp::now_ns() / 1000000u));
    j.key("httpd_uptime");
    j.num_fixed((netapp::now_ns() - s.started_ns) / 1000000u);
    int64_t now = wall_now();
    if (now >= 0) {
        j.key("time");
        j.num(static_cast<uint64_t>(now));
    }
    memory(s, j);
    j.key("interfaces");
    http::json_net_dev(read_proc(s, "/proc/net/dev"), j);
    tcp(s, j);
    j.key("softirqs");
    http::json_softirqs(read_proc(s, "/proc/softirqs"), j);
    own_counters(s, j);
    kernel_log(s, j);
    j.end_object();
    return j.overflow() ? 0 : j.len();
}

}  // namespace httpd
