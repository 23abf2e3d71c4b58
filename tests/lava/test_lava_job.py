"""The LAVA job templates pass LAVA's own job schema (lava_common.schemas
from Debian's lava-common, what lava-server checks at submission), and
their monitor patterns match what this kernel prints when it boots (QEMU's
Malta, DHCP from QEMU's user-mode network)."""
import glob
import os
import re
import sys

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "boot"))
from qemu import PROMPT, Qemu  # noqa: E402

JOBS = sorted(glob.glob(os.path.join(HERE, "*.yaml")))
lava_schemas = pytest.importorskip("lava_common.schemas")


@pytest.fixture(scope="module")
def boot_log():
    q = Qemu(append="ip=dhcp apps=shell",
             net=("-netdev", "user,id=n0,restrict=on", "-device", "pcnet,netdev=n0,romfile="))
    try:
        q.expect(re.escape(PROMPT), 30)
        return q.output
    finally:
        q.close()


@pytest.mark.parametrize("path", JOBS, ids=os.path.basename)
def test_job_passes_lavas_schema(path):
    with open(path) as f:
        job = yaml.safe_load(f)
    lava_schemas.validate(job, strict=True)


@pytest.mark.parametrize("path", JOBS, ids=os.path.basename)
def test_monitors_match_the_boot_log(path, boot_log):
    with open(path) as f:
        job = yaml.safe_load(f)
    monitors = [m for a in job["actions"] if "test" in a for m in a["test"].get("monitors", [])]
    assert monitors
    for m in monitors:
        start = re.search(m["start"], boot_log)
        end = re.search(m["end"], boot_log)
        assert start and end and start.start() < end.start()
        found = {x.group("result") for x in re.finditer(m["pattern"], boot_log[start.start():end.end()])}
        assert found == set(m["fixupdict"]), found
