"""Boot tests of the socket layer through the shell and the apps: the
trace of socket() as Linux's net/socket.c runs it, the unprivileged shell's socket
errors, ping and sniff over the loopback device, and the net-tools apps."""
import re

from qemu import PROMPT

# newlib's errno numbers (what the shell's syscall command prints)
EPERM, EBADF, ENOTSOCK, EAFNOSUPPORT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EINVAL = 1, 9, 108, 106, 123, 124, 22


def errno_of(q, cmd):
    out = q.run(cmd)
    m = re.search(r"= -1 errno (\d+) ", out)
    return int(m.group(1)) if m else out


def trace_chain(out):
    """The (depth, name) of each trace line."""
    return [(len(m.group(1)) // 2, m.group(2)) for m in re.finditer(r"trace: ( *)(\S+)[^\n]*\n", out)]


def test_trace_socket_prints_the_seed_chain(boot):
    q = boot("loglevel=8 trace=socket")
    q.expect(PROMPT, timeout=30)
    out = q.run("ping -c 1 127.0.0.1", timeout=30)
    assert trace_chain(out)[:8] == [
        (0, "sys_socket"),
        (1, "sock_create"),
        (2, "__sock_create"),
        (3, "security_socket_create"),
        (3, "sock_alloc"),
        (3, "inet_create"),
        (4, "sk_alloc"),
        (1, "sock_map_fd"),
    ], out
    out = q.run("sniff -c 1 -T 0.1", timeout=30)
    assert trace_chain(out)[:8] == [
        (0, "sys_socket"),
        (1, "sock_create"),
        (2, "__sock_create"),
        (3, "security_socket_create"),
        (3, "sock_alloc"),
        (3, "packet_create"),
        (4, "sk_alloc"),
        (1, "sock_map_fd"),
    ], out
    # The shell is not privileged: the hook refuses a packet socket.
    out = q.run("syscall 4183 17 3 768")
    assert trace_chain(out) == [(0, "sys_socket"), (1, "sock_create"), (2, "__sock_create"),
                                (3, "security_socket_create"), (4, "security_socket_create")], out
    assert "EPERM type=3" in out


def test_unprivileged_shell_gets_linuxs_errors(shell):
    # socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)), (AF_INET, SOCK_RAW, ICMP), (AF_INET, SOCK_PACKET, ...)
    assert errno_of(shell, "syscall 4183 17 3 768") == EPERM
    assert errno_of(shell, "syscall 4183 2 3 1") == EPERM
    assert errno_of(shell, "syscall 4183 2 10 768") == EPERM
    # What Linux answers before any privilege matters.
    assert errno_of(shell, "syscall 4183 2 3 0") == EPROTONOSUPPORT
    assert errno_of(shell, "syscall 4183 10 1 0") == EAFNOSUPPORT
    assert errno_of(shell, "syscall 4183 46 1 0") == EAFNOSUPPORT
    assert errno_of(shell, "syscall 4183 2 5 0") == ESOCKTNOSUPPORT
    assert errno_of(shell, "syscall 4183 2 11 0") == EINVAL
    assert errno_of(shell, "syscall 4169 0 0 0") == ENOTSOCK      # bind(stdin)
    assert errno_of(shell, "syscall 4169 77 0 0") == EBADF
    assert errno_of(shell, "syscall 4102 99 0") == EINVAL         # socketcall: no such call
    assert errno_of(shell, "syscall 4102 1 16") == 14             # socketcall: bad args pointer, EFAULT


def test_ping_and_sniff_over_loopback(shell):
    out = shell.run("ping -c 3 -i 0.2 127.0.0.1", timeout=30)
    assert "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data." in out
    seqs = re.findall(r"^64 bytes from 127\.0\.0\.1: icmp_seq=(\d) ttl=64 time=\d+\.\d+ ms$", out, re.M)
    assert seqs == ["1", "2", "3"], out
    assert "--- 127.0.0.1 ping statistics ---" in out
    assert re.search(r"^3 packets transmitted, 3 received, 0% packet loss, time \d+ms$", out, re.M)
    assert re.search(r"^rtt min/avg/max/mdev = [\d.]+/[\d.]+/[\d.]+/[\d.]+ ms$", out, re.M)
    # Large echoes fit in one loopback frame and come back whole.
    out = shell.run("ping -c 1 -s 8000 127.0.0.1", timeout=30)
    assert re.search(r"^8008 bytes from 127\.0\.0\.1: icmp_seq=1 ttl=64", out, re.M), out
    # sniff on lo sees each frame going out and coming in.
    shell.run("sniff -c 4 -i lo icmp &")
    shell.run("sleep 0.5")   # until it listens
    shell.run("ping -c 1 127.0.0.1", timeout=30)
    shell.run("sleep 0.5")   # a later prompt reports the background job's end
    text = shell.output
    assert re.search(r"run: sniff \(pid \d+\) exited with status 0", text), text[-3000:]
    lines = re.findall(r"^\d\d:\d\d:\d\d\.\d{6} lo (In |Out) 00:00:00:00:00:00 > 00:00:00:00:00:00, "
                       r"ethertype IPv4 \(0x0800\), length 98: IP 127\.0\.0\.1 > 127\.0\.0\.1: "
                       r"ICMP (echo request|echo reply), id \d+, seq 1, length 64$", text, re.M)
    assert sorted(lines) == sorted([("Out", "echo request"), ("In ", "echo request"),
                                    ("Out", "echo reply"), ("In ", "echo reply")]), text[-3000:]
    assert re.search(r"^4 packets captured$", text, re.M)
    assert re.search(r"^0 packets dropped by kernel$", text, re.M)


def test_net_tools_and_proc_net(shell):
    out = shell.run("ifconfig")
    assert re.search(r"^lo: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536$", out, re.M), out
    assert "inet 127.0.0.1  netmask 255.0.0.0" in out
    shell.run("ping -c 2 -i 0.1 -q 127.0.0.1", timeout=30)
    out = shell.run("netstat -i")
    m = re.search(r"^lo +65536 +(\d+) +0 +0 +0 +(\d+) +0 +0 +0 LRU$", out, re.M)
    assert m and int(m.group(1)) >= 4 and int(m.group(2)) >= 4, out
    assert shell.run("cat /proc/net/dev").count("lo:") == 1
    snmp = shell.run("cat /proc/net/snmp")
    names, values = [l.split() for l in snmp.splitlines() if l.startswith("Icmp:")][:2]
    icmp = dict(zip(names[1:], map(int, values[1:])))
    assert icmp["InEchos"] >= 2 and icmp["OutEchoReps"] >= 2
    assert "Kernel IP routing table" in shell.run("route")
    assert shell.run("arp").startswith("Address ")
    assert re.search(r"^RAW +\d+ +0$", shell.run("cat /proc/net/protocols"), re.M)
    assert shell.run("cat /proc/net/sockstat").startswith("sockets: used 0\nTCP: inuse 0 orphan 0 tw 0 alloc 0 mem 0\n")
    # Changes need the privilege the apps have, not the shell.
    assert "Operation not permitted" not in shell.run("ifconfig lo mtu 1500")
    assert re.search(r"^lo: .*  mtu 1500$", shell.run("ifconfig lo"), re.M)


def lo_tx(shell):
    line = next(l for l in shell.run("cat /proc/net/dev").splitlines() if l.strip().startswith("lo:"))
    f = line.split(":", 1)[1].split()
    return int(f[9]), int(f[8])   # transmit packets, bytes


def test_pktgen_sends_what_it_says(shell):
    packets, nbytes = lo_tx(shell)
    shell.run("sniff -q -c 100 -i lo &")   # each frame is seen going out and coming back
    shell.run("sleep 0.5")
    out = shell.run("pktgen -i lo -c 50 -s 100", timeout=30)
    assert re.search(r"^pktgen: 50 frames of 100 bytes sent in \d+\.\d{3} s, \d+ frames/s, "
                     r"0 refused \(queue full\), 0 errors$", out, re.M), out
    # (lo counts bytes after eth_type_trans, as Linux's loopback_xmit)
    assert lo_tx(shell) == (packets + 50, nbytes + 50 * (100 - 14))
    shell.run("sleep 0.5")
    assert re.search(r"^100 packets captured$", shell.output, re.M), shell.output[-2000:]
    out = shell.run("pktgen -i lo -t 0.5 -s 1514", timeout=30)
    m = re.search(r"^pktgen: (\d+) frames of 1514 bytes sent in 0\.5\d\d s", out, re.M)
    assert m and int(m.group(1)) > 0, out
    # Bad arguments: usage, status 2, nothing sent.
    packets, _ = lo_tx(shell)
    for bad in ("pktgen -s 59", "pktgen -s 1515", "pktgen -t 0", "pktgen -d 01:02", "pktgen -x"):
        out = shell.run(bad)
        assert "usage: pktgen" in out and "exited with status 2" in out, out
    out = shell.run("pktgen -i nope -c 1")
    assert "pktgen: nope: No such device" in out and "exited with status 2" in out, out
    assert lo_tx(shell)[0] == packets
