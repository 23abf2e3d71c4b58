"""tshark capturing on a device in a test's network namespace, returned only
once its capture child says it runs ("Capture started." on tshark's
stderr; "Capturing on 'IFACE'" comes before the capture does): a fixed
sleep was too short on a loaded machine, and the first frames of a test
went uncaptured. (Its stderr is read here to the end.)"""
import subprocess
import threading


def start(netns, iface, path, bpf, extra=(), timeout=30):
    """tshark -i IFACE -f BPF -w PATH (and extra options) in netns."""
    cap = subprocess.Popen(["ip", "netns", "exec", netns, "tshark", "-q", "-i", iface, "-w", str(path), "-f", bpf,
                            *extra],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    up = threading.Event()
    said = []

    def read():
        for line in cap.stderr:
            said.append(line)
            if "Capture started" in line:
                up.set()

    threading.Thread(target=read, daemon=True).start()
    if not up.wait(timeout):
        cap.kill()
        cap.wait(10)
        raise AssertionError(f"tshark did not start capturing on {iface} within {timeout} s: {''.join(said)}")
    return cap
