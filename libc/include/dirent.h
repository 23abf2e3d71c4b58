/* <dirent.h> for mipsnet: newlib leaves it to the system (its generic
   <sys/dirent.h> is an #error). Directories are read with getdents64, as
   glibc and musl do; struct dirent has glibc's fields. */
#pragma once
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* d_type values (Linux's DT_*, S_IFMT >> 12) */
#define DT_UNKNOWN 0
#define DT_FIFO 1
#define DT_CHR 2
#define DT_DIR 4
#define DT_BLK 6
#define DT_REG 8
#define DT_LNK 10
#define DT_SOCK 12

struct dirent {
    ino_t d_ino;
    off_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[256];
};

typedef struct __dirstream DIR;

DIR* opendir(const char* name);
DIR* fdopendir(int fd);
struct dirent* readdir(DIR* dirp);
int closedir(DIR* dirp);
void rewinddir(DIR* dirp);
int dirfd(DIR* dirp);
long telldir(DIR* dirp);
void seekdir(DIR* dirp, long loc);

#ifdef __cplusplus
}
#endif
