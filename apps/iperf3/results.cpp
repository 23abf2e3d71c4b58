// The results JSON of iperf3's EXCHANGE_RESULTS (results.h).
#include "apps/iperf3/results.h"

#include <string.h>

#include <limits>

#include <cjson/cJSON.h>

namespace iperf3 {

namespace {

bool add_num(cJSON* o, const char* name, double v) {
    return cJSON_AddNumberToObject(o, name, v) != nullptr;
}

bool add_stream(cJSON* arr, const stream_result& s) {
    cJSON* o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o)) {
        cJSON_Delete(o);
        return false;
    }
    return add_num(o, "id", s.id) && add_num(o, "bytes", static_cast<double>(s.bytes)) &&
           add_num(o, "retransmits", static_cast<double>(s.retransmits)) && add_num(o, "jitter", s.jitter) &&
           add_num(o, "errors", static_cast<double>(s.errors)) &&
           add_num(o, "packets", static_cast<double>(s.packets)) && add_num(o, "start_time", s.start_time) &&
           add_num(o, "end_time", s.end_time);
}

cJSON* build(const test_result& r) {
    cJSON* j = cJSON_CreateObject();
    if (!j) {
        return nullptr;
    }
    cJSON* arr = nullptr;
    bool ok = add_num(j, "cpu_util_total", r.cpu_total) && add_num(j, "cpu_util_user", r.cpu_user) &&
              add_num(j, "cpu_util_system", r.cpu_system) &&
              add_num(j, "sender_has_retransmits", r.sender_has_retransmits) &&
              (arr = cJSON_AddArrayToObject(j, "streams")) != nullptr;
    for (int i = 0; ok && i < r.nstreams; ++i) {
        ok = add_stream(arr, r.streams[i]);
    }
    if (!ok) {
        cJSON_Delete(j);
        return nullptr;
    }
    return j;
}

// A number member into *out; false when absent or not a number.
bool num(const cJSON* o, const char* name, double* out) {
    const cJSON* v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v)) {
        return false;
    }
    *out = v->valuedouble;
    return true;
}

// A JSON number as T, clamped to T's range (NaN as 0): converting a
// double outside it is undefined, and the peer chooses the numbers.
template <class T>
T clamped(double v) {
    constexpr double lo = static_cast<double>(std::numeric_limits<T>::min());
    constexpr double hi = static_cast<double>(std::numeric_limits<T>::max());
    if (!(v == v)) {
        return 0;
    }
    if (v <= lo) {
        return std::numeric_limits<T>::min();
    }
    if (v >= hi) {   // hi rounds up to 2^N for 64-bit T: >= keeps it out
        return std::numeric_limits<T>::max();
    }
    return static_cast<T>(v);
}

uint64_t count(double v) { return clamped<uint64_t>(v); }

bool decode_stream(const cJSON* o, stream_result* s) {
    double id, bytes, retr, jitter, errors, packets;
    if (!cJSON_IsObject(o) || !num(o, "id", &id) || !num(o, "bytes", &bytes) || !num(o, "retransmits", &retr) ||
        !num(o, "jitter", &jitter) || !num(o, "errors", &errors) || !num(o, "packets", &packets)) {
        return false;
    }
    s->id = clamped<int>(id);
    s->bytes = count(bytes);
    s->retransmits = clamped<int64_t>(retr);
    s->jitter = jitter;
    s->errors = count(errors);
    s->packets = count(packets);
    // Optional since 3.2 (get_results).
    num(o, "start_time", &s->start_time);
    num(o, "end_time", &s->end_time);
    return true;
}

int decode(const cJSON* j, stream_result* out, int max, test_result* totals) {
    double retr;
    if (!cJSON_IsObject(j) || !num(j, "cpu_util_total", &totals->cpu_total) ||
        !num(j, "cpu_util_user", &totals->cpu_user) || !num(j, "cpu_util_system", &totals->cpu_system) ||
        !num(j, "sender_has_retransmits", &retr)) {
        return -1;
    }
    totals->sender_has_retransmits = clamped<int>(retr);
    const cJSON* arr = cJSON_GetObjectItemCaseSensitive(j, "streams");
    if (!cJSON_IsArray(arr)) {
        return -1;
    }
    int n = 0;
    const cJSON* o;
    cJSON_ArrayForEach(o, arr) {
        stream_result s;
        if (!decode_stream(o, &s)) {
            return -1;
        }
        if (n < max) {
            out[n] = s;
        }
        ++n;
    }
    return n;
}

}  // namespace

size_t results_encode(const test_result& r, char* out, size_t size) {
    cJSON* j = build(r);
    if (!j) {
        return 0;
    }
    bool ok = size > 0 && cJSON_PrintPreallocated(j, out, static_cast<int>(size), false);
    cJSON_Delete(j);
    return ok ? strlen(out) : 0;
}

int results_decode(const char* json, size_t len, stream_result* out, int max, test_result* totals) {
    cJSON* j = cJSON_ParseWithLength(json, len);
    int n = j ? decode(j, out, max, totals) : -1;
    cJSON_Delete(j);
    return n;
}

}  // namespace iperf3
