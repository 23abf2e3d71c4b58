"""Boot tests of the root filesystem: the image's archive (packed from the
repository's rootfs/ by tools/gen_initramfs.py) seen through the shell's ls,
stat and cat, the writable /tmp, the read-only rest; and the packer itself,
reproducible and streaming big files."""
import hashlib
import os
import re
import shutil
import subprocess
import sys

import pytest

from qemu import PROMPT, Qemu

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROOTFS = os.path.join(REPO, "rootfs")
PACKER = os.path.join(REPO, "tools", "gen_initramfs.py")


def repo_entries():
    """(path in the guest, lstat) of everything under rootfs/."""
    out = []
    for dirpath, dirnames, filenames in os.walk(ROOTFS):
        for name in dirnames + filenames:
            full = os.path.join(dirpath, name)
            out.append(("/" + os.path.relpath(full, ROOTFS), os.lstat(full)))
    return sorted(out)


def test_ls_shows_the_archive_and_the_mount_points(shell):
    names = shell.run("ls /").split()
    for want in ["dev/", "proc/", "tmp/", "etc/"]:
        assert want in names, names
    for top in os.listdir(ROOTFS):
        isdir = os.path.isdir(os.path.join(ROOTFS, top)) and not os.path.islink(os.path.join(ROOTFS, top))
        assert (top + "/" if isdir else top) in names
    etc = shell.run("ls -l /etc")
    assert re.search(r"^-rw-r--r-- +1 +\d+ motd$", etc, re.M), etc
    assert re.search(r"^lrwxrwxrwx +1 +5 issue\.net -> issue$", etc, re.M), etc
    assert "null" in shell.run("ls /dev").split()
    assert "uptime" in shell.run("ls /proc").split()
    assert shell.run("cat /proc/mounts").splitlines()[0] == "rootfs / rootfs ro 0 0"
    assert shell.run("ls /nope") == "ls: /nope: No such file or directory\n"


def test_every_repo_file_is_in_the_image(shell):
    # Sizes and types from stat for all of rootfs/ (www/ included, whatever it holds);
    # contents by cat for the small files.
    for path, st in repo_entries():
        out = shell.run(f"stat {path}")
        size = int(re.search(r"Size: (\d+)", out).group(1))
        if os.path.islink(os.path.join(ROOTFS, path[1:])):
            assert "symbolic link" in out and size == len(os.readlink(os.path.join(ROOTFS, path[1:]))), out
        elif os.path.isdir(os.path.join(ROOTFS, path[1:])):
            assert "directory" in out, out
        else:
            assert "regular file" in out and size == st.st_size, out
            if st.st_size <= 2048:
                with open(os.path.join(ROOTFS, path[1:]), "rb") as f:
                    want = f.read().decode("utf-8", "replace")
                assert shell.run(f"cat {path}") == want, path


def test_cat_reads_by_sendfile_and_falls_back(shell):
    # cat sends rootfs files with sendfile and reads /proc: both must come out whole.
    with open(os.path.join(ROOTFS, "etc", "motd")) as f:
        assert shell.run("cat /etc/motd /etc/issue.net") == f.read() + open(os.path.join(ROOTFS, "etc", "issue")).read()
    assert re.match(r"^\d+\.\d\d \d+\.\d\d\n$", shell.run("cat /proc/uptime"))
    assert shell.run("cat /etc") == "cat: /etc: Is a directory\n"


def test_tmp_is_writable_the_rest_read_only(shell):
    assert shell.run("write /tmp/note hello from the tmpfs") == ""
    assert shell.run("cat /tmp/note") == "hello from the tmpfs\n"
    assert re.search(r"Size: 21\b.*regular file", shell.run("stat /tmp/note"))
    assert shell.run("mkdir /tmp/dir") == ""
    assert shell.run("mv /tmp/note /tmp/dir/note") == ""
    assert re.search(r"^-rw-r--r-- +1 +21 note$", shell.run("ls -l /tmp/dir"), re.M)
    assert shell.run("rmdir /tmp/dir") == "rmdir: /tmp/dir: Directory not empty\n"
    assert shell.run("rm /tmp/dir/note") == ""
    assert shell.run("rmdir /tmp/dir") == ""
    assert shell.run("ls /tmp") == ""
    assert shell.run("write /etc/motd x") == "write: /etc/motd: Read-only file system\n"
    assert shell.run("rm /etc/motd") == "rm: /etc/motd: Read-only file system\n"
    assert shell.run("mkdir /etc/x") == "mkdir: /etc/x: Read-only file system\n"
    assert shell.run("cat /tmp/note") == "cat: /tmp/note: No such file or directory\n"


def test_tmp_fills_up_with_enospc(boot):
    # tmpfs.size=8 (KiB): two pages, and every non-empty file takes at least one.
    q = boot("tmpfs.size=8")
    q.expect(PROMPT, timeout=30)
    assert "tmpfs: /tmp holds up to 8 KiB" in q.output
    assert "tmpfs /tmp tmpfs rw,size=8k,nr_inodes=1024 0 0\n" in q.run("cat /proc/mounts")
    assert q.run("write /tmp/a first") == ""
    assert q.run("write /tmp/b second") == ""
    assert q.run("write /tmp/c third") == "write: /tmp/c: No space left on device\n"
    assert re.search(r"Size: 0\b", q.run("stat /tmp/c"))   # made, but nothing fit
    assert q.run("rm /tmp/a") == ""
    assert q.run("write /tmp/c third") == ""
    assert q.run("cat /tmp/b /tmp/c") == "second\nthird\n"


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("curl") is None,
                    reason="needs root (a network namespace and a tap device), ip and curl")
def test_httpd_sends_rootfs_files_over_the_wire(netns):
    # httpd with / as its document root sends the archive's files with
    # sendfile (into the socket from the image, no copy through the app):
    # every regular file of rootfs/ must arrive byte for byte.
    host_ip, guest_ip = "10.0.7.1", "10.0.7.2"
    subprocess.run(["ip", "netns", "exec", netns, "ip", "addr", "add", f"{host_ip}/24", "dev", "tap0"],
                   check=True, capture_output=True)
    q = Qemu(f"ip={guest_ip}::{host_ip}:255.255.255.0::eth0:off apps=shell,httpd httpd.args=/",
             wrapper=("ip", "netns", "exec", netns),
             net=("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no",
                  "-device", "pcnet,netdev=n0,addr=0b,romfile="))
    try:
        q.expect(r"httpd: listening on port 80, docroot /", timeout=30)
        files = [p for p, st in repo_entries() if os.path.isfile(os.path.join(ROOTFS, p[1:]))]
        assert "/etc/motd" in files
        for path in files:
            r = subprocess.run(["ip", "netns", "exec", netns, "curl", "-s", "-m", "20", f"http://{guest_ip}{path}"],
                               capture_output=True, timeout=60)
            assert r.returncode == 0, (path, r.stderr)
            with open(os.path.join(ROOTFS, path[1:]), "rb") as f:
                assert r.stdout == f.read(), path
    finally:
        q.close()


@pytest.mark.skipif(not os.path.exists(PACKER), reason="no packer")
def test_packer_is_reproducible_and_streams_big_files(tmp_path):
    src = tmp_path / "src"
    (src / "www" / "big").mkdir(parents=True)
    (src / "etc").mkdir()
    (src / "etc" / "a").write_text("a\n")
    (src / "link").symlink_to("etc/a")
    big = src / "www" / "big" / "blob.bin"
    with open(big, "wb") as f:
        for i in range(10):
            f.write(hashlib.sha256(str(i).encode()).digest() * 32768)   # 1 MiB each
    out1, out2 = tmp_path / "1.cpio", tmp_path / "2.cpio"
    subprocess.run([sys.executable, PACKER, str(src), str(out1)], check=True)
    os.utime(big, (1, 1))   # another mtime must not change the archive
    subprocess.run([sys.executable, PACKER, str(src), str(out2), "--depfile", str(tmp_path / "d")], check=True)
    assert out1.read_bytes() == out2.read_bytes()
    assert out1.stat().st_size > 10 << 20
    assert str(big) in (tmp_path / "d").read_text()
    if shutil.which("cpio"):
        listing = subprocess.run(["cpio", "-it", "--quiet"], stdin=open(out1, "rb"),
                                 capture_output=True, text=True, check=True).stdout.split()
        assert listing == [".", "etc", "etc/a", "link", "www", "www/big", "www/big/blob.bin"], listing
        xdir = tmp_path / "x"
        xdir.mkdir()
        subprocess.run(["cpio", "-idm", "--quiet"], stdin=open(out1, "rb"), cwd=xdir, check=True)
        assert (xdir / "www" / "big" / "blob.bin").read_bytes() == big.read_bytes()
        assert os.readlink(xdir / "link") == "etc/a"
    (src / "fifo").unlink(missing_ok=True)
    os.mkfifo(src / "fifo")
    r = subprocess.run([sys.executable, PACKER, str(src), str(tmp_path / "3.cpio")], capture_output=True, text=True)
    assert r.returncode != 0 and "not a file, directory or symlink" in r.stderr
