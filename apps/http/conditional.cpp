#include "apps/http/conditional.h"

#include <stdio.h>

#include "apps/http/date.h"

namespace http {
namespace {

// The opaque part of an entity-tag ("xyz" or W/"xyz"), weak or not.
text opaque(text t, bool* weak) {
    *weak = t.n >= 2 && t.p[0] == 'W' && t.p[1] == '/';
    if (*weak) {
        t = {t.p + 2, t.n - 2};
    }
    return t;
}

}  // namespace

void make_etag(uint64_t ino, uint64_t size, int64_t mtime, char* buf) {
    snprintf(buf, etag_max, "\"%llx-%llx-%llx\"", static_cast<unsigned long long>(ino),
             static_cast<unsigned long long>(size), static_cast<unsigned long long>(mtime));
}

bool not_modified(const request& req, const char* etag, int64_t mtime) {
    if (req.if_none_match.p) {
        if (req.if_none_match.eq("*")) {
            return true;
        }
        bool weak;
        text ours = opaque(text{etag, strlen(etag)}, &weak);
        list_walker w(req.if_none_match);
        while (w.next()) {
            text theirs = opaque(w.item, &weak);   // weak comparison (RFC 9110 8.8.3.2)
            if (theirs.n == ours.n && memcmp(theirs.p, ours.p, ours.n) == 0) {
                return true;
            }
        }
        return false;   // If-Modified-Since is then ignored (RFC 9110 13.1.3)
    }
    int64_t since;
    if (req.if_modified_since.p && mtime >= 0 && parse_date(req.if_modified_since, &since)) {
        return mtime <= since;
    }
    return false;
}

bool range_applies(const request& req, const char* etag, int64_t mtime) {
    if (!req.if_range.p) {
        return true;
    }
    text v = req.if_range;
    if (v.n && (v.p[0] == '"' || v.p[0] == 'W')) {
        return v.eq(etag);   // strong comparison; a weak tag never matches
    }
    int64_t date;
    return mtime >= 0 && parse_date(v, &date) && date == mtime;
}

}  // namespace http
