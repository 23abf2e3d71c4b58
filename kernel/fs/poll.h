// Poll support for file_operations::poll, Linux's include/linux/poll.h:
// f_op->poll() calls poll_wait() on each wait queue that a change of its
// readiness is announced on, then returns the mask of what is ready now.
// poll()/select() pass a table that queues the caller on them; a plain
// readiness check passes nullptr.
#pragma once
#include "kernel/fs/fs.h"
#include "kernel/sched/wait.h"

struct poll_table_struct;
using poll_queue_proc = void (*)(file*, wait_queue_head*, poll_table_struct*);

struct poll_table_struct {
    poll_queue_proc _qproc;      // nullptr once the caller no longer wants to be queued
    poll_t _key;                 // the events the caller asked for
};
using poll_table = poll_table_struct;

inline void poll_wait(file* filp, wait_queue_head* wait_address, poll_table* p) {
    if (p && p->_qproc && wait_address) {
        p->_qproc(filp, wait_address, p);
    }
}

inline bool poll_does_not_wait(const poll_table* p) { return p == nullptr || p->_qproc == nullptr; }
inline poll_t poll_requested_events(const poll_table* p) { return p ? p->_key : ~poll_t{0}; }

// Readiness sets of select(2), as Linux's fs/select.c.
constexpr poll_t POLLIN_SET = uapi::pollrdnorm | uapi::pollrdband | uapi::pollin | uapi::pollhup |
                              uapi::pollerr;
constexpr poll_t POLLOUT_SET = uapi::pollwrband | uapi::pollwrnorm | uapi::pollout | uapi::pollerr;
constexpr poll_t POLLEX_SET = uapi::pollpri;
