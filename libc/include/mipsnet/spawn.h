/* mipsnet's own process call (kernel/uapi/unistd.h, NR_mipsnet_spawn):
   there is no fork/exec without an MMU, so an app starts a built-in app by
   name. The child gets its own descriptors: 0-2 are copies
   of the caller's 0-2, as after fork and exec (the console when the caller
   has one of them closed). It is
   reaped with waitpid()/wait(). Returns its pid, or -1 with errno ENOENT (no
   such app), E2BIG (arguments too long), EAGAIN (no room for a thread),
   EFAULT. argv may be NULL (the child gets argv = {name}). */
#pragma once
#include <sys/types.h>
#ifdef __cplusplus
extern "C" {
#endif

pid_t mipsnet_spawn(const char* name, char* const argv[]);

#ifdef __cplusplus
}
#endif
