// What httpd answers a whole request with (RFC 9110): files under the
// document root (index.html for a directory, no listings), the built-in
// dashboard for / when the root has none, /status.json, and POST /echo.
// Everything is queued on the connection; apps/httpd.cpp sends it.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "apps/http/conditional.h"
#include "apps/http/date.h"
#include "apps/http/mime.h"
#include "apps/http/range.h"
#include "apps/http/response.h"
#include "apps/http/target.h"
#include "apps/httpd.h"

namespace httpd {
namespace {

constexpr int64_t sane_wall = 946684800;   // 2000-01-01: a clock before that was never set

// The fields every answer has: Date (RFC 9110 6.6.1: only with a clock),
// Server, and Connection when it is to close (or HTTP/1.0 keep-alive).
void common_fields(http::head_writer& w, int status, bool close, int minor) {
    w.status_line(status);
    int64_t now = wall_now();
    if (now >= 0) {
        char date[http::date_len + 1];
        http::format_date(now, date);
        w.field("Date", "%s", date);
    }
    w.field("Server", "%s", "mipsnet-httpd");
    if (close) {
        w.field("Connection", "%s", "close");
    } else if (minor == 0) {
        w.field("Connection", "%s", "keep-alive");
    }
}

// Sets c.out to the head written in it; a head too big for out_cap
// cannot happen with these fields, but is a 500 rather than a cut one.
void finish_head(conn& c, http::head_writer& w) {
    w.end();
    if (w.overflow) {
        http::head_writer e(c.out, out_cap);
        e.status_line(500);
        e.field("Content-Length", "0");
        e.field("Connection", "close");
        e.end();
        c.close_after = true;
        c.body = body_kind::none;
        c.out_len = e.len;
        return;
    }
    c.out_len = w.len;
}

// A small HTML body in out after the head; extra is one more field line
// ("Allow: GET, HEAD") or nullptr.
int answer_page(conn& c, int status, bool close, int minor, bool head, const char* extra_name, const char* extra) {
    char body[320];
    size_t blen = http::error_body(status, body, sizeof body);
    http::head_writer w(c.out, out_cap);
    common_fields(w, status, close, minor);
    if (extra_name) {
        w.field(extra_name, "%s", extra);
    }
    w.field("Content-Type", "%s", "text/html; charset=utf-8");
    w.field("Content-Length", "%zu", blen);
    finish_head(c, w);
    if (!head && c.out_len + blen <= out_cap) {
        memcpy(c.out + c.out_len, body, blen);
        c.out_len += blen;
    }
    c.close_after = c.close_after || close;
    return status;
}

// A body the connection owns (JSON, an echo): malloc'd, freed when sent.
int answer_owned(conn& c, const http::request& req, char* data, size_t len, const char* type, bool head,
                 const char* cache) {
    http::head_writer w(c.out, out_cap);
    common_fields(w, 200, !req.keep_alive, req.minor);
    w.field("Content-Type", "%s", type);
    w.field("Content-Length", "%zu", len);
    if (cache) {
        w.field("Cache-Control", "%s", cache);
    }
    finish_head(c, w);
    c.close_after = !req.keep_alive;
    if (head) {
        free(data);
        return 200;
    }
    c.body = body_kind::memory;
    c.owned = data;
    c.mem = data;
    c.mem_len = len;
    c.mem_off = 0;
    return 200;
}

// OPTIONS (RFC 9110 9.3.7): what the target allows, no content.
int answer_options(conn& c, const http::request& req, const char* allow) {
    http::head_writer w(c.out, out_cap);
    common_fields(w, 204, !req.keep_alive, req.minor);
    w.field("Allow", "%s", allow);
    finish_head(c, w);
    c.close_after = !req.keep_alive;
    return 204;
}

int serve_status(server& s, conn& c, const http::request& req, bool head) {
    size_t cap = 32768;
    char* buf = static_cast<char*>(malloc(cap));
    size_t len = buf ? status_json(s, buf, cap) : 0;
    if (!len) {
        free(buf);
        return answer_page(c, 500, true, req.minor, head, nullptr, nullptr);
    }
    return answer_owned(c, req, buf, len, "application/json", head, "no-store");
}

int serve_echo(conn& c, const http::request& req) {
    char* copy = static_cast<char*>(malloc(req.body.n ? req.body.n : 1));
    if (!copy) {
        return answer_page(c, 500, true, req.minor, false, nullptr, nullptr);
    }
    memcpy(copy, req.body.p, req.body.n);
    char type[128];   // the client's Content-Type, echoed back (copied into the head at once)
    size_t tn = req.content_type.n < sizeof type - 1 ? req.content_type.n : sizeof type - 1;
    if (tn) {
        memcpy(type, req.content_type.p, tn);
    }
    type[tn] = '\0';
    return answer_owned(c, req, copy, req.body.n, tn ? type : "application/octet-stream", false, nullptr);
}

// A representation of known length: validators, 304, Range (206, 416),
// the head; *first / *len the bytes to send. Returns the status.
struct representation {
    uint64_t size;
    const char* etag;
    int64_t mtime;   // < 0: no Last-Modified
    const char* type;
};

int head_for_known(server& s, conn& c, const http::request& req, const representation& r, uint64_t* first,
                   uint64_t* len) {
    (void)s;
    bool close = !req.keep_alive;
    char lm[http::date_len + 1] = {};
    if (r.mtime >= 0) {
        http::format_date(r.mtime, lm);
    }
    if (http::not_modified(req, r.etag, r.mtime)) {
        http::head_writer w(c.out, out_cap);
        common_fields(w, 304, close, req.minor);
        w.field("ETag", "%s", r.etag);
        if (r.mtime >= 0) {
            w.field("Last-Modified", "%s", lm);
        }
        finish_head(c, w);
        c.close_after = close;
        *len = 0;
        return 304;
    }
    int status = 200;
    http::byte_range br{0, r.size ? r.size - 1 : 0};
    if (req.range.p && http::range_applies(req, r.etag, r.mtime)) {
        switch (http::parse_range(req.range, r.size, &br)) {
        case http::range_result::partial: status = 206; break;
        case http::range_result::unsatisfiable: {
            char cr[40];
            snprintf(cr, sizeof cr, "bytes */%llu", static_cast<unsigned long long>(r.size));
            *len = 0;
            return answer_page(c, 416, close, req.minor, req.meth == http::method::head, "Content-Range", cr);
        }
        case http::range_result::whole: break;
        }
    }
    *first = status == 206 ? br.first : 0;
    *len = status == 206 ? br.last - br.first + 1 : r.size;
    http::head_writer w(c.out, out_cap);
    common_fields(w, status, close, req.minor);
    w.field("Content-Type", "%s", r.type);
    w.field("Content-Length", "%llu", static_cast<unsigned long long>(*len));
    w.field("Accept-Ranges", "%s", "bytes");
    w.field("ETag", "%s", r.etag);
    if (r.mtime >= 0) {
        w.field("Last-Modified", "%s", lm);
    }
    if (status == 206) {
        w.field("Content-Range", "bytes %llu-%llu/%llu", static_cast<unsigned long long>(br.first),
                static_cast<unsigned long long>(br.last), static_cast<unsigned long long>(r.size));
    }
    finish_head(c, w);
    c.close_after = close;
    return status;
}

int serve_builtin_index(server& s, conn& c, const http::request& req, bool head) {
    representation r{httpd_index_html_len, s.index_etag, s.started_wall, "text/html; charset=utf-8"};
    uint64_t first = 0, len = 0;
    int status = head_for_known(s, c, req, r, &first, &len);
    if (!head && len && (status == 200 || status == 206)) {
        c.body = body_kind::memory;
        c.mem = reinterpret_cast<const char*>(httpd_index_html) + first;
        c.mem_len = static_cast<size_t>(len);
        c.mem_off = 0;
    }
    return status;
}

// A file of unknown length (a /proc file says 0): chunked in HTTP/1.1
// (RFC 9112 7.1), to the end of the connection in HTTP/1.0, no validators
// (its contents change under the same inode).
int serve_stream(conn& c, const http::request& req, int fd, const char* type, bool head) {
    bool chunked = req.minor >= 1;
    bool closing = !req.keep_alive || !chunked;
    http::head_writer w(c.out, out_cap);
    common_fields(w, 200, closing, req.minor);
    w.field("Content-Type", "%s", type);
    if (chunked) {
        w.field("Transfer-Encoding", "%s", "chunked");
    }
    finish_head(c, w);
    c.close_after = closing;
    if (head) {
        close(fd);
        return 200;
    }
    c.body = chunked ? body_kind::file_chunked : body_kind::file_to_eof;
    c.file_fd = fd;
    c.file_eof = false;
    return 200;
}

int serve_file(server& s, conn& c, const http::request& req, const char* path, bool head) {
    size_t plen = strlen(path);
    bool slash = path[plen - 1] == '/';
    char full[1200];
    snprintf(full, sizeof full, "%s%s%s", s.opt.docroot, path, slash ? "index.html" : "");
    bool root_index = strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0;
    int fd = open(full, O_RDONLY);
    if (fd < 0) {
        if (root_index) {
            return serve_builtin_index(s, c, req, head);
        }
        if (slash) {
            // The directory exists but has no index.html: listings are off.
            snprintf(full, sizeof full, "%s%s", s.opt.docroot, path);
            int dfd = open(full, O_RDONLY);
            if (dfd >= 0) {
                close(dfd);
                return answer_page(c, 403, !req.keep_alive, req.minor, head, nullptr, nullptr);
            }
        }
        return answer_page(c, errno == EACCES ? 403 : 404, !req.keep_alive, req.minor, head, nullptr, nullptr);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        close(fd);
        return answer_page(c, 500, true, req.minor, head, nullptr, nullptr);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        char loc[1100];
        snprintf(loc, sizeof loc, "%s/", path);   // RFC 9110 15.4.2: where the directory is
        return answer_page(c, 301, !req.keep_alive, req.minor, head, "Location", loc);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return answer_page(c, 403, !req.keep_alive, req.minor, head, nullptr, nullptr);
    }
    const char* type = http::mime_type(full);
    if (st.st_size <= 0) {
        return serve_stream(c, req, fd, type, head);
    }
    char etag[http::etag_max];
    int64_t mtime = st.st_mtime > 0 ? static_cast<int64_t>(st.st_mtime) : -1;
    http::make_etag(st.st_ino, static_cast<uint64_t>(st.st_size), mtime, etag);
    representation r{static_cast<uint64_t>(st.st_size), etag, mtime, type};
    uint64_t first = 0, len = 0;
    int status = head_for_known(s, c, req, r, &first, &len);
    if (head || !len || (status != 200 && status != 206)) {
        close(fd);
        return status;
    }
    if (first && lseek(fd, static_cast<off_t>(first), SEEK_SET) < 0) {
        close(fd);   // a range of a file that cannot seek: the head is not sent yet
        return answer_page(c, 500, true, req.minor, head, nullptr, nullptr);
    }
    c.body = body_kind::file;
    c.file_fd = fd;
    c.file_off = first;
    c.file_left = len;
    return status;
}

}  // namespace

int64_t wall_now() {
    struct timeval tv;
    if (gettimeofday(&tv, nullptr) < 0 || tv.tv_sec < sane_wall) {
        return -1;
    }
    return static_cast<int64_t>(tv.tv_sec);
}

void queue_error(server& s, conn& c, int status) {
    (void)s;
    bool busy = status == 503;   // RFC 9110 10.2.3: when to try again
    answer_page(c, status, true, 1, false, busy ? "Retry-After" : nullptr, busy ? "1" : nullptr);
}

int serve_request(server& s, conn& c, const http::request& req) {
    c.close_after = false;
    c.use_sendfile = true;
    bool head = req.meth == http::method::head;
    bool get_or_head = head || req.meth == http::method::get;
    bool closing = !req.keep_alive;
    if (req.meth == http::method::unknown) {
        return answer_page(c, 501, closing, req.minor, false, nullptr, nullptr);   // RFC 9110 9.1
    }
    if (req.meth == http::method::options && req.target.eq("*")) {
        return answer_options(c, req, "GET, HEAD, POST, OPTIONS");   // the server as a whole (RFC 9110 9.3.7)
    }
    if (req.meth == http::method::connect) {
        return answer_page(c, 405, closing, req.minor, false, "Allow", "GET, HEAD, OPTIONS");   // not a proxy
    }
    http::target_path t;
    if (int st = http::decode_target(req.target, t)) {
        return answer_page(c, st, true, req.minor, head, nullptr, nullptr);
    }
    bool echo = strcmp(t.path, "/echo") == 0;
    const char* allow = echo ? "POST, OPTIONS" : "GET, HEAD, OPTIONS";
    if (req.meth == http::method::options) {
        return answer_options(c, req, allow);
    }
    if (echo ? req.meth != http::method::post : !get_or_head) {
        return answer_page(c, 405, closing, req.minor, head, "Allow", allow);
    }
    if (echo) {
        return serve_echo(c, req);
    }
    if (strcmp(t.path, "/status.json") == 0) {
        return serve_status(s, c, req, head);
    }
    return serve_file(s, c, req, t.path, head);
}

}  // namespace httpd
