// /proc/net (Linux's net/core/net-procfs.c): the directory, made once,
// and the core's files in it: dev (interface counters, as ifconfig and
// netstat -i read them), sockstat, protocols. Other net files add their
// own entries to proc_net_dir().
#pragma once
#include "kernel/fs/proc.h"

// /proc/net, made on first use (nullptr when /proc is full).
proc_dir_entry* proc_net_dir();
void dev_proc_init();
