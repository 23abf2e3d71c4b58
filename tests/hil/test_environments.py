"""Every labgrid environment here binds: the drivers resolve against the
resources, and the strategy finds its power, console, boot loader (a
board) and shell, so a lab's edit that breaks env-board.yaml shows in CI,
not at the bench."""
import os

import pytest
from labgrid import Environment

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.mark.parametrize("name,has_loader", [("env-qemu.yaml", False), ("env-qemu-be.yaml", False),
                                             ("env-board.yaml", True)])
def test_environment_binds(name, has_loader):
    target = Environment(os.path.join(HERE, name)).get_target("main")
    strategy = target.get_driver("MipsnetStrategy", activate=False)
    assert strategy.shell is not None and strategy.power is not None and strategy.console is not None
    assert (strategy.loader is not None) == has_loader
