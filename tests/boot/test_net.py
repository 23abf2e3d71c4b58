"""The net core at boot: net_dev_init brings up lo, and the net_selftest
parameter runs frames of every length through it on the MIPS target."""
from qemu import PROMPT


def test_net_core_is_up_with_loopback(boot):
    q = boot("")
    q.expect(r"NET: core up: lo ifindex 1, backlog 1000, budget 300")
    q.expect(PROMPT, timeout=30)


def test_selftest_over_loopback_on_the_target(boot):
    q = boot("net_selftest")
    q.expect(r"net: selftest timing: lo round trip \(64 B\) \d+ counter ticks \(\d+ ns\), "
             r"csum_partial 1500 B \d+ ticks \(\d+ MB/s\)", timeout=60)
    q.expect(r"net: selftest passed \(1504 frames over lo, 1\.\.1500 and up to 65000 bytes, "
             r"checksums verified, every sk_buff freed\)", timeout=30)
