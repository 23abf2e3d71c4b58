"""Boot tests: the real image in QEMU, driven through its serial console."""
import re
import time

from qemu import PROMPT


def test_banner_cmdline_and_prompt(boot):
    q = boot("loglevel=7 hostname=testbox")
    q.expect(r"mipsnet 0\.1\.0 .*\(MIPS Malta\)")
    q.expect(r"Kernel command line: loglevel=7 hostname=testbox")
    # L1 from Config1, L2 from Config2 (QEMU's 24Kf has none)
    q.expect(r"CPU: caches I \d+ kB/\d+ B lines/\d+-way, D \d+ kB/\d+ B lines/\d+-way, "
             r"(no L2|L2 \d+ kB/\d+ B lines/\d+-way)")
    q.expect(r"Memory: \d+K/131072K available")
    q.expect(r"clocksource: MIPS counter at \d+\.\d+ MHz, tick 100 Hz")
    q.expect(PROMPT, timeout=30)
    assert "testbox" in q.run("uname -a")


def test_shell_commands(shell):
    out = shell.run("help")
    for cmd in ("uname", "uptime", "dmesg", "free", "poweroff", "reboot"):
        assert cmd in out
    assert re.search(r"^mipsnet malta 0\.1\.0 #1 .* mips$", shell.run("uname -a"), re.M)
    assert re.search(r"^up 0:00:\d\d \(\d+\.\d{3} s\), [3-9] threads$", shell.run("uptime"), re.M)
    free = shell.run("free")
    m = re.search(r"Mem:\s+(\d+)\s+(\d+)\s+(\d+)", free)
    assert m and int(m.group(1)) == 131072 and int(m.group(2)) + int(m.group(3)) == 131072
    dmesg = shell.run("dmesg")
    assert "Kernel command line:" in dmesg and "apps: started shell (pid " in dmesg
    year = int(shell.run("date").split()[-1])
    assert year >= 2024  # from the board's RTC, which QEMU sets to the host's time
    assert "nosuch: command not found" in shell.run("nosuch")


def test_uptime_advances(shell):
    def secs():
        return float(re.search(r"\((\d+\.\d+) s\)", shell.run("uptime")).group(1))
    a = secs()
    time.sleep(1.2)
    assert secs() > a + 0.5


def test_line_editing(shell):
    shell.send("unamX\x7fe -a\r")
    shell.expect(r"mipsnet malta")
    shell.expect(PROMPT)
    shell.send("garbage\x15echo clean\r")
    shell.expect(r"\nclean\n")
    shell.expect(PROMPT)
    shell.send("half\x03")
    shell.expect(r"\^C\n" + PROMPT)


def test_syscalls_through_libc(shell):
    pid = re.search(r"apps: started shell \(pid (\d+)\)", shell.output).group(1)
    assert f"syscall 4020 = {pid}\n" in shell.run("syscall 4020")      # getpid
    out = shell.run("syscall 9999")                                    # unknown number
    assert "= -1 errno 88 (Function not implemented)" in out           # newlib's ENOSYS
    assert "errno 14 (Bad address)" in shell.run("syscall 4004 1 0 5")  # write(1, NULL, 5)
    assert "errno 9 (Bad file number)" in shell.run("syscall 4004 77 0 0")  # write(77, ...)
    assert "errno 22 (Invalid argument)" in shell.run("syscall 4088 1 2 3")  # reboot, bad magic
    assert "errno 22 (Invalid argument)" in shell.run("syscall 4103 99 0 0")  # syslog, bad action
    assert "errno 14 (Bad address)" in shell.run("syscall 4122 0x10")     # uname(bad pointer)


def test_poweroff_ends_qemu_with_status_0(shell):
    shell.send("poweroff\r")
    shell.expect("reboot: Power down")
    assert shell.wait_exit(20) == 0


def test_exit_from_shell_leaves_system_idle(shell):
    shell.send("exit 3\r")
    shell.expect(r"apps: shell exited with status 3")
    shell.expect(r"system idle")


def test_unknown_app_is_reported(boot):
    q = boot("apps=nosuch,shell")
    q.expect(r"apps: no app named 'nosuch'")
    q.expect(PROMPT, timeout=30)


def _crash(boot, how, exc, badva=None):
    q = boot("panic=-1")
    q.expect(PROMPT, timeout=30)
    q.send(f"crash {how}\r")
    m = q.expect(r"Unhandled kernel exception: (\w+) \(.*\) at epc ([0-9a-f]{8}), BadVAddr ([0-9a-f]{8})")
    assert m.group(1) == exc
    if badva:
        assert m.group(3) == badva
    for reg in ("zero", "a0", "t9", "sp", "ra", "epc", "Status", "Cause", "BadVA"):
        q.expect(reg)
    m = q.expect(r"Call Trace:\n((\[<[0-9a-f]{8}>\] \S+\+0x[0-9a-f]+\n){2,})")
    assert "shell::cmd_crash+0x" in m.group(1) and "shell_main+0x" in m.group(1)
    q.expect(r"Kernel panic - not syncing: Fatal exception " + exc)
    assert q.wait_exit(20) == 0  # panic=-1 reboots at once; QEMU -no-reboot exits


def test_bad_load_panics_with_dump(boot):
    _crash(boot, "load", "AdEL", "00000001")


def test_bad_store_panics_with_dump(boot):
    _crash(boot, "store", "TLBS", "00000004")  # KUSEG has no mapping: TLB refill


def test_reserved_instruction_panics(boot):
    _crash(boot, "ri", "RI")


def test_break_panics(boot):
    _crash(boot, "break", "Bp")


def test_panic_zero_halts_but_says_so(boot):
    q = boot("panic=0")
    q.expect(PROMPT, timeout=30)
    q.send("crash load\r")
    q.expect(r"---\[ end Kernel panic - not syncing: Fatal exception AdEL in kernel \]---")
    time.sleep(1)
    assert q.proc.poll() is None  # halted, not rebooted


def test_quiet_loglevel_hides_kernel_messages(boot):
    q = boot("loglevel=1")
    q.expect(PROMPT, timeout=30)
    assert "Kernel command line" not in q.output
    assert "Kernel command line" in q.run("dmesg")


def test_stack_overflow_is_caught_and_named(boot):
    q = boot("panic=-1")
    q.expect(PROMPT, timeout=30)
    q.send("crash stack\r")
    q.expect(r"Kernel panic - not syncing: stack overflow in thread 'shell' \(pid \d+, 16384-byte stack\)")
    q.expect(r"Call Trace:")
    assert q.wait_exit(20) == 0


def test_sleep_lasts_at_least_its_time_on_the_guest_clock(shell):
    def mono():
        return float(re.search(r"\((\d+\.\d+) s\)", shell.run("uptime")).group(1))
    a = mono()
    shell.run("sleep 0.5")
    b = mono()
    assert b - a >= 0.5
    assert "invalid time" in shell.run("sleep -1")
    assert "errno 14 (Bad address)" in shell.run("syscall 4166 0 0")  # nanosleep(NULL, NULL)


def test_kernel_proc_files_and_trace_switch(shell):
    soft = shell.run("cat /proc/softirqs")
    for name in ("HI", "TIMER", "NET_TX", "NET_RX"):
        assert re.search(rf"^{name} +\d+ +\d+$", soft, re.M)
    assert re.search(r"^kmalloc-64 +\d+", shell.run("cat /proc/slabinfo"), re.M)
    assert "zone   Normal" in shell.run("cat /proc/buddyinfo")
    assert "categories: -syscall" in shell.run("trace")
    shell.run("trace syscall")
    shell.send("uname\r")                 # its echo is now interleaved with trace lines
    shell.expect(r"trace: sys_newuname")
    shell.send("trace none\r")
    shell.expect(r"trace: sys_open")      # the last traced call: opening /proc/trace
    time.sleep(0.5)
    assert "categories: -syscall -socket" in shell.run("trace")
    assert "Invalid argument" in shell.run("trace bogus")
