"""Memory at boot: the app heap carved off by appheap=, the page allocator's
Memory: line, and free's view of both parts."""
import re

from qemu import PROMPT

RAM_K = 131072
MEMORY = (r"Memory: (\d+)K/(\d+)K available \((\d+)K kernel code, (\d+)K rwdata, (\d+)K rodata, "
          r"(\d+)K bss, (\d+)K reserved, (\d+)K app heap\)")


def memory_line(q):
    m = q.expect(MEMORY)
    avail, total, code, rw, ro, bss, reserved, heap = map(int, m.groups())
    assert total == RAM_K
    assert avail + reserved + heap == total
    # Reserved: the first MiB (vectors, loader's argv), the image, the memmap
    # (24 bytes per page managed: well under 1 MiB for 128 MiB).
    image = code + rw + ro + bss
    assert 1024 + image <= reserved <= 1024 + image + 1024 + 8
    assert 50 <= code <= 4096
    return avail, heap


def free_table(q):
    out = q.run("free")
    rows = {}
    for name in ("Mem", "Kernel", "Apps"):
        m = re.search(rf"^{name}:\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
        assert m, out
        rows[name] = tuple(map(int, m.groups()))
        total, used, free = rows[name]
        assert used + free == total
    assert rows["Kernel"][0] + rows["Apps"][0] == rows["Mem"][0] == RAM_K
    assert rows["Kernel"][2] + rows["Apps"][2] == rows["Mem"][2]
    return rows


def test_appheap_8_memory_line_and_free(boot):
    q = boot("appheap=8")
    q.expect(r"mm: app heap 0x87800000-0x88000000 \(8192K\)")
    avail, heap = memory_line(q)
    assert heap == 8192
    assert avail > RAM_K - 8192 - 3072
    q.expect(PROMPT, timeout=30)
    rows = free_table(q)
    assert rows["Apps"][0] == 8192
    # The kernel's free memory is the page allocator's: what was available at
    # boot, less what the kernel allocated since.
    assert avail - 1024 <= rows["Kernel"][2] <= avail
    before = rows["Apps"][1]
    q.run("dmesg")                        # mallocs the 16 KiB log buffer
    assert free_table(q)["Apps"][1] >= before + 16


def test_default_heap_is_a_quarter_of_ram(boot):
    q = boot("")
    _, heap = memory_line(q)
    assert heap == RAM_K // 4
    q.expect(PROMPT, timeout=30)
    assert free_table(q)["Apps"][0] == RAM_K // 4


def test_oversized_heap_is_clamped(boot):
    q = boot("appheap=1000")
    q.expect(r"mm: app heap of 1000 MiB does not fit beside the kernel; (\d+)K instead")
    avail, heap = memory_line(q)
    assert 2048 - 1024 <= avail <= 2048  # the kernel keeps 2 MiB, less its memmap
    q.expect(PROMPT, timeout=30)
    assert "mipsnet" in q.run("uname")


def test_selftest_on_the_real_memory(boot):
    q = boot("mm_selftest appheap=4")
    q.expect(r"mm: selftest timing: kmalloc\+kfree \d+, __get_free_page\+free_page \d+ counter ticks")
    q.expect(r"mm: selftest passed \(20000 kmalloc/kfree operations, every page back\)")
    q.expect(PROMPT, timeout=30)
    assert "FAILED" not in q.output and "bad free" not in q.output


def test_slub_debug_red_zones_the_caches_and_scans_them_clean(boot):
    """slub_debug on the live kernel: every cache red-zoned and poisoned, the
    scan running each second over everything the boot and a few commands
    allocated, and nothing reported: no false alarm from a correct kernel."""
    q = boot("slub_debug slub_debug_scan=1")
    q.expect(r"slub_debug: FZP; every slab checked each 1 s")
    q.expect(PROMPT, timeout=30)
    info = q.run("cat /proc/slabinfo")
    assert re.search(r"^kmalloc-64\s+\d+\s+\d+\s+64\s", info, re.M), info
    q.run("ifconfig")
    q.run("dmesg")
    q.run("sleep 3")   # three scans
    out = q.run("dmesg")
    assert "BUG " not in out and "Redzone" not in out and "Poison" not in out
