// The timer wheel: LVL_DEPTH levels of 64 buckets, each level 8 times
// coarser than the one below (Linux 4.8+'s layout, kernel/time/timer.c).
// Level 0 has one bucket per jiffy; a timer goes to the finest level whose
// 64 buckets reach its expiry, into the bucket of the window holding it.
//
// Unlike Linux 4.8+, which fires a coarse timer at the end of its window
// (up to 12% late, never sorted again), this wheel cascades as Linux did
// before 4.8: when the wheel clock reaches the start of a coarse bucket's
// window, the bucket is emptied and its timers re-queued, which puts each
// one in a finer level, so every timer fires at exactly its jiffy. A timer
// is re-queued at most once per level (more only beyond the top level's
// reach), and the clock jumps straight to the next non-empty bucket, so an
// idle wheel or a tick of many jiffies costs one bitmap scan per bucket met.
//
// Invariant: a timer queued at wheel clock clk sits at level 0 if its
// expiry is less than 64 jiffies away, else at the finest level k whose
// window of the expiry starts after clk and fewer than 64 windows on. The
// first time the clock meets that bucket is then exactly the start of that
// window (or, at level 0, the expiry), whatever jumps the clock makes, as it
// never jumps over a non-empty bucket.
#include "kernel/timer.h"

#include <bit>

#include "kernel/cpu.h"
#include "kernel/softirq.h"

namespace {

constexpr unsigned LVL_CLK_SHIFT = 3;  // 8x coarser per level
constexpr unsigned LVL_BITS = 6;
constexpr unsigned LVL_SIZE = 1u << LVL_BITS;
constexpr unsigned LVL_MASK = LVL_SIZE - 1;
constexpr unsigned LVL_DEPTH = 9;
constexpr unsigned WHEEL_SIZE = LVL_SIZE * LVL_DEPTH;

constexpr unsigned lvl_shift(unsigned lvl) { return lvl * LVL_CLK_SHIFT; }
constexpr unsigned long lvl_gran(unsigned lvl) { return 1ul << lvl_shift(lvl); }
// A bucket's index must follow the clock through a 32-bit jiffies wrap.
static_assert(lvl_shift(LVL_DEPTH - 1) + LVL_BITS <= 32);
// Beyond the top level's reach (63 * 2^24 jiffies: 122 days at 100 Hz) a
// timer waits in the farthest top bucket and is re-queued from there.
static_assert((LVL_SIZE - 1) * lvl_gran(LVL_DEPTH - 1) < MAX_JIFFY_OFFSET);

// All of it changes only with interrupts masked.
unsigned long clk;                  // the next jiffy the wheel has to process
unsigned long next_expiry = MAX_JIFFY_OFFSET;  // no work before this jiffy
uint64_t pending_map[LVL_DEPTH];    // bit per non-empty bucket
timer_list* vectors[WHEEL_SIZE];
bool expiring;                      // in run_timer_softirq: clk must not move

struct slot {
    unsigned lvl;
    unsigned idx;          // into vectors[]
    unsigned long event;   // when the clock meets it
};

slot calc_slot(unsigned long expires) {
    unsigned long delta = expires - clk;
    if (static_cast<long>(delta) < 0) {  // already due: the next jiffy processed
        expires = clk;
        delta = 0;
    }
    unsigned lvl = 0;
    for (; lvl < LVL_DEPTH; ++lvl) {
        unsigned long windows = ((clk & (lvl_gran(lvl) - 1)) + delta) >> lvl_shift(lvl);
        if (windows < LVL_SIZE) {
            break;
        }
    }
    if (lvl == LVL_DEPTH) {
        lvl = LVL_DEPTH - 1;
        expires = clk + (LVL_SIZE - 1) * lvl_gran(lvl);
    }
    unsigned idx = lvl * LVL_SIZE + ((expires >> lvl_shift(lvl)) & LVL_MASK);
    return {lvl, idx, expires & ~(lvl_gran(lvl) - 1)};
}

void enqueue(timer_list* t) {
    slot s = calc_slot(t->expires);
    timer_list*& head = vectors[s.idx];
    t->next = head;
    if (head) {
        head->pprev = &t->next;
    }
    head = t;
    t->pprev = &head;
    t->bucket = static_cast<uint16_t>(s.idx);
    pending_map[s.lvl] |= uint64_t{1} << (s.idx & LVL_MASK);
    if (time_before(s.event, next_expiry)) {
        next_expiry = s.event;
    }
}

void clear_if_empty(unsigned idx) {
    if (!vectors[idx]) {
        pending_map[idx / LVL_SIZE] &= ~(uint64_t{1} << (idx & LVL_MASK));
    }
}

// Also works for a timer on run_timer_softirq's list of expired ones.
void detach(timer_list* t) {
    *t->pprev = t->next;
    if (t->next) {
        t->next->pprev = t->pprev;
    }
    t->next = nullptr;
    t->pprev = nullptr;
    clear_if_empty(t->bucket);
}

bool wheel_empty() {
    for (uint64_t map : pending_map) {
        if (map) {
            return false;
        }
    }
    return true;
}

// An empty wheel's clock follows jiffies (Linux's forward_timer_base), so a
// new timer is placed from now, not from whenever the wheel last ran.
void forward_idle_wheel() {
    if (!expiring && wheel_empty()) {
        clk = jiffies;
        next_expiry = clk + MAX_JIFFY_OFFSET;
    }
}

// A 64-bit count-trailing-zeros would be a libgcc call on MIPS32.
unsigned first_set(uint64_t map) {
    auto lo = static_cast<uint32_t>(map);
    if (lo) {
        return static_cast<unsigned>(std::countr_zero(lo));
    }
    return 32 + static_cast<unsigned>(std::countr_zero(static_cast<uint32_t>(map >> 32)));
}

// The earliest jiffy, from clk on, at which a non-empty bucket is met.
bool next_event(unsigned long* when) {
    bool found = false;
    for (unsigned lvl = 0; lvl < LVL_DEPTH; ++lvl) {
        if (!pending_map[lvl]) {
            continue;
        }
        unsigned long gran = lvl_gran(lvl);
        unsigned long start = (clk + gran - 1) & ~(gran - 1);  // next window start
        unsigned pos = static_cast<unsigned>(start >> lvl_shift(lvl)) & LVL_MASK;
        unsigned ahead = first_set(std::rotr(pending_map[lvl], static_cast<int>(pos)));
        unsigned long event = start + ahead * gran;
        if (!found || time_before(event, *when)) {
            *when = event;
            found = true;
        }
    }
    return found;
}

timer_list* take_bucket(unsigned idx) {
    timer_list* list = vectors[idx];
    vectors[idx] = nullptr;
    clear_if_empty(idx);
    return list;
}

void cascade(unsigned lvl) {
    unsigned idx = lvl * LVL_SIZE + (static_cast<unsigned>(clk >> lvl_shift(lvl)) & LVL_MASK);
    for (timer_list* t = take_bucket(idx); t;) {
        timer_list* next = t->next;
        enqueue(t);
        t = next;
    }
}

// Advances the clock to the next jiffy with work, up to jiffies; sorts the
// coarse buckets met there and moves the timers due onto *expired. False
// when the clock has caught up with nothing due.
bool collect_expired(timer_list** expired) {
    while (time_after_eq(jiffies, clk)) {
        unsigned long event;
        if (!next_event(&event) || time_after(event, jiffies)) {
            clk = jiffies + 1;
            return false;
        }
        clk = event;
        for (unsigned lvl = LVL_DEPTH - 1; lvl > 0; --lvl) {
            if ((clk & (lvl_gran(lvl) - 1)) == 0) {
                cascade(lvl);
            }
        }
        timer_list* due = take_bucket(static_cast<unsigned>(clk) & LVL_MASK);
        ++clk;
        if (due) {
            *expired = due;
            due->pprev = expired;
            return true;
        }
    }
    return false;
}

// One at a time, detached first, so a function may re-arm its own timer and
// anyone (an interrupt, an earlier function) may still delete or move a
// timer waiting on the list.
void expire_timers(timer_list** expired) {
    for (;;) {
        timer_list* t;
        void (*fn)(timer_list*);
        {
            cpu::irq_guard guard;
            t = *expired;
            if (!t) {
                return;
            }
            detach(t);
            fn = t->function;
        }
        if (fn) {
            fn(t);
        }
    }
}

void run_timer_softirq() {
    {
        cpu::irq_guard guard;
        expiring = true;
    }
    for (;;) {
        timer_list* expired = nullptr;
        {
            cpu::irq_guard guard;
            if (!collect_expired(&expired)) {
                unsigned long event;
                next_expiry = next_event(&event) ? event : clk + MAX_JIFFY_OFFSET;
                expiring = false;
                return;
            }
        }
        expire_timers(&expired);
    }
}

}  // namespace

void init_timers() {
    open_softirq(TIMER_SOFTIRQ, run_timer_softirq);
    cpu::irq_guard guard;
    forward_idle_wheel();
}

void timer_setup(timer_list* timer, void (*function)(timer_list*), uint32_t flags) {
    timer->next = nullptr;
    timer->pprev = nullptr;
    timer->function = function;
    timer->flags = flags;
}

int mod_timer(timer_list* timer, unsigned long expires) {
    cpu::irq_guard guard;
    int was_pending = timer_pending(timer);
    if (was_pending) {
        if (timer->expires == expires) {
            return 1;
        }
        detach(timer);
    }
    forward_idle_wheel();
    timer->expires = expires;
    enqueue(timer);
    return was_pending;
}

void add_timer(timer_list* timer) { mod_timer(timer, timer->expires); }

int timer_reduce(timer_list* timer, unsigned long expires) {
    cpu::irq_guard guard;
    if (timer_pending(timer) && !time_before(expires, timer->expires)) {
        return 1;
    }
    return mod_timer(timer, expires);
}

int del_timer(timer_list* timer) {
    cpu::irq_guard guard;
    if (!timer_pending(timer)) {
        return 0;
    }
    detach(timer);
    return 1;
}

void run_local_timers() {
    if (time_after_eq(jiffies, next_timer_expiry())) {
        raise_softirq(TIMER_SOFTIRQ);
    }
}

unsigned long next_timer_expiry() {
    cpu::irq_guard guard;
    return next_expiry;
}
