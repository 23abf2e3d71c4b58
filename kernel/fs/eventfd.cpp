// eventfd (Linux's fs/eventfd.c): a 64-bit counter behind a descriptor.
// write() adds to it, blocking while the sum would pass 0xfffffffffffffffe;
// read() takes all of it (EFD_SEMAPHORE: one), blocking while it is 0.
// Readable when nonzero, writable while 1 more still fits.
#include "kernel/cpu.h"
#include "kernel/fs/anon_inodes.h"
#include "kernel/fs/poll.h"
#include "kernel/fs/pool.h"
#include "kernel/syscalls.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/eventpoll.h"

namespace {

using namespace uapi;

constexpr uint64_t ULLONG_MAX_ = ~uint64_t{0};

struct eventfd_ctx {
    wait_queue_head wqh;     // readers and writers both
    uint64_t count;
    unsigned flags;          // EFD_SEMAPHORE
};

constexpr size_t NR_EVENTFD = 64;
object_pool<eventfd_ctx, NR_EVENTFD> eventfd_pool;

eventfd_ctx* ctx_of(file* f) { return static_cast<eventfd_ctx*>(f->private_data); }

poll_t eventfd_poll(file* f, poll_table_struct* wait) {
    eventfd_ctx* ctx = ctx_of(f);
    poll_wait(f, &ctx->wqh, wait);
    cpu::irq_guard guard;
    poll_t events = 0;
    if (ctx->count > 0) {
        events |= pollin | pollrdnorm;
    }
    if (ctx->count == ULLONG_MAX_) {
        events |= pollerr;   // only eventfd_signal overflowing gets here
    }
    if (ULLONG_MAX_ - 1 > ctx->count) {
        events |= pollout | pollwrnorm;
    }
    return events;
}

long eventfd_read(file* f, char* buf, size_t count, loff_t*) {
    eventfd_ctx* ctx = ctx_of(f);
    if (count < sizeof(uint64_t)) {
        return -EINVAL;
    }
    uint64_t ucnt = 0;
    for (;;) {
        {
            cpu::irq_guard guard;
            if (ctx->count > 0) {
                ucnt = (ctx->flags & efd_semaphore) ? 1 : ctx->count;
                ctx->count -= ucnt;
                if (waitqueue_active(&ctx->wqh)) {
                    wake_up_poll(&ctx->wqh, pollout);
                }
                break;
            }
        }
        if (nonblocking(f)) {
            return -EAGAIN;
        }
        wait_event_interruptible_timeout(
            ctx->wqh, [ctx] { return ctx->count > 0; }, MAX_SCHEDULE_TIMEOUT);
    }
    if (copy_to_user(buf, &ucnt, sizeof ucnt)) {
        return -EFAULT;
    }
    return sizeof ucnt;
}

long eventfd_write(file* f, const char* buf, size_t count, loff_t*) {
    eventfd_ctx* ctx = ctx_of(f);
    if (count < sizeof(uint64_t)) {
        return -EINVAL;
    }
    uint64_t ucnt;
    if (copy_from_user(&ucnt, buf, sizeof ucnt)) {
        return -EFAULT;
    }
    if (ucnt == ULLONG_MAX_) {
        return -EINVAL;
    }
    for (;;) {
        {
            cpu::irq_guard guard;
            if (ULLONG_MAX_ - ctx->count > ucnt) {
                ctx->count += ucnt;
                if (waitqueue_active(&ctx->wqh)) {
                    wake_up_poll(&ctx->wqh, pollin);
                }
                return sizeof ucnt;
            }
        }
        if (nonblocking(f)) {
            return -EAGAIN;
        }
        wait_event_interruptible_timeout(
            ctx->wqh, [ctx, ucnt] { return ULLONG_MAX_ - ctx->count > ucnt; }, MAX_SCHEDULE_TIMEOUT);
    }
}

int eventfd_release(inode*, file* f) {
    eventfd_pool.free(ctx_of(f));
    return 0;
}

const file_operations eventfd_fops = {
    .llseek = noop_llseek,
    .read = eventfd_read,
    .write = eventfd_write,
    .poll = eventfd_poll,
    .release = eventfd_release,
};

}  // namespace

long sys_eventfd2(unsigned count, unsigned flags) {
    if (flags & ~(efd_cloexec | efd_nonblock | efd_semaphore)) {
        return -EINVAL;
    }
    eventfd_ctx* ctx = eventfd_pool.alloc();
    if (!ctx) {
        return -ENOMEM;
    }
    init_waitqueue_head(&ctx->wqh);
    ctx->count = count;
    ctx->flags = flags & efd_semaphore;
    int fd = anon_inode_getfd(&eventfd_fops, ctx, o_rdwr | (flags & (efd_nonblock | efd_cloexec)));
    if (fd < 0) {
        eventfd_pool.free(ctx);
    }
    return fd;
}

long sys_eventfd(unsigned count) { return sys_eventfd2(count, 0); }
