# gdb commands for a mipsnet kernel (loaded by tools/gdbinit): the thread
# list, a socket by descriptor, the interfaces and the receive backlog.
# They only read memory through the kernel's own types (DWARF of
# kernel.elf), as Linux's scripts/gdb/linux/ does, so they work on a
# halted QEMU or a board behind a JTAG probe alike.
import gdb

STATES = {0: "running", 1: "sleeping", 2: "uninterruptible", 3: "dead"}
TCP_STATES = ["?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
              "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV"]


def var(name):
    """A global, also one in an anonymous namespace (softnet)."""
    for n in (name, "(anonymous namespace)::" + name):
        sym = gdb.lookup_global_symbol(n) or gdb.lookup_static_symbol(n)
        if sym:
            return sym.value()
    raise gdb.GdbError(f"no symbol {name}: is this kernel.elf, with its debug information?")


def entries(head, type_name, member):
    """The structs on a list_head ring, by the list_head member they embed
    (Linux's list_for_each_entry)."""
    t = gdb.lookup_type(type_name)
    off = next(f.bitpos // 8 for f in t.fields() if f.name == member)
    ptr = t.pointer()
    char = gdb.lookup_type("char").pointer()
    start = head.address
    node = head["next"]
    seen = 0
    while node != start:
        yield (node.cast(char) - off).cast(ptr).dereference()
        node = node["next"]
        seen += 1
        if seen > 100000:
            raise gdb.GdbError("list does not come back to its head: corrupted?")


def addr(v):
    """A pointer as the target has it: gdb sign-extends MIPS32's KSEG
    addresses to 64 bits."""
    return int(v) & ((1 << (8 * v.type.sizeof)) - 1) if v.type.code == gdb.TYPE_CODE_PTR else int(v)


def cstr(v):
    return v.string(length=int(v.type.sizeof)).split("\0")[0]


def ip4(be32):
    # Network order in memory: gdb's integer, put back in the target's
    # byte order, gives the bytes as they lie.
    b = (int(be32) & 0xffffffff).to_bytes(4, "little" if is_little() else "big")
    return ".".join(str(x) for x in b)


def port(be16):
    b = (int(be16) & 0xffff).to_bytes(2, "little" if is_little() else "big")
    return b[0] << 8 | b[1]


def is_little():
    return "little" in gdb.execute("show endian", to_string=True)


class Threads(gdb.Command):
    """mn-threads: every thread (task_list), the running one marked *."""

    def __init__(self):
        super().__init__("mn-threads", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cur = var("current")
        print(f"  {'pid':>4} {'name':<16} {'state':<16} {'prio':>4} {'switches':>9}  stack")
        for t in entries(var("task_list"), "task_struct", "tasks"):
            mark = "*" if t.address == cur else " "
            print(f"{mark} {int(t['pid']):>4} {cstr(t['comm']):<16} {STATES.get(int(t['state']), '?'):<16} "
                  f"{int(t['prio']):>4} {int(t['nr_switches']):>9}  {addr(t['stack']):#x}+{int(t['stack_size'])}")


def task_by_pid(pid):
    for t in entries(var("task_list"), "task_struct", "tasks"):
        if int(t["pid"]) == pid:
            return t
    raise gdb.GdbError(f"no thread with pid {pid}")


class Socket(gdb.Command):
    """mn-socket FD [PID]: the socket behind descriptor FD of thread PID
    (the current one by default): file, struct socket, struct sock, and
    for inet sockets the addresses, ports and TCP state."""

    def __init__(self):
        super().__init__("mn-socket", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        args = gdb.string_to_argv(arg)
        if not args:
            raise gdb.GdbError("usage: mn-socket FD [PID]")
        fd = int(args[0])
        t = task_by_pid(int(args[1])) if len(args) > 1 else var("current").dereference()
        files = t["files"]
        if int(files) == 0:
            raise gdb.GdbError(f"{cstr(t['comm'])} has no descriptor table")
        if fd < 0 or fd >= int(files["capacity"]):
            raise gdb.GdbError(f"fd {fd} is past the table ({int(files['capacity'])} slots)")
        f = files["fd"][fd]
        if int(f) == 0:
            raise gdb.GdbError(f"fd {fd} of {cstr(t['comm'])} is not open")
        if int(f["f_op"]) != int(var("socket_file_ops").address):
            raise gdb.GdbError(f"fd {fd} is not a socket (f_op {f['f_op']})")
        sock = f["private_data"].cast(gdb.lookup_type("socket").pointer())
        sk = sock["sk"]
        print(f"fd {fd} of {cstr(t['comm'])} (pid {int(t['pid'])}): file {addr(f):#x}, socket {addr(sock):#x}, "
              f"sock {addr(sk):#x}")
        print(f"  socket: state {int(sock['state'])} type {int(sock['type'])} ops {sock['ops']}")
        if int(sk) == 0:
            return
        print(f"  sock: family {int(sk['sk_family'])} protocol {int(sk['sk_protocol'])} prot {sk['sk_prot']}")
        print(f"        rcvbuf {int(sk['sk_rcvbuf'])} rmem {int(sk['sk_rmem_alloc'])} sndbuf {int(sk['sk_sndbuf'])} "
              f"wmem {int(sk['sk_wmem_alloc'])} receive queue {int(sk['sk_receive_queue']['qlen'])} "
              f"drops {int(sk['sk_drops'])} err {int(sk['sk_err'])}")
        if int(sk["sk_family"]) == 2:   # AF_INET
            inet = sk.cast(gdb.lookup_type("inet_sock").pointer())
            state = int(sk["sk_state"])
            name = TCP_STATES[state] if int(sk["sk_protocol"]) == 6 and state < len(TCP_STATES) else str(state)
            print(f"  inet: {ip4(inet['inet_rcv_saddr'])}:{port(inet['inet_sport'])} -> "
                  f"{ip4(inet['inet_daddr'])}:{port(inet['inet_dport'])} state {name}")


class RxQueue(gdb.Command):
    """mn-rxq [DEV]: each interface's counters, and the frames waiting in
    the receive backlog (netif_rx's input_pkt_queue and the process_queue),
    only DEV's when given."""

    def __init__(self):
        super().__init__("mn-rxq", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        want = arg.strip() or None
        for dev in entries(var("init_net")["dev_base_head"], "net_device", "dev_list"):
            name = cstr(dev["name"])
            if want and name != want:
                continue
            s = dev["stats"]
            print(f"{name}: rx {int(s['rx_packets'])} packets {int(s['rx_bytes'])} bytes, dropped "
                  f"{int(s['rx_dropped'])}, missed {int(s['rx_missed_errors'])}; tx {int(s['tx_packets'])} "
                  f"packets, dropped {int(s['tx_dropped'])}")
        sd = var("softnet")
        for q in ("input_pkt_queue", "process_queue"):
            queue = sd[q]
            print(f"{q}: {int(queue['qlen'])} frames")
            for skb in entries(queue["list"], "sk_buff", "list"):
                dev = skb["dev"]
                dname = cstr(dev["name"]) if int(dev) else "-"
                if want and dname != want:
                    continue
                print(f"  skb {addr(skb.address):#x} dev {dname} len {int(skb['len'])} "
                      f"protocol {port(skb['protocol']):#06x} truesize {int(skb['truesize'])}")
        print(f"softnet: processed {int(sd['processed'])} dropped {int(sd['dropped'])} "
              f"time_squeeze {int(sd['time_squeeze'])}")


Threads()
Socket()
RxQueue()
