// Lightweight tracepoints: enter/exit events with timestamps and nesting,
// kept in a ring buffer and, when their category is switched on (trace= on
// the command line, e.g. trace=socket,rx, or trace_set() at run time),
// printed so that a call chain reads like Linux's source:
//   sys_socket
//     sock_create
//       __sock_create ...
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace trace {

enum class cat : uint8_t { syscall, socket, rx, tx, sched, irq, tcp, count };

const char* cat_name(cat c);
bool enabled(cat c);
void set(cat c, bool on);
void init_from_cmdline();               // trace=a,b,... ; trace=all
// Sets categories from a comma list ("socket,rx", "all", "none"): the number
// of names understood, or -1 on an unknown one (nothing changed then).
int set_from_list(const char* list);

void enter(cat c, const char* fn);       // records and, when on, prints
void exit(cat c, const char* fn);
void event(cat c, const char* fn, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// RAII: a function's span. `trace::scope t(trace::cat::socket, "sock_create");`
class scope {
public:
    scope(cat c, const char* fn) : c_(c), fn_(fn), on_(enabled(c)) {
        if (on_) {
            enter(c_, fn_);
        }
    }
    ~scope() {
        if (on_) {
            exit(c_, fn_);
        }
    }
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;
private:
    cat c_;
    const char* fn_;
    bool on_;
};

struct record {
    uint64_t ns;
    const char* fn;
    cat c;
    uint8_t depth;
    char kind;        // '>' enter, '<' exit, '*' event
    char note[32];
};
// Copies up to max records, oldest first; returns how many.
size_t snapshot(record* out, size_t max);
void clear();

}  // namespace trace
