#include "kernel/cmdline.h"

#include <stdlib.h>
#include <string.h>

namespace {

constexpr size_t max_line = 1024;
constexpr size_t max_words = 64;

char line_copy[max_line];     // as given, for display
char words_buf[max_line];     // split copy: words NUL-terminated in place
struct word { char* key; const char* value; };
word words[max_words];
size_t nwords;

void split() {
    nwords = 0;
    char* p = words_buf;
    while (nwords < max_words) {
        while (*p == ' ' || *p == '\t') {
            ++p;
        }
        if (!*p) {
            break;
        }
        word& w = words[nwords++];
        w.key = p;
        w.value = "";
        while (*p && *p != ' ' && *p != '\t') {
            ++p;
        }
        if (*p) {
            *p++ = '\0';
        }
        if (char* eq = strchr(w.key, '=')) {
            *eq = '\0';
            w.value = eq + 1;
        }
    }
}

}  // namespace

namespace cmdline {

void parse(const char* line) {
    strncpy(line_copy, line ? line : "", max_line - 1);
    line_copy[max_line - 1] = '\0';
    memcpy(words_buf, line_copy, max_line);
    split();
}

void init_from_argv(int argc, char** argv) {
    char buf[max_line] = {};
    size_t used = 0;
    for (int i = 1; i < argc && argv && argv[i]; ++i) {
        size_t n = strlen(argv[i]);
        if (used + n + 2 > max_line) {
            break;
        }
        if (used) {
            buf[used++] = ' ';
        }
        memcpy(buf + used, argv[i], n);
        used += n;
    }
    parse(buf);
}

const char* str() { return line_copy; }

const char* get(const char* key) {
    // The last occurrence wins, as with Linux's early params.
    for (size_t i = nwords; i-- > 0;) {
        if (strcmp(words[i].key, key) == 0) {
            return words[i].value;
        }
    }
    return nullptr;
}

const char* get_nth(const char* key, size_t n) {
    for (size_t i = 0; i < nwords; ++i) {
        if (strcmp(words[i].key, key) == 0 && n-- == 0) {
            return words[i].value;
        }
    }
    return nullptr;
}

long get_int(const char* key, long fallback) {
    const char* v = get(key);
    if (!v || !*v) {
        return fallback;
    }
    char* end = nullptr;
    long n = strtol(v, &end, 0);
    return (end && *end == '\0') ? n : fallback;
}

bool get_list_item(const char* key, size_t n, char* buf, size_t len) {
    const char* v = get(key);
    if (!v || len == 0) {
        return false;
    }
    for (size_t i = 0; i < n; ++i) {
        v = strchr(v, ',');
        if (!v) {
            return false;
        }
        ++v;
    }
    size_t l = strcspn(v, ",");
    if (l == 0) {
        return false;
    }
    if (l >= len) {
        l = len - 1;
    }
    memcpy(buf, v, l);
    buf[l] = '\0';
    return true;
}

}  // namespace cmdline
