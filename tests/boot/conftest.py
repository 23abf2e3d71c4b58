import os
import random
import time

import pytest

from qemu import Qemu
from tapns import tap_netns

# Random choices in the tests come from one seed per run, printed in the
# header; MIPSNET_SEED=N replays a run. Each test reseeds from it and its
# own name, so one test replays alone too.
SEED = int(os.environ.get("MIPSNET_SEED", time.time_ns() % 1000000007))
# Run as root, every test can run (tools/deps.sh installs what they need):
# a skip then means a test did not run, and it fails the run, unless
# MIPSNET_ALLOW_SKIP=1 says a developer knows.
STRICT = os.geteuid() == 0 and os.environ.get("MIPSNET_ALLOW_SKIP") != "1"
SKIPPED_ALL = 77          # exit status ctest's SKIP_RETURN_CODE knows
_outcomes = {"passed": 0, "failed": 0, "skipped": 0}


def pytest_report_header(config):
    return f"mipsnet: MIPSNET_SEED={SEED}" + (", skips fail (root)" if STRICT else "")


@pytest.fixture(autouse=True)
def _seeded(request):
    random.seed(f"{SEED}-{request.node.nodeid}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if STRICT and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped while running as root (set MIPSNET_ALLOW_SKIP=1 to allow): {reason}"


def pytest_runtest_logreport(report):
    if report.when == "call" or report.outcome != "passed":
        _outcomes[report.outcome] = _outcomes.get(report.outcome, 0) + 1


def pytest_sessionfinish(session, exitstatus):
    if exitstatus == 0 and _outcomes["skipped"] and not _outcomes["passed"] and not _outcomes["failed"]:
        session.exitstatus = SKIPPED_ALL


@pytest.fixture
def boot():
    """boot(append="...") starts QEMU; every run is killed at the end of the test."""
    runs = []

    def start(append="", **kw):
        q = Qemu(append, **kw)
        runs.append(q)
        return q

    yield start
    for q in runs:
        q.close()


@pytest.fixture
def shell(boot):
    q = boot("")
    q.expect("mipsnet> ", timeout=30)
    return q


@pytest.fixture
def netns():
    """A network namespace with a tap device "tap0" (tapns.py), removed at
    the end whatever happens. QEMU and the host tools run inside."""
    with tap_netns(None) as name:
        yield name
