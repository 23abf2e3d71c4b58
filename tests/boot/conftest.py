import pytest

from qemu import Qemu


@pytest.fixture
def boot():
    """boot(append="...") starts QEMU; every run is killed at the end of the test."""
    runs = []

    def start(append="", **kw):
        q = Qemu(append, **kw)
        runs.append(q)
        return q

    yield start
    for q in runs:
        q.close()


@pytest.fixture
def shell(boot):
    q = boot("")
    q.expect("mipsnet> ", timeout=30)
    return q


@pytest.fixture
def netns():
    """A network namespace with a tap device "tap0" (up, no IPv6 chatter),
    removed at the end whatever happens. QEMU and the host tools run inside."""
    import os
    import subprocess
    name = f"mipsnet-{os.getpid()}"
    subprocess.run(["ip", "netns", "del", name], capture_output=True)  # left by a killed run
    subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True)
    try:
        inside = ["ip", "netns", "exec", name]
        for cmd in (["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"],
                    ["sysctl", "-qw", "net.ipv6.conf.tap0.disable_ipv6=1"],
                    ["ip", "link", "set", "tap0", "up"],
                    ["ip", "link", "set", "lo", "up"]):
            subprocess.run(inside + cmd, check=cmd[0] != "sysctl", capture_output=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
