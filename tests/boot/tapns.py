"""The wire the boot tests run on: a network namespace of the test's own
with a tap device "tap0" (up, no IPv6 chatter), optionally an address on
it, removed at the end whatever happens. QEMU and the host tools run inside
(`ip netns exec NAME ...`); NIC is the guest's side of it."""
import contextlib
import os
import subprocess

NIC = ("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no", "-device", "pcnet,netdev=n0,addr=0b,romfile=")


@contextlib.contextmanager
def tap_netns(tag, host_ip=None):
    """Yields the namespace's name, mipsnet-TAG-PID; host_ip: an address
    (with no prefix, /24 is added) for tap0."""
    name = f"mipsnet-{tag}-{os.getpid()}" if tag else f"mipsnet-{os.getpid()}"
    subprocess.run(["ip", "netns", "del", name], capture_output=True)  # left by a killed run
    subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True)
    try:
        inside = ["ip", "netns", "exec", name]
        cmds = [["ip", "tuntap", "add", "dev", "tap0", "mode", "tap"],
                ["sysctl", "-qw", "net.ipv6.conf.tap0.disable_ipv6=1"],
                ["ip", "link", "set", "tap0", "up"],
                ["ip", "link", "set", "lo", "up"]]
        if host_ip:
            cmds.append(["ip", "addr", "add", f"{host_ip}/24", "dev", "tap0"])
        for cmd in cmds:
            subprocess.run(inside + cmd, check=cmd[0] != "sysctl", capture_output=True)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
