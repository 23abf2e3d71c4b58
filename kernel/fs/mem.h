// /dev/null and /dev/zero (Linux's drivers/char/mem.c).
#pragma once
#include "kernel/fs/fs.h"

extern const file_operations null_fops;
extern const file_operations zero_fops;
