#!/usr/bin/python3
"""Packs a directory into a newc cpio archive for the kernel's built-in root
filesystem (Linux's usr/gen_initramfs.sh and usr/gen_init_cpio.c do this
job there; format in Documentation/driver-api/early-userspace/buffer-format.rst).

    gen_initramfs.py SRC_DIR OUT.cpio [--mtime SECONDS] [--depfile FILE]

Reproducible: entries in sorted order (a directory before what it holds),
owner 0:0, modes 0644/0755, inode numbers counted from 1, and every mtime
the given one
(default: SOURCE_DATE_EPOCH, else 0). Regular files, directories and
symlinks are packed; anything else is refused. Files are streamed, so a
10 MiB file costs no more memory here than a small one.
"""
import argparse
import os
import stat
import sys

TRAILER = "TRAILER!!!"


def header(ino, mode, nlink, mtime, filesize, namesize):
    fields = (ino, mode, 0, 0, nlink, mtime, filesize, 0, 0, 0, 0, namesize, 0)
    return ("070701" + "".join("%08X" % f for f in fields)).encode("ascii")


def pad4(n):
    return b"\0" * ((4 - n % 4) % 4)


class Writer:
    def __init__(self, out, mtime):
        self.out = out
        self.mtime = mtime
        self.ino = 0
        self.offset = 0

    def put(self, data):
        self.out.write(data)
        self.offset += len(data)

    def entry(self, name, mode, nlink, size, body):
        self.ino += 1
        encoded = name.encode("utf-8") + b"\0"
        self.put(header(self.ino, mode, nlink, self.mtime, size, len(encoded)))
        self.put(encoded)
        self.put(pad4(self.offset))
        written = body(self) if body else 0
        if written != size:
            sys.exit("gen_initramfs: %s changed while being packed" % name)
        self.put(pad4(self.offset))


def walk(src):
    """(archive name, full path) pairs, sorted, parents first."""
    found = []
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        dirnames.sort()
        rel = os.path.relpath(dirpath, src)
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            arc = name if rel == "." else rel + "/" + name
            found.append((arc, full))
    return sorted(found, key=lambda p: p[0].split("/"))


def pack(src, out, mtime, deps):
    w = Writer(out, mtime)
    w.entry(".", stat.S_IFDIR | 0o755, 2, 0, None)
    for arc, full in walk(src):
        st = os.lstat(full)
        # As git keeps them: 0755 if executable, else 0644 (the checkout's
        # umask must not change the archive).
        perm = 0o755 if st.st_mode & 0o111 else 0o644
        if stat.S_ISDIR(st.st_mode):
            deps.append(full)
            w.entry(arc, stat.S_IFDIR | perm, 2, 0, None)
        elif stat.S_ISLNK(st.st_mode):
            target = os.readlink(full).encode("utf-8")
            w.entry(arc, stat.S_IFLNK | 0o777, 1, len(target), lambda w: (w.put(target), len(target))[1])
        elif stat.S_ISREG(st.st_mode):
            deps.append(full)

            def body(w, full=full):
                n = 0
                with open(full, "rb") as f:
                    while chunk := f.read(1 << 20):
                        w.put(chunk)
                        n += len(chunk)
                return n
            w.entry(arc, stat.S_IFREG | perm, 1, st.st_size, body)
        else:
            sys.exit("gen_initramfs: %s: not a file, directory or symlink" % full)
    w.entry(TRAILER, 0, 1, 0, None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--mtime", type=int, default=int(os.environ.get("SOURCE_DATE_EPOCH", "0")))
    ap.add_argument("--depfile")
    args = ap.parse_args()
    if not os.path.isdir(args.src):
        sys.exit("gen_initramfs: %s is not a directory" % args.src)
    deps = [args.src]
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as out:
        pack(args.src, out, args.mtime, deps)
    os.replace(tmp, args.out)
    if args.depfile:
        with open(args.depfile, "w") as d:
            d.write("%s: %s\n" % (args.out, " ".join(p.replace(" ", "\\ ") for p in deps)))


if __name__ == "__main__":
    main()
