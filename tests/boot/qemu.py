"""Drive a mipsnet image in QEMU's Malta through its serial console."""
import os
import re
import signal
import socket
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNEL = os.environ.get("MIPSNET_KERNEL", os.path.join(ROOT, "build/malta/kernel.elf"))
PROMPT = "mipsnet> "


def byte_order(elf):
    """'little' or 'big': a MIPS ELF image's byte order (e_ident[EI_DATA])."""
    with open(elf, "rb") as f:
        ident = f.read(6)
    if ident[:4] != b"\x7fELF" or ident[5] not in (1, 2):
        raise ValueError(f"{elf}: not an ELF image of known byte order")
    return "little" if ident[5] == 1 else "big"


def proc_addr(dotted, elf=KERNEL):
    """An IPv4 address as Linux's /proc/net files print it (route, igmp,
    tcp, udp): the __be32 as a %08X number, so its bytes reversed on a
    little-endian machine and in network order on a big-endian one."""
    raw = socket.inet_aton(dotted)
    return (raw[::-1] if byte_order(elf) == "little" else raw).hex().upper()


def qemu_system(elf=KERNEL):
    """The QEMU that runs the image: qemu-system-mipsel or qemu-system-mips
    (tools/qemu-system.sh decides the same way)."""
    return "qemu-system-mipsel" if byte_order(elf) == "little" else "qemu-system-mips"


class Qemu:
    """One QEMU run: output is collected by a thread; expect() searches it."""

    def __init__(self, append="", kernel=KERNEL, net=("-nic", "none"), extra=(), wrapper=(),
                 semihosting=True, mem="128"):
        # semihosting=False for a Linux kernel: with it, QEMU's Malta loader
        # passes no initrd to Linux ("Initrd not found or empty").
        cmd = list(wrapper) + [
            qemu_system(kernel), "-M", "malta", "-m", str(mem), "-nographic", "-vga", "none",
            "-no-reboot", *(["-semihosting"] if semihosting else []), *net, *extra,
            "-kernel", kernel, "-append", append,
        ]
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.output = ""
        self.pos = 0
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(4096)
            if not chunk:
                return
            with self.lock:
                self.output += chunk.decode("utf-8", "replace").replace("\r", "")

    def expect(self, pattern, timeout=20):
        """Wait for pattern (a regex) after the last match; return the match."""
        deadline = time.monotonic() + timeout
        rx = re.compile(pattern)
        while True:
            with self.lock:
                m = rx.search(self.output, self.pos)
                if m:
                    self.pos = m.end()
                    return m
            if time.monotonic() > deadline or (self.proc.poll() is not None and not self.reader.is_alive()):
                raise AssertionError(f"timed out waiting for {pattern!r}; output:\n{self.output[-3000:]}")
            time.sleep(0.02)

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def run(self, command, timeout=20):
        """Type a shell command; return what it printed before the next prompt."""
        self.send(command + "\r")
        self.expect(re.escape(command) + "\n", timeout)
        start = self.pos
        self.expect(re.escape(PROMPT), timeout)
        with self.lock:
            return self.output[start:self.pos - len(PROMPT)]

    def wait_exit(self, timeout=20):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"QEMU still running after {timeout}s; output:\n{self.output[-3000:]}")

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.reader.join(2)
