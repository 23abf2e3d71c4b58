// epoll, as Linux's fs/eventpoll.c (see eventpoll.h for the shape).
//
// Locking, one CPU: the ready list and the per-file item lists are changed
// with interrupts masked (wake-ups, and so ep_poll_callback, come from
// interrupts and softirqs). ep->mtx serializes epoll_ctl and the draining
// of the ready list, which polls files and copies to the caller and may be
// preempted. epmutex (Linux's epmutex) is taken before any ep->mtx by the
// paths that remove items of files or sets that are going away, and by the
// loop check of nested sets.
#include "kernel/fs/eventpoll.h"

#include <stddef.h>

#include "kernel/cpu.h"
#include "kernel/fs/anon_inodes.h"
#include "kernel/fs/fdtable.h"
#include "kernel/fs/poll.h"
#include "kernel/fs/pool.h"
#include "kernel/jiffies.h"
#include "kernel/sched/sync.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/eventpoll.h"

namespace {

using namespace uapi;

constexpr uint32_t EP_PRIVATE_BITS = epollwakeup | epolloneshot | epollet | epollexclusive;
// What EPOLLEXCLUSIVE may come with (Linux's EPOLLEXCLUSIVE_OK_BITS).
constexpr uint32_t EPOLLEXCLUSIVE_OK_BITS =
    epollin | epollout | epollerr | epollhup | epollwakeup | epollet | epollexclusive;
constexpr int EP_MAX_EVENTS = 0x7fffffff / static_cast<int>(sizeof(epoll_event));

struct epitem;

// One wait queue an item's file announces changes on (Linux's eppoll_entry).
struct eppoll_entry {
    eppoll_entry* next;
    epitem* base;
    wait_queue_entry wait;
    wait_queue_head* whead;
};

struct eventpoll;

struct epitem {
    list_head rdllink;       // on ep->rdllist (or a drain's list) while ready
    list_head fllink;        // on ffd_file->f_ep
    list_head epllink;       // on ep->items
    eventpoll* ep;
    file* ffd_file;          // not a reference: the item goes when the file does
    int ffd_fd;
    eppoll_entry* pwqlist;
    int nwait;               // queues hooked; -1 when one could not be
    epoll_event event;       // events in the generic EPOLL* bits
};

struct eventpoll {
    mutex mtx;
    wait_queue_head wq;          // epoll_wait() callers
    wait_queue_head poll_wait;   // poll() of the epoll file itself (nesting)
    list_head rdllist;
    list_head items;             // Linux keeps a red-black tree on (file, fd)
    ::file* file;
};

object_pool<eventpoll, 64> ep_pool;
object_pool<epitem, EP_MAX_WATCHES> epi_pool;
object_pool<eppoll_entry, 2 * EP_MAX_WATCHES> pwq_pool;
mutex epmutex;

eventpoll* ep_of(const file* f) { return static_cast<eventpoll*>(f->private_data); }

// This kernel's poll masks are the MIPS poll(2) values, epoll's are the
// generic ones (what Linux's __poll_t holds inside): only the write bits
// differ. Linux's mangle_poll/demangle_poll, the other way round.
uint32_t epoll_from_poll(poll_t m) {
    uint32_t e = m & ~pollwrband;
    if (m & pollout) {
        e |= epollwrnorm;
    }
    if (m & pollwrband) {
        e |= epollwrband;
    }
    return e;
}

poll_t poll_from_epoll(uint32_t e) {
    poll_t p = e & ~(epollwrnorm | epollwrband | EP_PRIVATE_BITS);
    if (e & epollwrnorm) {
        p |= pollout;
    }
    if (e & epollwrband) {
        p |= pollwrband;
    }
    return p;
}

bool ep_events_available(eventpoll* ep) {
    cpu::irq_guard guard;
    return !list_empty(&ep->rdllist);
}

// The item becomes ready: on the ready list, and its waiters woken.
void ep_set_ready(eventpoll* ep, epitem* epi) {
    cpu::irq_guard guard;
    if (list_empty(&epi->rdllink)) {
        list_add_tail(&epi->rdllink, &ep->rdllist);
    }
    if (waitqueue_active(&ep->wq)) {
        wake_up(&ep->wq);
    }
    if (waitqueue_active(&ep->poll_wait)) {
        wake_up_poll(&ep->poll_wait, pollin | pollrdnorm);
    }
}

// A watched file's wait queue was woken (Linux's ep_poll_callback): in
// interrupt context possibly, so it only queues the item.
int ep_poll_callback(wait_queue_entry* wait, unsigned key) {
    eppoll_entry* pwq = container_of(wait, &eppoll_entry::wait);
    epitem* epi = pwq->base;
    uint32_t events = epi->event.events;
    if (!(events & ~EP_PRIVATE_BITS)) {
        return 0;   // a one-shot item that fired: disabled until EPOLL_CTL_MOD
    }
    if (key && !(epoll_from_poll(key) & events)) {
        return 0;   // not an event the item is watching for
    }
    ep_set_ready(epi->ep, epi);
    return 1;
}

struct ep_pqueue {
    poll_table pt;
    epitem* epi;
};

// f_op->poll's poll_wait() while an item is inserted (Linux's ep_ptable_queue_proc).
void ep_ptable_queue_proc(file*, wait_queue_head* whead, poll_table* pt) {
    epitem* epi = container_of(pt, &ep_pqueue::pt)->epi;
    if (epi->nwait < 0) {
        return;
    }
    eppoll_entry* pwq = pwq_pool.alloc();
    if (!pwq) {
        epi->nwait = -1;
        return;
    }
    pwq->base = epi;
    pwq->whead = whead;
    pwq->wait.task = nullptr;
    pwq->wait.func = ep_poll_callback;
    if (epi->event.events & epollexclusive) {
        add_wait_queue_exclusive(whead, &pwq->wait);
    } else {
        add_wait_queue(whead, &pwq->wait);
    }
    pwq->next = epi->pwqlist;
    epi->pwqlist = pwq;
    ++epi->nwait;
}

poll_t ep_eventpoll_poll_depth(file* f, poll_table* wait, int depth);

// What of the item's events its file has now, in EPOLL* bits.
uint32_t ep_item_poll(epitem* epi, poll_table* pt, int depth) {
    if (pt) {
        pt->_key = poll_from_epoll(epi->event.events);
    }
    file* f = epi->ffd_file;
    poll_t mask = is_file_epoll(f) ? ep_eventpoll_poll_depth(f, pt, depth) : vfs_poll(f, pt);
    return epoll_from_poll(mask) & epi->event.events;
}

// An epoll file is readable when an item on its ready list still polls
// ready; the ones that do not are taken off (Linux's __ep_eventpoll_poll).
// f_op->poll may not sleep, so this walks with interrupts masked instead of
// taking ep->mtx: nothing is freed or moved meanwhile.
poll_t ep_eventpoll_poll_depth(file* f, poll_table* wait, int depth) {
    eventpoll* ep = ep_of(f);
    poll_wait(f, &ep->poll_wait, wait);
    cpu::irq_guard guard;
    for (epitem& epi : list_entries<epitem, &epitem::rdllink>(&ep->rdllist)) {
        if (ep_item_poll(&epi, nullptr, depth + 1)) {
            return pollin | pollrdnorm;
        }
        list_del(&epi.rdllink);
    }
    return 0;
}

poll_t ep_eventpoll_poll(file* f, poll_table* wait) { return ep_eventpoll_poll_depth(f, wait, 0); }

void ep_unregister_pollwait(epitem* epi) {
    while (eppoll_entry* pwq = epi->pwqlist) {
        epi->pwqlist = pwq->next;
        remove_wait_queue(pwq->whead, &pwq->wait);
        pwq_pool.free(pwq);
    }
    epi->nwait = 0;
}

// With ep->mtx held.
void ep_remove(eventpoll*, epitem* epi) {
    ep_unregister_pollwait(epi);
    {
        cpu::irq_guard guard;
        list_del(&epi->fllink);
        list_del(&epi->rdllink);
    }
    list_del(&epi->epllink);
    epi_pool.free(epi);
}

epitem* ep_find(eventpoll* ep, file* f, int fd) {
    for (epitem& epi : list_entries<epitem, &epitem::epllink>(&ep->items)) {
        if (epi.ffd_file == f && epi.ffd_fd == fd) {
            return &epi;
        }
    }
    return nullptr;
}

// With ep->mtx held (Linux's ep_insert).
int ep_insert(eventpoll* ep, const epoll_event* event, file* tfile, int fd) {
    epitem* epi = epi_pool.alloc();
    if (!epi) {
        return -ENOSPC;   // past max_user_watches
    }
    epi->ep = ep;
    epi->ffd_file = tfile;
    epi->ffd_fd = fd;
    epi->event = *event;
    list_add_tail(&epi->epllink, &ep->items);
    {
        cpu::irq_guard guard;
        list_add_tail(&epi->fllink, &tfile->f_ep);
    }
    ep_pqueue epq{{ep_ptable_queue_proc, 0}, epi};
    uint32_t revents = ep_item_poll(epi, &epq.pt, 1);
    if (epi->nwait < 0) {
        ep_remove(ep, epi);
        return -ENOMEM;
    }
    if (revents) {
        ep_set_ready(ep, epi);
    }
    return 0;
}

// With ep->mtx held (Linux's ep_modify): re-armed, and ready at once if
// the file already has one of the new events.
int ep_modify(eventpoll* ep, epitem* epi, const epoll_event* event) {
    {
        cpu::irq_guard guard;
        epi->event = *event;
    }
    if (ep_item_poll(epi, nullptr, 1)) {
        ep_set_ready(ep, epi);
    }
    return 0;
}

// Whether adding an epoll file to ep would close a loop or nest deeper than
// EP_MAX_NESTS (Linux's ep_loop_check). With epmutex held.
bool ep_loop_check_proc(eventpoll* ep, eventpoll* target, int depth) {
    if (target == ep || depth > EP_MAX_NESTS) {
        return true;
    }
    for (epitem& epi : list_entries<epitem, &epitem::epllink>(&target->items)) {
        if (is_file_epoll(epi.ffd_file) && ep_loop_check_proc(ep, ep_of(epi.ffd_file), depth + 1)) {
            return true;
        }
    }
    return false;
}

// How deep the sets holding ep go above it (the other half of the check).
int ep_depth_above(const file* f, int depth) {
    int deepest = depth;
    for (epitem& epi : list_entries<epitem, &epitem::fllink>(const_cast<list_head*>(&f->f_ep))) {
        int d = ep_depth_above(epi.ep->file, depth + 1);
        deepest = d > deepest ? d : deepest;
        if (deepest > EP_MAX_NESTS) {
            break;
        }
    }
    return deepest;
}

// Drains the ready list into the caller's array (Linux's ep_send_events).
int ep_send_events(eventpoll* ep, epoll_event* events, int maxevents) {
    mutex_guard lock(ep->mtx);
    list_head txlist;
    {
        cpu::irq_guard guard;
        list_splice_init(&ep->rdllist, &txlist);
    }
    auto* uaddr = reinterpret_cast<char*>(events);
    int res = 0;
    while (res < maxevents) {
        epitem* epi;
        {
            cpu::irq_guard guard;
            epi = list_first_entry_or_null<epitem, &epitem::rdllink>(&txlist);
            if (!epi) {
                break;
            }
            list_del(&epi->rdllink);
        }
        uint32_t revents = ep_item_poll(epi, nullptr, 1);
        if (!revents) {
            continue;   // woken, but not ready any more
        }
        // The caller's array may be unaligned: an address, copied to.
        epoll_event ev{revents, epi->event.data};
        if (copy_to_user(uaddr + static_cast<size_t>(res) * sizeof ev, &ev, sizeof ev)) {
            cpu::irq_guard guard;
            if (list_empty(&epi->rdllink)) {
                list_add(&epi->rdllink, &txlist);
            }
            if (!res) {
                res = -EFAULT;
            }
            break;
        }
        ++res;
        cpu::irq_guard guard;
        if (epi->event.events & epolloneshot) {
            epi->event.events &= EP_PRIVATE_BITS;
        } else if (!(epi->event.events & epollet) && list_empty(&epi->rdllink)) {
            // Level-triggered: asked again at the next epoll_wait().
            list_add_tail(&epi->rdllink, &ep->rdllist);
        }
    }
    cpu::irq_guard guard;
    list_splice_init(&txlist, &ep->rdllist);
    if (!list_empty(&ep->rdllist) && waitqueue_active(&ep->wq)) {
        wake_up(&ep->wq);
    }
    return res;
}

// Linux's ep_poll: timeout in jiffies, 0 for none, MAX_SCHEDULE_TIMEOUT forever.
int ep_poll(eventpoll* ep, epoll_event* events, int maxevents, long timeout) {
    for (;;) {
        if (ep_events_available(ep)) {
            int res = ep_send_events(ep, events, maxevents);
            if (res) {
                return res;
            }
        }
        if (timeout == 0) {
            return 0;
        }
        // Exclusive, as Linux: one wake-up wakes one epoll_wait() caller.
        long left = wait_event_timeout(
            ep->wq, [ep] { return ep_events_available(ep); }, timeout, true, true);
        if (left == 0) {
            timeout = 0;   // one last look, then 0
        } else if (timeout != MAX_SCHEDULE_TIMEOUT) {
            timeout = left;
        }
    }
}

void ep_free(eventpoll* ep) {
    {
        mutex_guard outer(epmutex);
        mutex_guard lock(ep->mtx);
        while (epitem* epi = list_first_entry_or_null<epitem, &epitem::epllink>(&ep->items)) {
            ep_remove(ep, epi);
        }
    }
    ep_pool.free(ep);
}

int ep_eventpoll_release(inode*, file* f) {
    ep_free(ep_of(f));
    return 0;
}

const file_operations eventpoll_fops = {
    .llseek = no_llseek,
    .poll = ep_eventpoll_poll,
    .release = ep_eventpoll_release,
};

bool ep_op_has_event(int op) { return op != epoll_ctl_del; }

// The checks of Linux's do_epoll_ctl, in its order, once both files are known.
int ep_ctl_check(file* f, file* tf, int op, const epoll_event& epds) {
    if (!tf->f_op || !tf->f_op->poll) {
        return -EPERM;
    }
    if (f == tf || !is_file_epoll(f)) {
        return -EINVAL;
    }
    if (ep_op_has_event(op) && (epds.events & epollexclusive)) {
        if (op == epoll_ctl_mod) {
            return -EINVAL;
        }
        if (op == epoll_ctl_add && (is_file_epoll(tf) || (epds.events & ~EPOLLEXCLUSIVE_OK_BITS))) {
            return -EINVAL;
        }
    }
    return 0;
}

int ep_ctl_locked(eventpoll* ep, int op, file* tf, int fd, epoll_event epds) {
    epitem* epi = ep_find(ep, tf, fd);
    switch (op) {
    case epoll_ctl_add:
        if (epi) {
            return -EEXIST;
        }
        epds.events |= epollerr | epollhup;
        return ep_insert(ep, &epds, tf, fd);
    case epoll_ctl_del:
        if (!epi) {
            return -ENOENT;
        }
        ep_remove(ep, epi);
        return 0;
    case epoll_ctl_mod:
        if (!epi) {
            return -ENOENT;
        }
        if (epi->event.events & epollexclusive) {
            return -EINVAL;
        }
        epds.events |= epollerr | epollhup;
        return ep_modify(ep, epi, &epds);
    default:
        return -EINVAL;
    }
}

int do_epoll_create(unsigned flags) {
    if (flags & ~epoll_cloexec) {
        return -EINVAL;
    }
    eventpoll* ep = ep_pool.alloc();
    if (!ep) {
        return -ENOMEM;
    }
    int fd = get_unused_fd_flags(flags & o_cloexec);
    if (fd < 0) {
        ep_pool.free(ep);
        return fd;
    }
    file* f = anon_inode_getfile(&eventpoll_fops, ep, o_rdwr);
    if (!f) {
        put_unused_fd(fd);
        ep_pool.free(ep);
        return -ENFILE;
    }
    ep->file = f;
    fd_install(fd, f);
    return fd;
}

}  // namespace

bool is_file_epoll(const file* f) { return f->f_op == &eventpoll_fops; }

unsigned epitems_in_use() { return static_cast<unsigned>(epi_pool.in_use()); }

void eventpoll_release_file(file* f) {
    // No descriptor names f any more, so no EPOLL_CTL_DEL can race this;
    // epmutex keeps the sets themselves from going meanwhile.
    mutex_guard outer(epmutex);
    for (;;) {
        epitem* epi;
        {
            cpu::irq_guard guard;
            epi = list_first_entry_or_null<epitem, &epitem::fllink>(&f->f_ep);
        }
        if (!epi) {
            break;
        }
        eventpoll* ep = epi->ep;
        mutex_guard lock(ep->mtx);
        ep_remove(ep, epi);
    }
}

long sys_epoll_create1(unsigned flags) { return do_epoll_create(flags); }

long sys_epoll_create(int size) {
    if (size <= 0) {
        return -EINVAL;
    }
    return do_epoll_create(0);
}

long sys_epoll_ctl(int epfd, int op, int fd, uapi::epoll_event* event) {
    epoll_event epds{};
    if (ep_op_has_event(op) && copy_from_user(&epds, event, sizeof epds)) {
        return -EFAULT;
    }
    fd_ref f(epfd);
    if (!f) {
        return -EBADF;
    }
    fd_ref tf(fd);
    if (!tf) {
        return -EBADF;
    }
    if (int err = ep_ctl_check(f.get(), tf.get(), op, epds)) {
        return err;
    }
    eventpoll* ep = ep_of(f.get());
    // Adding a set to a set: checked for loops and depth under epmutex,
    // which also keeps every set's item list still meanwhile.
    if (op == epoll_ctl_add && is_file_epoll(tf.get())) {
        mutex_guard outer(epmutex);
        if (ep_loop_check_proc(ep, ep_of(tf.get()), 1) || ep_depth_above(f.get(), 1) > EP_MAX_NESTS) {
            return -ELOOP;
        }
        mutex_guard lock(ep->mtx);
        return ep_ctl_locked(ep, op, tf.get(), fd, epds);
    }
    mutex_guard lock(ep->mtx);
    return ep_ctl_locked(ep, op, tf.get(), fd, epds);
}

long sys_epoll_wait(int epfd, uapi::epoll_event* events, int maxevents, int timeout) {
    if (maxevents <= 0 || maxevents > EP_MAX_EVENTS) {
        return -EINVAL;
    }
    if (!access_ok(events, static_cast<size_t>(maxevents) * sizeof(epoll_event))) {
        return -EFAULT;
    }
    fd_ref f(epfd);
    if (!f) {
        return -EBADF;
    }
    if (!is_file_epoll(f.get())) {
        return -EINVAL;
    }
    long jiffies_left = timeout < 0 ? MAX_SCHEDULE_TIMEOUT
                                    : static_cast<long>(msecs_to_jiffies(static_cast<unsigned>(timeout)));
    return ep_poll(ep_of(f.get()), events, maxevents, jiffies_left);
}

// No signals here, so the mask has nothing to change; its size is still
// checked as Linux does (sizeof(sigset_t), 16 bytes on MIPS).
long sys_epoll_pwait(int epfd, uapi::epoll_event* events, int maxevents, int timeout,
                     const void* sigmask, size_t sigsetsize) {
    constexpr size_t mips_sigset_size = 128 / 8;
    if (sigmask && sigsetsize != mips_sigset_size) {
        return -EINVAL;
    }
    return sys_epoll_wait(epfd, events, maxevents, timeout);
}
