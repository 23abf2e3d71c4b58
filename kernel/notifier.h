// Notifier chains: a list of callbacks, called in priority order when
// something happens (Linux's include/linux/notifier.h, the raw kind: the
// caller serializes registration and calls).
#pragma once
#include "kernel/uapi/errno.h"

struct notifier_block {
    int (*notifier_call)(notifier_block* nb, unsigned long action, void* data);
    notifier_block* next;
    int priority;  // higher first
};

constexpr int NOTIFY_DONE = 0x0000;       // don't care
constexpr int NOTIFY_OK = 0x0001;         // suits me
constexpr int NOTIFY_STOP_MASK = 0x8000;  // don't call further
constexpr int NOTIFY_BAD = NOTIFY_STOP_MASK | 0x0002;
constexpr int NOTIFY_STOP = NOTIFY_OK | NOTIFY_STOP_MASK;

struct raw_notifier_head {
    notifier_block* head = nullptr;
};

inline int raw_notifier_chain_register(raw_notifier_head* nh, notifier_block* n) {
    notifier_block** nl = &nh->head;
    for (; *nl; nl = &(*nl)->next) {
        if (*nl == n) {
            return -EEXIST;
        }
        if (n->priority > (*nl)->priority) {
            break;
        }
    }
    n->next = *nl;
    *nl = n;
    return 0;
}

inline int raw_notifier_chain_unregister(raw_notifier_head* nh, notifier_block* n) {
    for (notifier_block** nl = &nh->head; *nl; nl = &(*nl)->next) {
        if (*nl == n) {
            *nl = n->next;
            return 0;
        }
    }
    return -ENOENT;
}

// Calls each block until one returns with NOTIFY_STOP_MASK; returns the last
// result (NOTIFY_DONE for an empty chain).
inline int raw_notifier_call_chain(raw_notifier_head* nh, unsigned long action, void* data) {
    int ret = NOTIFY_DONE;
    for (notifier_block* nb = nh->head; nb;) {
        notifier_block* next = nb->next;  // the callback may unregister itself
        ret = nb->notifier_call(nb, action, data);
        if (ret & NOTIFY_STOP_MASK) {
            break;
        }
        nb = next;
    }
    return ret;
}

inline int notifier_to_errno(int ret) {
    ret &= ~NOTIFY_STOP_MASK;
    return ret > NOTIFY_OK ? NOTIFY_OK - ret : 0;
}
inline int notifier_from_errno(int err) { return err ? NOTIFY_STOP_MASK | (NOTIFY_OK - err) : NOTIFY_OK; }
