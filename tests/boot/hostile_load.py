"""The traffic that must get through while test_hostile.py attacks the
guest, run inside the test's network namespace:

  GUEST_IP HOST_IP ECHO_PORT IDLE_PORT WWW_DIR STOP_FILE MIN_BYTES

- a bulk echo (RFC 862) stream from HOST_IP:ECHO_PORT: pseudo-random bytes
  out, the same back, compared by SHA-256 (live junk is fired at it);
- a chargen (RFC 864) stream, every byte checked against the pattern;
- curl in a loop over the files of WWW_DIR and /status.json, each body
  compared with the file (status.json: parsed);
- an idle echo connection from HOST_IP:IDLE_PORT that must still echo at
  the end (the RSTs and SYN that draw challenge ACKs are fired at it).

Each stream runs until STOP_FILE exists and has moved MIN_BYTES. Prints
"ready" once every connection is up, then one JSON object at the end."""
import hashlib
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time

CHARGEN_CHARS, CHARGEN_LINE = 95, 72
CYCLE = b"".join(bytes(32 + (line + i) % CHARGEN_CHARS for i in range(CHARGEN_LINE)) + b"\r\n"
                 for line in range(CHARGEN_CHARS))
CHARGEN_RATE = 1 << 20   # bytes a second
TIMEOUT = 120   # seconds any one read or write may wait while the guest is flooded


def connect(guest, port, local=None):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if local:
        s.bind(local)
    s.settimeout(TIMEOUT)
    s.connect((guest, port))
    return s


def stopped(stop_file, moved, min_bytes):
    return moved >= min_bytes and os.path.exists(stop_file)


def echo_stream(s, stop_file, min_bytes, out):
    rng = random.Random(os.environ.get("MIPSNET_SEED", "0") + "-echo")
    sent_hash, got_hash = hashlib.sha256(), hashlib.sha256()
    sent = [0]

    def writer():
        while not stopped(stop_file, sent[0], min_bytes):
            chunk = rng.randbytes(rng.randrange(1, 65536))
            sent_hash.update(chunk)
            s.sendall(chunk)
            sent[0] += len(chunk)
        s.shutdown(socket.SHUT_WR)   # half-close: the rest of the echo still comes back

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    got = 0
    while True:
        b = s.recv(1 << 16)
        if not b:
            break
        got_hash.update(b)
        got += len(b)
    t.join(TIMEOUT)
    s.close()
    out["echo"] = {"sent": sent[0], "received": got, "same": sent_hash.digest() == got_hash.digest()}


def chargen_stream(s, stop_file, min_bytes, out):
    got, bad_at, t0 = 0, None, time.monotonic()
    while not stopped(stop_file, got, min_bytes):
        b = s.recv(1 << 16)
        if not b:
            break
        # Read at most CHARGEN_RATE: the stream is there to be checked, not
        # to take the guest's CPU from everything else.
        time.sleep(max(0.0, got / CHARGEN_RATE - (time.monotonic() - t0)))
        off = got % len(CYCLE)
        want = (CYCLE[off:] + CYCLE * (len(b) // len(CYCLE) + 2))[:len(b)]
        if b != want and bad_at is None:
            bad_at = got + next(i for i in range(len(b)) if b[i] != want[i])
        got += len(b)
    s.close()
    out["chargen"] = {"received": got, "bad_at": bad_at}


def http_loop(guest, www, stop_file, out):
    files = {name: open(os.path.join(www, name), "rb").read() for name in sorted(os.listdir(www))}
    paths = [f"/{n}" for n in files] + ["/status.json"]
    ok, failures, n = 0, [], 0
    while not (n >= 10 and os.path.exists(stop_file)):
        path = paths[n % len(paths)]
        n += 1
        r = subprocess.run(["curl", "-sS", "--max-time", "60", f"http://{guest}{path}"], capture_output=True,
                           timeout=90)
        body = r.stdout
        if r.returncode != 0:
            good = False
        elif path == "/status.json":
            try:
                good = "uptime" in json.loads(body)
            except ValueError:
                good = False
        else:
            good = body == files[path[1:]]
        if good:
            ok += 1
        else:
            failures.append({"path": path, "rc": r.returncode, "bytes": len(body), "err": r.stderr.decode()[-200:]})
    out["http"] = {"requests": n, "ok": ok, "failures": failures[:10]}


def idle_conn(s, stop_file, out):
    s.sendall(b"hello")
    first = s.recv(16)
    while not os.path.exists(stop_file):
        time.sleep(0.2)
    s.sendall(b"still alive")
    last = b""
    while len(last) < 11:
        b = s.recv(16)
        if not b:
            break
        last += b
    s.close()
    out["idle"] = {"first": first.decode(errors="replace"), "last": last.decode(errors="replace")}


def main():
    guest, host, echo_port, idle_port, www, stop_file, min_bytes = sys.argv[1:]
    min_bytes = int(min_bytes)
    out, errors = {}, []
    conns = {"echo": connect(guest, 7, (host, int(echo_port))), "chargen": connect(guest, 19),
             "idle": connect(guest, 7, (host, int(idle_port)))}

    def guarded(name, fn, *args):
        try:
            fn(*args)
        except Exception as e:   # reported, so that the test says which stream broke and how
            errors.append(f"{name}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=guarded, args=a) for a in (
        ("echo", echo_stream, conns["echo"], stop_file, min_bytes, out),
        ("chargen", chargen_stream, conns["chargen"], stop_file, min_bytes, out),
        ("idle", idle_conn, conns["idle"], stop_file, out),
        ("http", http_loop, guest, www, stop_file, out))]
    for t in threads:
        t.start()
    print("ready", flush=True)
    for t in threads:
        t.join()
    out["errors"] = errors
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
