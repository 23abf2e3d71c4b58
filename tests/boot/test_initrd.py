"""An initrd from the boot loader (QEMU's -initrd, which puts
rd_start=/rd_size= on the command line as YAMON-era loaders and U-Boot do):
its files go over the built-in root filesystem, its pages stay reserved
while they are served, and a bad one is refused with a message while the
built-in filesystem still boots. The files come from tools/gen_initramfs.py,
the packer of the built-in archive."""
import gzip
import hashlib
import os
import re
import shutil
import subprocess

import pytest

from qemu import PROMPT, ROOT
from tapns import NIC

GEN = os.path.join(ROOT, "tools/gen_initramfs.py")
HOST_IP, GUEST_IP = "10.0.13.1", "10.0.13.2"


def pack(tmp_path, files, name="initrd.cpio"):
    src = tmp_path / "src"
    for rel, body in files.items():
        p = src / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(body)
    out = tmp_path / name
    subprocess.run(["/usr/bin/python3", GEN, str(src), str(out)], check=True)
    return out


def test_initrd_files_replace_and_add_to_the_built_in_ones(boot, tmp_path):
    rd = pack(tmp_path, {"etc/motd": b"motd from the initrd\n", "srv/notes.txt": b"line\n" * 5000})
    q = boot("", extra=("-initrd", str(rd)))
    q.expect(PROMPT, timeout=30)
    log = q.output
    m = re.search(r"initrd: (0x[0-9a-f]+)-(0x[0-9a-f]+) \((\d+)K\) reserved", log)
    assert m, log[-3000:]
    assert int(m.group(2), 16) - int(m.group(1), 16) == os.path.getsize(rd)
    assert re.search(r"initrd: \d+ entries \(%d bytes, served in place\), 0 skipped" % os.path.getsize(rd), log)
    assert "motd from the initrd" in q.run("cat /etc/motd")
    assert q.run("cat /etc/hostname").strip()          # the built-in files are still there
    out = q.run("cat /srv/notes.txt", timeout=60)
    assert out.count("line") == 5000, out[-500:]
    assert not re.search(r"WARNING|BUG|panic", q.output)


def test_a_compressed_or_misplaced_initrd_is_refused_and_the_system_boots(boot, tmp_path):
    rd = pack(tmp_path, {"etc/motd": b"never seen\n"})
    gz = tmp_path / "initrd.cpio.gz"
    gz.write_bytes(gzip.compress(rd.read_bytes()))
    q = boot("", extra=("-initrd", str(gz)))
    q.expect(PROMPT, timeout=30)
    assert "initrd: a gzip-compressed archive" in q.output
    assert "never seen" not in q.run("cat /etc/motd")
    q.close()
    q = boot("rd_start=0x80100000 rd_size=4096")    # on top of the kernel
    q.expect(PROMPT, timeout=30)
    assert "overlaps the kernel" in q.output and "initrd disabled" in q.output


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("curl") is None,
                    reason="needs root (a network namespace and a tap device) and curl (tools/deps.sh)")
def test_httpd_serves_a_1_mib_file_from_the_initrd(boot, netns, tmp_path):
    body = hashlib.sha256(b"initrd").digest() * 32768
    rd = pack(tmp_path, {"www/1m.bin": body})
    subprocess.run(["ip", "netns", "exec", netns, "ip", "addr", "add", f"{HOST_IP}/24", "dev", "tap0"], check=True)
    q = boot(f"ip={GUEST_IP}::{HOST_IP}:255.255.255.0::eth0:off apps=shell,httpd", extra=("-initrd", str(rd)),
             wrapper=("ip", "netns", "exec", netns), net=NIC)
    q.expect(r"httpd: listening on port 80", timeout=30)
    got = subprocess.run(["ip", "netns", "exec", netns, "curl", "-s", "-m", "30", f"http://{GUEST_IP}/1m.bin"],
                         capture_output=True, timeout=60).stdout
    assert len(got) == len(body) and got == body
