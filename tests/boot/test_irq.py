"""Shared interrupt lines: two pcnet cards sit on PIIX4 PIRQ A, level-triggered
IRQ 10, and both drivers' handlers go on the one line (IRQF_SHARED). QEMU's
user-mode network (no root) gives each card its own 10.0.2.0/24."""
import re

from qemu import PROMPT

CARDS = ("-nic", "none",
         "-netdev", "user,id=n0", "-device", "pcnet,netdev=n0,romfile=",
         "-netdev", "user,id=n1", "-device", "pcnet,netdev=n1,romfile=")


def irq10(q):
    m = re.search(r"^ +10: +(\d+) +\S+ +(.*)$", q.run("cat /proc/interrupts"), re.M)
    assert m, "IRQ 10 missing from /proc/interrupts"
    return int(m.group(1)), m.group(2)


def test_two_cards_share_irq_10(boot):
    # The second card on the shared line carries the traffic: its handler is
    # the second on the line's list and must still be called and claim.
    q = boot("ip=10.0.2.15::10.0.2.2:255.255.255.0::eth1:off", net=CARDS)
    q.expect(PROMPT, timeout=30)
    assert re.search(r"eth0: .* irq 10,", q.output) and re.search(r"eth1: .* irq 10,", q.output)
    before, names = irq10(q)
    assert names == "eth0, eth1"
    out = q.run("ping -c 3 -W 5 10.0.2.2", timeout=30)
    assert "3 received" in out, out
    after, _ = irq10(q)
    assert after > before
    assert "nobody cared" not in q.output
