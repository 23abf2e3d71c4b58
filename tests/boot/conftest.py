import pytest

from qemu import Qemu


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
