#include "apps/http/mime.h"

#include <string.h>

#include "apps/http/text.h"

namespace http {
namespace {

struct mime_entry {
    const char* ext;
    const char* type;
};
constexpr mime_entry mime_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"ico", "image/vnd.microsoft.icon"},
    {"webp", "image/webp"},
    {"wasm", "application/wasm"},
    {"pdf", "application/pdf"},
    {"gz", "application/gzip"},
    {"tar", "application/x-tar"},
    {"cpio", "application/x-cpio"},
    {"woff2", "font/woff2"},
};

}  // namespace

const char* mime_type(const char* path) {
    const char* slash = strrchr(path, '/');
    const char* name = slash ? slash + 1 : path;
    const char* dot = strrchr(name, '.');
    if (!dot || dot == name) {
        return "application/octet-stream";
    }
    text ext{dot + 1, strlen(dot + 1)};
    for (const auto& m : mime_types) {
        if (ext.eq_nocase(m.ext)) {
            return m.type;
        }
    }
    return "application/octet-stream";
}

}  // namespace http
