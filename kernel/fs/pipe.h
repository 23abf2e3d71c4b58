// Pipes (Linux's fs/pipe.c): a bounded byte ring between a read end and a
// write end. Reads block while it is empty and writers remain, then return
// what is there; EOF once every writer is gone. Writes of up to PIPE_BUF
// bytes go in whole or not at all (never interleaved with another writer);
// with no reader left a write fails with EPIPE (there are no signals, so no
// SIGPIPE). O_NONBLOCK turns every wait into EAGAIN.
#pragma once
#include <stddef.h>

#include "kernel/fs/fs.h"
#include "kernel/sched/wait.h"

// Twice PIPE_BUF, so that "writable" in poll() (room for PIPE_BUF bytes, as
// Linux promises) does not have to mean "empty".
constexpr size_t PIPE_SIZE = 2 * uapi::pipe_buf;

struct pipe_inode_info {
    wait_queue_head rd_wait;     // readers wait for data (or for no writers)
    wait_queue_head wr_wait;     // writers wait for room (or for no readers)
    size_t head;                 // bytes ever written
    size_t tail;                 // bytes ever read
    unsigned readers;
    unsigned writers;
    char buf[PIPE_SIZE];
};

extern const file_operations pipefifo_fops;

// Two files on a new pipe: res[0] the read end, res[1] the write end.
// flags: O_NONBLOCK. -ENFILE when no pipe, inode or file is left.
int create_pipe_files(file* res[2], unsigned flags);
// pipe2()'s core: the files in two new descriptors of current's table;
// flags O_NONBLOCK and O_CLOEXEC, others -EINVAL.
int do_pipe_flags(int fd[2], unsigned flags);
