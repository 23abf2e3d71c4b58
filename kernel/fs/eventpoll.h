// epoll (Linux's fs/eventpoll.c): an epoll file holds one item per watched
// (file, fd); each item hangs a callback on the wait queues the file's poll
// method names, and a wake-up there puts the item on the set's ready list.
// epoll_wait() drains that list, asking each file again: level-triggered
// items that are still ready go back on the list, edge-triggered ones wait
// for the next wake-up, one-shot ones until EPOLL_CTL_MOD re-arms them.
#pragma once
#include "kernel/fs/fs.h"

// From the last fput() of f: every epoll set drops its items on f.
void eventpoll_release_file(file* f);
inline void eventpoll_release(file* f) {
    if (!list_empty(&f->f_ep)) {
        eventpoll_release_file(f);
    }
}

bool is_file_epoll(const file* f);
unsigned epitems_in_use();          // system-wide, for leak checks

// Linux's max_user_watches, fixed: EPOLL_CTL_ADD past it is ENOSPC.
// Items are allocated as they are added; the cap is one per possible file.
constexpr unsigned EP_MAX_WATCHES = 32768;
// Linux's EP_MAX_NESTS: epoll sets inside epoll sets, at most this deep.
constexpr int EP_MAX_NESTS = 4;
