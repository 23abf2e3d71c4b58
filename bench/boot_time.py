#!/usr/bin/python3
"""Wall-clock time from starting QEMU to the shell prompt on the console,
over several boots (host clock; QEMU TCG, so compare within one run)."""
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = os.path.join(ROOT, "build/malta/kernel.elf")


def one_boot():
    t0 = time.monotonic()
    p = subprocess.Popen(["qemu-system-mipsel", "-M", "malta", "-m", "128", "-nographic", "-vga",
                          "none", "-no-reboot", "-nic", "none", "-kernel", KERNEL, "-append",
                          "loglevel=1"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    seen = b""
    while b"mipsnet> " not in seen:
        chunk = p.stdout.read1(4096)
        if not chunk:
            raise SystemExit("QEMU ended before the prompt")
        seen += chunk
    t = time.monotonic() - t0
    p.kill()
    p.wait()
    return t


runs = [one_boot() for _ in range(int(sys.argv[1]) if len(sys.argv) > 1 else 5)]
print(f"qemu start to shell prompt: median {statistics.median(runs) * 1000:.0f} ms, "
      f"min {min(runs) * 1000:.0f} ms, max {max(runs) * 1000:.0f} ms over {len(runs)} boots")
