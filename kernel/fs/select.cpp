// poll and select (Linux's fs/select.c). The caller is queued on every wait
// queue the files' poll methods name, then sleeps until one of them is
// woken, a file is ready, or the timeout passes.
//
// Lost wakeups: the task is marked asleep before the files are asked, so a
// wake_up() that comes between the question and schedule() makes it
// runnable again and schedule() returns at once (Linux needs its
// "triggered" flag for the same). That is why f_op->poll must not sleep.
#include <stddef.h>

#include "kernel/cpu.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/poll.h"
#include "kernel/fs/pool.h"
#include "kernel/list.h"
#include "kernel/sched/sched.h"
#include "kernel/syscalls.h"
#include "kernel/time.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

namespace {

struct poll_table_entry {
    file* filp;
    wait_queue_entry wait;
    wait_queue_head* wait_address;
};

// Entries beyond the ones on the caller's stack come in pages from a pool.
constexpr int N_INLINE_POLL_ENTRIES = 8;
constexpr int POLL_PAGE_ENTRIES = 32;
struct poll_table_page {
    poll_table_page* next;
    int used;
    poll_table_entry entries[POLL_PAGE_ENTRIES];
};
object_pool<poll_table_page, 8> poll_pages;

struct poll_wqueues {
    poll_table pt;
    int error;
    int inline_index;
    poll_table_entry inline_entries[N_INLINE_POLL_ENTRIES];
    poll_table_page* table;
};

poll_table_entry* poll_get_entry(poll_wqueues* p) {
    if (p->inline_index < N_INLINE_POLL_ENTRIES) {
        return &p->inline_entries[p->inline_index++];
    }
    poll_table_page* page = p->table;
    if (!page || page->used == POLL_PAGE_ENTRIES) {
        page = poll_pages.alloc();
        if (!page) {
            p->error = -ENOMEM;
            return nullptr;
        }
        page->next = p->table;
        p->table = page;
    }
    return &page->entries[page->used++];
}

void pollwait(file* filp, wait_queue_head* wq, poll_table* pt) {
    poll_wqueues* pwq = container_of(pt, &poll_wqueues::pt);
    poll_table_entry* entry = poll_get_entry(pwq);
    if (!entry) {
        return;
    }
    entry->filp = get_file(filp);
    entry->wait_address = wq;
    entry->wait.task = current;
    entry->wait.exclusive = false;
    entry->wait.func = nullptr;
    cpu::irq_guard guard;
    list_add(&entry->wait.entry, &wq->head);
}

void poll_initwait(poll_wqueues* pwq) {
    pwq->pt._qproc = pollwait;
    pwq->pt._key = ~poll_t{0};
    pwq->error = 0;
    pwq->inline_index = 0;
    pwq->table = nullptr;
}

void free_poll_entry(poll_table_entry* entry) {
    {
        cpu::irq_guard guard;
        list_del(&entry->wait.entry);
    }
    fput(entry->filp);
}

void poll_freewait(poll_wqueues* pwq) {
    for (int i = 0; i < pwq->inline_index; ++i) {
        free_poll_entry(&pwq->inline_entries[i]);
    }
    while (poll_table_page* page = pwq->table) {
        for (int i = 0; i < page->used; ++i) {
            free_poll_entry(&page->entries[i]);
        }
        pwq->table = page->next;
        poll_pages.free(page);
    }
}

void set_current_state(task_state s) {
    cpu::irq_guard guard;
    current->state = s;
}

// Whole jiffies, rounded up so a timeout never ends early (Linux's
// msecs_to_jiffies; the timer wheel's kernel/jiffies.h has the same).
long ms_to_jiffies(uint64_t ms) {
    uint64_t j = (ms * HZ + 999) / 1000;
    return j >= MAX_SCHEDULE_TIMEOUT ? MAX_SCHEDULE_TIMEOUT - 1 : static_cast<long>(j);
}

// Asks every file of a scan, then sleeps; until something is ready or the
// timeout (jiffies, or MAX_SCHEDULE_TIMEOUT) has passed. scan(pt) returns
// how many are ready and stops queueing (pt->_qproc = nullptr) at the first.
// *timeout is left at the jiffies that remain.
template <typename Scan>
int poll_loop(poll_wqueues* wait, long* timeout, Scan scan) {
    poll_table* pt = &wait->pt;
    bool timed_out = *timeout == 0;
    if (timed_out) {
        pt->_qproc = nullptr;
    }
    int count;
    for (;;) {
        set_current_state(task_state::interruptible);
        count = scan(pt);
        pt->_qproc = nullptr;
        if (!count) {
            count = wait->error;
        }
        if (count || timed_out) {
            break;
        }
        *timeout = schedule_timeout(*timeout);
        if (*timeout == 0) {
            timed_out = true;   // one more scan, then give up
        }
    }
    set_current_state(task_state::running);
    return count;
}

poll_t do_pollfd(uapi::pollfd* pfd, poll_table* pt) {
    int fd = pfd->fd;
    if (fd < 0) {
        return 0;
    }
    file* f = fget(fd);
    if (!f) {
        return uapi::pollnval;
    }
    poll_t filter = static_cast<uint16_t>(pfd->events) | uapi::pollerr | uapi::pollhup;
    if (pt) {
        pt->_key = filter;
    }
    poll_t mask = vfs_poll(f, pt) & filter;
    fput(f);
    return mask;
}

// select's three sets as bitmaps of (n + 31) / 32 words, for fds below
// FD_SETSIZE as glibc has it (past it, poll and epoll serve).
constexpr unsigned SELECT_MAX_FDS = 1024;
constexpr unsigned SET_WORDS = SELECT_MAX_FDS / 32;
struct fd_set_bits {
    uint32_t in[SET_WORDS], out[SET_WORDS], ex[SET_WORDS];
    uint32_t res_in[SET_WORDS], res_out[SET_WORDS], res_ex[SET_WORDS];
};

bool bit(const uint32_t* set, unsigned fd) { return (set[fd / 32] >> (fd % 32)) & 1u; }
void set_bit(uint32_t* set, unsigned fd) { set[fd / 32] |= 1u << (fd % 32); }

long get_fd_set(unsigned words, const uapi::fd_set* ufds, uint32_t* fds) {
    if (!ufds) {
        for (unsigned i = 0; i < words; ++i) {
            fds[i] = 0;
        }
        return 0;
    }
    // The caller's pointer may be unaligned: it is only ever an address here.
    return copy_from_user(fds, static_cast<const void*>(ufds), words * sizeof(uint32_t));
}

long set_fd_set(unsigned words, uapi::fd_set* ufds, const uint32_t* fds) {
    return ufds ? copy_to_user(static_cast<void*>(ufds), fds, words * sizeof(uint32_t)) : 0;
}

long do_select(unsigned n, fd_set_bits* fds, long* timeout) {
    files_struct* files = current_files();
    // Every fd named must be open (Linux's max_select_fd).
    for (unsigned fd = 0; fd < n; ++fd) {
        if (bit(fds->in, fd) || bit(fds->out, fd) || bit(fds->ex, fd)) {
            file* f = fget(files, static_cast<int>(fd));
            if (!f) {
                return -EBADF;
            }
            fput(f);
        }
    }
    poll_wqueues table;
    poll_initwait(&table);
    int ret = poll_loop(&table, timeout, [&](poll_table* pt) {
        int count = 0;
        for (unsigned fd = 0; fd < n; ++fd) {
            bool in = bit(fds->in, fd), out = bit(fds->out, fd), ex = bit(fds->ex, fd);
            if (!in && !out && !ex) {
                continue;
            }
            file* f = fget(files, static_cast<int>(fd));
            if (!f) {
                continue;   // closed meanwhile: Linux reports nothing for it either
            }
            if (pt) {
                pt->_key = (in ? POLLIN_SET : 0) | (out ? POLLOUT_SET : 0) | (ex ? POLLEX_SET : 0);
            }
            poll_t mask = vfs_poll(f, pt);
            fput(f);
            if (in && (mask & POLLIN_SET)) {
                set_bit(fds->res_in, fd);
                ++count;
            }
            if (out && (mask & POLLOUT_SET)) {
                set_bit(fds->res_out, fd);
                ++count;
            }
            if (ex && (mask & POLLEX_SET)) {
                set_bit(fds->res_ex, fd);
                ++count;
            }
            if (count && pt) {
                pt->_qproc = nullptr;
            }
        }
        return count;
    });
    poll_freewait(&table);
    return ret;
}

}  // namespace

long sys_poll(uapi::pollfd* ufds, unsigned nfds, int timeout_msecs) {
    files_struct* files = current_files();
    if (nfds > (files ? files->max_fds : 0)) {
        return -EINVAL;   // Linux: more than RLIMIT_NOFILE
    }
    if (!access_ok(ufds, nfds * sizeof(uapi::pollfd))) {
        return -EFAULT;
    }
    long timeout = timeout_msecs < 0 ? MAX_SCHEDULE_TIMEOUT : ms_to_jiffies(static_cast<unsigned>(timeout_msecs));
    poll_wqueues table;
    poll_initwait(&table);
    // The caller's array is read and written only through copies (Linux's
    // do_sys_poll): it may be unaligned, which a direct access would turn
    // into an address error in the kernel.
    auto* uaddr = reinterpret_cast<uint8_t*>(ufds);
    bool fault = false;
    int count = poll_loop(&table, &timeout, [&](poll_table* pt) {
        int ready = 0;
        for (unsigned i = 0; i < nfds && !fault; ++i) {
            uapi::pollfd pfd;
            uint8_t* u = uaddr + i * sizeof pfd;
            if (copy_from_user(&pfd, u, sizeof pfd)) {
                fault = true;
                break;
            }
            poll_t mask = do_pollfd(&pfd, pt);
            pfd.revents = static_cast<int16_t>(mask);
            if (copy_to_user(u + offsetof(uapi::pollfd, revents), &pfd.revents, sizeof pfd.revents)) {
                fault = true;
            }
            if (mask) {
                ++ready;
                if (pt) {
                    pt->_qproc = nullptr;
                }
            }
        }
        return fault ? -EFAULT : ready;
    });
    poll_freewait(&table);
    return fault ? -EFAULT : count;
}

long sys_select(int n, uapi::fd_set* inp, uapi::fd_set* outp, uapi::fd_set* exp, uapi::timeval* tvp) {
    long timeout = MAX_SCHEDULE_TIMEOUT;
    if (tvp) {
        uapi::timeval tv;
        if (copy_from_user(&tv, tvp, sizeof tv)) {
            return -EFAULT;
        }
        if (tv.tv_sec < 0 || tv.tv_usec < 0) {
            return -EINVAL;
        }
        uint64_t us = static_cast<uint64_t>(tv.tv_sec) * 1000000u + static_cast<uint32_t>(tv.tv_usec);
        timeout = ms_to_jiffies((us + 999) / 1000);
    }
    if (n < 0) {
        return -EINVAL;
    }
    unsigned max = n > static_cast<int>(SELECT_MAX_FDS) ? SELECT_MAX_FDS : static_cast<unsigned>(n);
    unsigned words = (max + 31) / 32;
    fd_set_bits fds{};
    if (get_fd_set(words, inp, fds.in) || get_fd_set(words, outp, fds.out) ||
        get_fd_set(words, exp, fds.ex)) {
        return -EFAULT;
    }
    long ret = do_select(max, &fds, &timeout);
    if (ret < 0) {
        return ret;
    }
    if (tvp) {
        // What is left of the timeout, as Linux reports it.
        long left = timeout == MAX_SCHEDULE_TIMEOUT ? 0 : timeout;
        uint64_t us = static_cast<uint64_t>(left) * 1000000u / HZ;
        uapi::timeval rem{static_cast<int32_t>(us / 1000000u), static_cast<int32_t>(us % 1000000u)};
        copy_to_user(tvp, &rem, sizeof rem);   // Linux ignores a failure here too
    }
    if (set_fd_set(words, inp, fds.res_in) || set_fd_set(words, outp, fds.res_out) ||
        set_fd_set(words, exp, fds.res_ex)) {
        return -EFAULT;
    }
    return ret;
}
