"""Boot tests of the file layer: /proc through cat and ps, apps started with
run, descriptor syscalls' errors through the shell, and the fstest app,
which checks pipes, poll, select, fcntl and spawn through newlib."""
import re

from qemu import PROMPT


def shell_pid(q):
    return int(re.search(r"apps: started shell \(pid (\d+)\)", q.output).group(1))


def test_proc_files(boot):
    q = boot("loglevel=7 hostname=procbox")
    q.expect(PROMPT, timeout=30)
    assert re.match(r"^mipsnet version 0\.1\.0 \(gcc [\d.]+\) #1 ", q.run("cat /proc/version"))
    assert q.run("cat /proc/cmdline") == "loglevel=7 hostname=procbox\n"
    up, idle = map(float, re.match(r"^(\d+\.\d\d) (\d+\.\d\d)\n$", q.run("cat /proc/uptime")).groups())
    assert 0 < up and 0 <= idle <= up + 0.01
    meminfo = q.run("cat /proc/meminfo")
    assert re.search(r"^MemTotal: +131072 kB$", meminfo, re.M)
    free = int(re.search(r"^MemFree: +(\d+) kB$", meminfo, re.M).group(1))
    assert 0 < free < 131072
    irqs = q.run("cat /proc/interrupts")
    assert re.search(r"^ +23: +\d+ +MIPS +timer$", irqs, re.M)
    assert re.search(r"^ +4: +\d+ +\S+ +serial$", irqs, re.M)
    tasks = q.run("cat /proc/tasks")
    assert tasks.splitlines()[0].split() == ["PID", "PPID", "S", "PRIO", "CPU_MS", "SWITCHES",
                                             "STACK", "USED", "FDS", "NAME"]
    init_pid = re.search(r"^ +(\d+) +\d+ +\S +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ init$", tasks, re.M).group(1)
    assert re.search(rf"^ +{shell_pid(q)} +{init_pid} R +16 +\d+ +\d+ +16384 +\d+ +4 shell$", tasks, re.M)
    out = q.run("cat /proc/nothing /dev/null /proc")
    assert "cat: /proc/nothing: No such file or directory" in out
    assert "cat: /proc: Is a directory" in out


def test_ps_shows_threads_and_stack_high_water(shell):
    out = shell.run("ps")
    assert out.splitlines()[0].split() == ["PID", "PPID", "S", "PRI", "TIME", "SWITCH", "STACK",
                                           "FDS", "COMMAND"]
    init_pid = re.search(r"^ +(\d+) +0 S +15 .* init$", out, re.M).group(1)
    m = re.search(rf"^ +{shell_pid(shell)} +{init_pid} R +16 +\d+:\d\d\.\d{{3}} +\d+ +(\d+)/(\d+) +4 shell$", out, re.M)
    assert m, out
    used, size = int(m.group(1)), int(m.group(2))
    assert size == 16384 and 0 < used < size
    assert re.search(r"^ +\d+ +0 S +16 .* ksoftirqd$", out, re.M)
    assert re.search(r"^ +0 +0 R +31 .* - +0 swapper$", out, re.M)


def test_run_foreground_and_background(shell):
    sh = shell_pid(shell)
    out = shell.run("run fstest", timeout=30)
    assert re.search(r"^fstest: \d+ checks, 0 failed$", out, re.M), out
    assert re.search(r"^run: fstest \(pid \d+\) exited with status 0$", out, re.M)
    assert "run: fstest (pid" in shell.run("run fstest exit 4") and "exited with status 4" in shell.output
    bg = int(re.match(r"^\[(\d+)\] fstest$", shell.run("run fstest exit 3 &")).group(1))
    # Reported before a later prompt, once it has ended (as a shell's job notice).
    for _ in range(20):
        if f"run: fstest (pid {bg}) exited with status 3\n" in shell.run(""):
            break
    else:
        raise AssertionError("no exit report for the background app:\n" + shell.output[-2000:])
    hold = int(re.match(r"^\[(\d+)\] fstest$", shell.run("run fstest hold &")).group(1))
    ps = shell.run("ps")
    assert re.search(rf"^ +{hold} +{sh} S +16 .* 5 fstest$", ps, re.M), ps   # 0-2, and a pipe
    assert shell.run("run nosuch") == "run: nosuch: No such file or directory\n"
    # The shell ends before its child: init adopts it, no exit report for it yet.
    shell.send("exit 2\r")
    shell.expect(r"apps: shell exited with status 2")


def test_syscall_errors(shell):
    def errno_of(cmd):
        m = re.search(r"= -1 errno (\d+) ", shell.run(cmd))
        return int(m.group(1)) if m else None
    # newlib's numbers for EBADF 9, EFAULT 14, ESPIPE 29, ENOENT 2, ECHILD 10, EMFILE 24
    assert errno_of("syscall 4006 99") == 9              # close(99)
    assert errno_of("syscall 4003 0 0x10 5") == 14       # read(0, bad pointer, 5)
    assert errno_of("syscall 4019 0 0 0") == 29          # lseek(console)
    assert errno_of("syscall 4005 /nonexistent 0") == 2  # open
    assert errno_of("syscall 4114 -1 0 0 0") == 10       # wait4 without children
    assert errno_of("syscall 4500 nosuch 0") == 2        # spawn
    assert errno_of("syscall 4328 0x10 0") == 14         # pipe2 into a bad pointer
    assert "syscall 4042 = 3\n" in shell.run("syscall 4042")  # pipe(): fds 3 and 4
    assert "syscall 4006 = 0\n" in shell.run("syscall 4006 4")
    assert "syscall 4006 = 0\n" in shell.run("syscall 4006 3")
    # Open /dev/null until the table (64 descriptors, 0-2 the console) is full.
    for fd in range(3, 64):
        assert f"syscall 4005 = {fd}\n" in shell.run("syscall 4005 /dev/null 0")
    assert errno_of("syscall 4005 /dev/null 0") == 24
    assert errno_of("syscall 4041 0") == 24              # dup
    assert "syscall 4006 = 0\n" in shell.run("syscall 4006 40")
    assert "syscall 4041 = 40\n" in shell.run("syscall 4041 0")


def test_poll_console_without_waiting(shell):
    out = shell.run("run fstest poll 0")
    assert re.search(r"^fstest: poll = 0 revents 0x0 after \d+ ms$", out, re.M), out


def test_poll_console_times_out(shell):
    shell.send("run fstest poll 300\r")
    m = shell.expect(r"fstest: poll = (-?\d+) revents (0x[0-9a-f]+)", timeout=5)
    shell.expect(PROMPT)
    assert (m.group(1), m.group(2)) == ("0", "0x0")
