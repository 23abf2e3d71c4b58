// The iperf3 control protocol's framing and parameters (see proto.h).
#include "apps/iperf3/proto.h"

#include <errno.h>
#include <string.h>

#include <cjson/cJSON.h>

namespace iperf3 {

namespace {

bool cookie_char(uint8_t c) {
    return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7');
}

uint32_t get_be32(const uint8_t* p) {
    return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
           static_cast<uint32_t>(p[2]) << 8 | p[3];
}

void put_be32(uint32_t v, uint8_t* p) {
    p[0] = static_cast<uint8_t>(v >> 24);
    p[1] = static_cast<uint8_t>(v >> 16);
    p[2] = static_cast<uint8_t>(v >> 8);
    p[3] = static_cast<uint8_t>(v);
}

// A number member, or fallback when absent; false when present but not a
// number (or out of [lo, hi]).
bool get_num(const cJSON* j, const char* name, double lo, double hi, double* out) {
    const cJSON* v = cJSON_GetObjectItemCaseSensitive(j, name);
    if (!v) {
        return true;
    }
    if (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi) {
        return false;
    }
    *out = v->valuedouble;
    return true;
}

bool has(const cJSON* j, const char* name) {
    return cJSON_GetObjectItemCaseSensitive(j, name) != nullptr;
}

// What this server serves, checked once the numbers are in.
bool params_check(const params& p, ierr* err) {
    if (p.parallel < 1 || p.parallel > MAX_STREAMS) {
        *err = ierr::num_streams;
        return false;
    }
    if (p.proto == protocol::tcp && p.blksize > MAX_TCP_BLKSIZE) {
        *err = ierr::block_size;
        return false;
    }
    if (p.proto == protocol::udp && (p.blksize < MIN_UDP_BLKSIZE || p.blksize > MAX_UDP_BLKSIZE)) {
        *err = ierr::udp_block_size;
        return false;
    }
    return true;
}

bool params_read(const cJSON* j, params* p, ierr* err) {
    *err = ierr::recv_params;
    if (has(j, "sctp")) {
        *err = ierr::unimplemented;
        return false;
    }
    p->proto = has(j, "udp") ? protocol::udp : protocol::tcp;
    if (has(j, "bidirectional")) {
        p->dir = direction::bidir;
    } else if (has(j, "reverse")) {
        p->dir = direction::server_sends;
    }
    double time = p->duration, omit = 0, parallel = 1, len = 0, window = 0, rate = 0;
    double bytes = 0, blocks = 0, mss = 0;
    constexpr double i32 = 2147483647.0;
    if (!get_num(j, "time", 0, 86400, &time) || !get_num(j, "omit", 0, 600, &omit) ||
        !get_num(j, "parallel", 0, i32, &parallel) || !get_num(j, "len", 0, i32, &len) ||
        !get_num(j, "window", 0, i32, &window) || !get_num(j, "bandwidth", 0, 1e15, &rate) ||
        !get_num(j, "num", 0, 1e18, &bytes) || !get_num(j, "blockcount", 0, 1e18, &blocks) ||
        !get_num(j, "MSS", 0, 65535, &mss)) {
        return false;
    }
    p->duration = static_cast<int>(time);
    p->omit = static_cast<int>(omit);
    p->parallel = static_cast<int>(parallel);
    p->window = static_cast<int>(window);
    p->rate = static_cast<uint64_t>(rate);
    p->bytes = static_cast<uint64_t>(bytes);
    p->blocks = static_cast<uint64_t>(blocks);
    p->mss = static_cast<int>(mss);
    p->nodelay = has(j, "nodelay");
    p->udp_counters_64bit = has(j, "udp_counters_64bit");
    p->blksize = len > 0 ? static_cast<uint32_t>(len)
                         : (p->proto == protocol::udp ? DEFAULT_UDP_BLKSIZE : DEFAULT_TCP_BLKSIZE);
    const cJSON* v = cJSON_GetObjectItemCaseSensitive(j, "client_version");
    if (cJSON_IsString(v)) {
        strncpy(p->client_version, v->valuestring, sizeof p->client_version - 1);
    }
    return params_check(*p, err);
}

}  // namespace

bool cookie_valid(const uint8_t* c) {
    for (size_t i = 0; i + 1 < COOKIE_SIZE; ++i) {
        if (!cookie_char(c[i])) {
            return false;
        }
    }
    return c[COOKIE_SIZE - 1] == 0;
}

frame frame_parse(const uint8_t* buf, size_t len, uint32_t max_body) {
    if (len < 4) {
        return {frame_status::more};
    }
    uint32_t n = get_be32(buf);
    if (n == 0) {
        return {frame_status::empty};
    }
    if (n > max_body) {
        return {frame_status::too_big};
    }
    if (len - 4 < n) {
        return {frame_status::more};
    }
    return {frame_status::ok, reinterpret_cast<const char*>(buf + 4), n, 4 + size_t{n}};
}

void frame_header(uint32_t n, uint8_t out[4]) {
    put_be32(n, out);
}

void server_error_encode(ierr e, wire_errno err, uint8_t out[SERVER_ERROR_SIZE]) {
    out[0] = static_cast<uint8_t>(state::server_error);
    put_be32(static_cast<uint32_t>(e), out + 1);
    put_be32(static_cast<uint32_t>(err), out + 5);
}

bool params_parse(const char* json, size_t len, params* out, ierr* err) {
    *out = params{};
    cJSON* j = cJSON_ParseWithLength(json, len);
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        *err = ierr::recv_params;
        return false;
    }
    bool ok = params_read(j, out, err);
    cJSON_Delete(j);
    return ok;
}

}  // namespace iperf3
