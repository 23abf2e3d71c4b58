#include "apps/http/date.h"

#include <stdio.h>

namespace http {
namespace {

const char* const wkday[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
const char* const weekday[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = static_cast<unsigned>(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = static_cast<unsigned>(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool digits(const char* p, int n, unsigned* out) {
    unsigned v = 0;
    for (int i = 0; i < n; ++i) {
        if (p[i] < '0' || p[i] > '9') {
            return false;
        }
        v = v * 10 + static_cast<unsigned>(p[i] - '0');
    }
    *out = v;
    return true;
}

int month_index(const char* p) {
    for (int i = 0; i < 12; ++i) {
        if (memcmp(p, months[i], 3) == 0) {
            return i + 1;
        }
    }
    return 0;
}

// "08:49:37" at p.
bool clock(const char* p, unsigned* h, unsigned* mi, unsigned* s) {
    return digits(p, 2, h) && p[2] == ':' && digits(p + 3, 2, mi) && p[5] == ':' && digits(p + 6, 2, s) &&
           *h < 24 && *mi < 60 && *s < 61;
}

bool finish(int64_t y, unsigned m, unsigned d, unsigned h, unsigned mi, unsigned s, int64_t* out) {
    static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1]) {
        return false;
    }
    *out = days_from_civil(y, m, d) * 86400 + h * 3600 + mi * 60 + (s > 59 ? 59 : s);
    return true;
}

// After the day name: ", 06 Nov 1994 08:49:37 GMT" (IMF-fixdate).
bool imf(const char* p, size_t n, int64_t* out) {
    unsigned d, y, h, mi, s;
    int m;
    if (n != 26 || p[0] != ',' || p[1] != ' ' || !digits(p + 2, 2, &d) || p[4] != ' ' || !(m = month_index(p + 5)) ||
        p[8] != ' ' || !digits(p + 9, 4, &y) || p[13] != ' ' || !clock(p + 14, &h, &mi, &s) ||
        memcmp(p + 22, " GMT", 4) != 0) {
        return false;
    }
    return finish(y, static_cast<unsigned>(m), d, h, mi, s, out);
}

// ", 06-Nov-94 08:49:37 GMT" (RFC 850): a two-digit year more than 50
// years ahead is in the past century (RFC 9110 5.6.7).
bool rfc850(const char* p, size_t n, int64_t* out) {
    unsigned d, y, h, mi, s;
    int m;
    if (n != 24 || p[0] != ',' || p[1] != ' ' || !digits(p + 2, 2, &d) || p[4] != '-' || !(m = month_index(p + 5)) ||
        p[8] != '-' || !digits(p + 9, 2, &y) || p[11] != ' ' || !clock(p + 12, &h, &mi, &s) ||
        memcmp(p + 20, " GMT", 4) != 0) {
        return false;
    }
    return finish(y < 70 ? 2000 + y : 1900 + y, static_cast<unsigned>(m), d, h, mi, s, out);
}

// " Nov  6 08:49:37 1994" (asctime).
bool asctime_form(const char* p, size_t n, int64_t* out) {
    unsigned d, y, h, mi, s;
    int m;
    if (n != 21 || p[0] != ' ' || !(m = month_index(p + 1)) || p[4] != ' ' || p[7] != ' ') {
        return false;
    }
    char dd[2] = {p[5] == ' ' ? '0' : p[5], p[6]};
    if (!digits(dd, 2, &d) || !clock(p + 8, &h, &mi, &s) || p[16] != ' ' || !digits(p + 17, 4, &y)) {
        return false;
    }
    return finish(y, static_cast<unsigned>(m), d, h, mi, s, out);
}

}  // namespace

void format_date(int64_t t, char* buf) {
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int wd = static_cast<int>(((days % 7) + 11) % 7);   // 1970-01-01 was a Thursday
    snprintf(buf, date_len + 1, "%s, %02u %s %04d %02d:%02d:%02d GMT", wkday[wd], d, months[m - 1],
             static_cast<int>(y), static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
             static_cast<int>(secs % 60));
}

bool parse_date(text t, int64_t* out) {
    for (int i = 0; i < 7; ++i) {
        size_t n = strlen(weekday[i]);
        if (t.n > n && memcmp(t.p, weekday[i], n) == 0 && t.p[n] == ',') {
            return rfc850(t.p + n, t.n - n, out);
        }
        if (t.n > 3 && memcmp(t.p, wkday[i], 3) == 0) {
            if (t.p[3] == ',') {
                return imf(t.p + 3, t.n - 3, out);
            }
            if (t.p[3] == ' ') {
                return asctime_form(t.p + 3, t.n - 3, out);
            }
        }
    }
    return false;
}

}  // namespace http
