// The shell's file commands: ls, stat, mkdir, rmdir, rm, mv, readlink,
// through libc (opendir/readdir, stat, lstat) as any app would.
#include "apps/shell_files.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

namespace shell {

namespace {

const char* type_name(mode_t m) {
    if (S_ISREG(m)) return "regular file";
    if (S_ISDIR(m)) return "directory";
    if (S_ISLNK(m)) return "symbolic link";
    if (S_ISCHR(m)) return "character special file";
    if (S_ISFIFO(m)) return "fifo";
    if (S_ISSOCK(m)) return "socket";
    return "unknown";
}

// "drwxr-xr-x", as ls -l.
void mode_string(mode_t m, char out[11]) {
    out[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
    const char* rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i) {
        out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
    }
    out[10] = '\0';
}

void long_line(const char* path, const char* name) {
    struct stat st;
    if (lstat(path, &st) < 0) {
        printf("ls: %s: %s\n", path, strerror(errno));
        return;
    }
    char mode[11];
    mode_string(st.st_mode, mode);
    printf("%s %2u %8ld %s", mode, static_cast<unsigned>(st.st_nlink), static_cast<long>(st.st_size), name);
    if (S_ISLNK(st.st_mode)) {
        char target[256];
        ssize_t n = readlink(path, target, sizeof target - 1);
        if (n >= 0) {
            target[n] = '\0';
            printf(" -> %s", target);
        }
    }
    printf("\n");
}

int list(const char* path, bool longform) {
    struct stat st;
    if (stat(path, &st) < 0) {
        printf("ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (longform) {
            long_line(path, path);
        } else {
            printf("%s\n", path);
        }
        return 0;
    }
    DIR* d = opendir(path);
    if (!d) {
        printf("ls: %s: %s\n", path, strerror(errno));
        return 1;
    }
    while (struct dirent* e = readdir(d)) {
        if (e->d_name[0] == '.') {
            continue;   // ls without -a
        }
        if (longform) {
            char full[512];
            size_t n = strlen(path);
            snprintf(full, sizeof full, "%s%s%s", path, n && path[n - 1] == '/' ? "" : "/", e->d_name);
            long_line(full, e->d_name);
        } else {
            printf("%s%s\n", e->d_name, e->d_type == DT_DIR ? "/" : "");
        }
    }
    closedir(d);
    return 0;
}

// ls [-l] [PATH...]: directory contents (default /).
int cmd_ls(int argc, char** argv) {
    bool longform = false;
    int i = 1;
    if (i < argc && strcmp(argv[i], "-l") == 0) {
        longform = true;
        ++i;
    }
    if (i == argc) {
        return list("/", longform);
    }
    int status = 0;
    for (; i < argc; ++i) {
        status |= list(argv[i], longform);
    }
    return status;
}

// stat PATH...: as coreutils' stat, in short.
int cmd_stat(int argc, char** argv) {
    int status = 0;
    for (int i = 1; i < argc; ++i) {
        struct stat st;
        if (lstat(argv[i], &st) < 0) {
            printf("stat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        char mode[11];
        mode_string(st.st_mode, mode);
        time_t mt = st.st_mtim.tv_sec;
        struct tm tm;
        gmtime_r(&mt, &tm);
        printf("  File: %s\n  Size: %ld\tBlocks: %ld\tIO Block: %ld\t%s\n", argv[i],
               static_cast<long>(st.st_size), static_cast<long>(st.st_blocks),
               static_cast<long>(st.st_blksize), type_name(st.st_mode));
        printf("Inode: %lu\tLinks: %u\tAccess: (%04o/%s)\n", static_cast<unsigned long>(st.st_ino),
               static_cast<unsigned>(st.st_nlink), static_cast<unsigned>(st.st_mode & 07777), mode);
        printf("Modify: %04d-%02d-%02d %02d:%02d:%02d UTC\n", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
               tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    return status;
}

// One call per argument, with its name in the error: mkdir, rmdir, rm.
template <typename F>
int each(const char* cmd, int argc, char** argv, F op) {
    if (argc < 2) {
        printf("usage: %s PATH...\n", cmd);
        return 1;
    }
    int status = 0;
    for (int i = 1; i < argc; ++i) {
        if (op(argv[i]) < 0) {
            printf("%s: %s: %s\n", cmd, argv[i], strerror(errno));
            status = 1;
        }
    }
    return status;
}

int cmd_mkdir(int argc, char** argv) {
    return each("mkdir", argc, argv, [](const char* p) { return mkdir(p, 0755); });
}
int cmd_rmdir(int argc, char** argv) { return each("rmdir", argc, argv, rmdir); }
int cmd_rm(int argc, char** argv) { return each("rm", argc, argv, unlink); }

int cmd_mv(int argc, char** argv) {
    if (argc != 3) {
        printf("usage: mv FROM TO\n");
        return 1;
    }
    if (rename(argv[1], argv[2]) < 0) {
        printf("mv: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    return 0;
}

// write FILE TEXT...: the words, space-separated, and a newline into FILE
// (created or emptied): the shell has no > redirection.
int cmd_write(int argc, char** argv) {
    if (argc < 2) {
        printf("usage: write FILE [TEXT...]\n");
        return 1;
    }
    FILE* f = fopen(argv[1], "w");
    if (!f) {
        printf("write: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    for (int i = 2; i < argc; ++i) {
        fprintf(f, "%s%s", argv[i], i + 1 < argc ? " " : "");
    }
    fputc('\n', f);
    if (fclose(f) != 0) {
        printf("write: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    return 0;
}

}  // namespace

const command file_commands[] = {
    {"ls", cmd_ls, "list a directory: ls [-l] [PATH...] (default /)"},
    {"stat", cmd_stat, "file status: stat PATH..."},
    {"mkdir", cmd_mkdir, "make directories (under /tmp): mkdir PATH..."},
    {"rmdir", cmd_rmdir, "remove empty directories: rmdir PATH..."},
    {"rm", cmd_rm, "remove files: rm PATH..."},
    {"mv", cmd_mv, "rename: mv FROM TO"},
    {"write", cmd_write, "write a line to a file: write FILE TEXT..."},
};
const command* file_commands_end = file_commands + sizeof file_commands / sizeof file_commands[0];

}  // namespace shell
