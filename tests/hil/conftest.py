# The labgrid suite: pytest --lg-env ENV.yaml tests/hil (labgrid's pytest
# plugin, Debian's python3-labgrid). mipsnet_labgrid registers the
# console shell's driver and strategy before the environment is read.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mipsnet_labgrid  # noqa: E402,F401
import pytest  # noqa: E402


@pytest.fixture(scope="module")
def shell(strategy, target):
    """The target at its shell prompt, booted afresh for each test file."""
    strategy.transition("off")
    strategy.transition("shell")
    return target.get_driver("MipsnetShellDriver")
