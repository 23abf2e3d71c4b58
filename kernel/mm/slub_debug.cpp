#include "kernel/mm/slub_debug.h"

#include <string.h>

#include "kernel/panic.h"
#include "kernel/printk.h"

namespace slub_debug {

namespace {

unsigned long found;

unsigned letters(const char* s, const char* end) {
    unsigned f = 0;
    for (; s < end; ++s) {
        switch (*s) {
        case 'F': case 'f': f |= consistency; break;
        case 'Z': case 'z': f |= red_zone; break;
        case 'P': case 'p': f |= poison; break;
        default: break;   // U, T, A... of Linux's: not kept here
        }
    }
    return f;
}

// The first byte of [p, p+n) that is not c, or nullptr.
const uint8_t* first_not(const uint8_t* p, size_t n, uint8_t c) {
    for (size_t i = 0; i < n; ++i) {
        if (p[i] != c) {
            return p + i;
        }
    }
    return nullptr;
}

void report(const layout& l, const void* obj, const char* what, const uint8_t* bad, uint8_t want,
            const char* when) {
    ++found;
    auto* base = static_cast<const uint8_t*>(obj);
    unsigned off = static_cast<unsigned>(bad - base);
    pr_err("=============================================================================\n");
    pr_err("BUG %s: %s (found at %s)\n", l.cache, what, when);
    pr_err("Object %p (%u bytes, slot %u): byte +%u is %#04x, not %#04x\n", obj, l.object_size, l.size, off,
           *bad, want);
    unsigned from = off >= 8 ? off - 8 : 0;
    char line[3 * 16 + 1];
    size_t k = 0;
    for (unsigned i = from; i < from + 16 && i < l.size; ++i) {
        static const char hex[] = "0123456789abcdef";
        line[k++] = hex[base[i] >> 4];
        line[k++] = hex[base[i] & 15];
        line[k++] = ' ';
    }
    line[k] = '\0';
    pr_err("Bytes at +%u: %s\n", from, line);
    dump_stack();
}

// [from, to) of the slot, skipping the free pointer words.
template <typename F>
void each_zone(const layout& l, F f) {
    f(l.object_size, l.free_off);
    f(l.free_off + l.free_bytes, l.size);
}

bool poisoned(const layout& l) { return l.flags & poison; }

}  // namespace

unsigned flags_for(const char* spec, const char* name) {
    if (!spec) {
        return 0;
    }
    if (!*spec) {
        return consistency | red_zone | poison;   // bare "slub_debug"
    }
    const char* comma = strchr(spec, ',');
    unsigned f = letters(spec, comma ? comma : spec + strlen(spec));
    if (!comma) {
        return f;
    }
    for (const char* p = comma + 1; *p;) {
        const char* e = strchr(p, ',');
        size_t n = e ? static_cast<size_t>(e - p) : strlen(p);
        if (n == strlen(name) && strncmp(p, name, n) == 0) {
            return f;
        }
        p += n + (e ? 1 : 0);
    }
    return 0;
}

void mark_free(const layout& l, void* obj) {
    auto* b = static_cast<uint8_t*>(obj);
    if (poisoned(l) && l.object_size) {
        memset(b, POISON_FREE, l.object_size - 1);
        b[l.object_size - 1] = POISON_END;
    }
    if (l.flags & red_zone) {
        each_zone(l, [&](unsigned from, unsigned to) { memset(b + from, SLUB_RED_INACTIVE, to - from); });
    }
}

void mark_allocated(const layout& l, void* obj) {
    auto* b = static_cast<uint8_t*>(obj);
    if (l.flags & red_zone) {
        each_zone(l, [&](unsigned from, unsigned to) { memset(b + from, SLUB_RED_ACTIVE, to - from); });
    }
}

bool check_free(const layout& l, void* obj, const char* when) {
    auto* b = static_cast<uint8_t*>(obj);
    bool ok = true;
    if (poisoned(l) && l.object_size) {
        const uint8_t* bad = first_not(b, l.object_size - 1, POISON_FREE);
        if (!bad && b[l.object_size - 1] != POISON_END) {
            bad = b + l.object_size - 1;
        }
        if (bad) {
            report(l, obj, "Poison overwritten (written after free)", bad,
                   bad == b + l.object_size - 1 ? POISON_END : POISON_FREE, when);
            ok = false;
        }
    }
    if (l.flags & red_zone) {
        each_zone(l, [&](unsigned from, unsigned to) {
            if (const uint8_t* bad = first_not(b + from, to - from, SLUB_RED_INACTIVE); bad && ok) {
                report(l, obj, "Redzone overwritten (free object)", bad, SLUB_RED_INACTIVE, when);
                ok = false;
            }
        });
    }
    if (!ok) {
        pr_err("FIX %s: Restoring poison and red zone of %p\n", l.cache, obj);
        mark_free(l, obj);
    }
    return ok;
}

bool check_allocated(const layout& l, void* obj, const char* when) {
    if (!(l.flags & red_zone)) {
        return true;
    }
    auto* b = static_cast<uint8_t*>(obj);
    const uint8_t* bad = nullptr;
    each_zone(l, [&](unsigned from, unsigned to) {
        if (!bad) {
            bad = first_not(b + from, to - from, SLUB_RED_ACTIVE);
        }
    });
    if (!bad) {
        return true;
    }
    report(l, obj, "Redzone overwritten (written past the object's end)", bad, SLUB_RED_ACTIVE, when);
    pr_err("FIX %s: Restoring red zone of %p\n", l.cache, obj);
    mark_allocated(l, obj);
    return false;
}

unsigned long errors() { return found; }

}  // namespace slub_debug
