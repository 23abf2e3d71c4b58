"""labgrid pieces for mipsnet's console shell (labgrid's own ShellDriver
wants a POSIX shell with a login; this one is the kernel's built-in
shell, "mipsnet> "): a driver that runs a command and returns what it
printed, and a strategy that brings a target from off to that prompt,
whatever powers it (QEMUDriver in CI, a power switch and a boot loader
on a board). Imported by conftest.py, which registers them."""
import enum
import re

import attr
from labgrid.driver.common import Driver
from labgrid.factory import target_factory
from labgrid.step import step
from labgrid.strategy.common import Strategy, StrategyError

PROMPT = "mipsnet> "


@target_factory.reg_driver
@attr.s(eq=False)
class MipsnetShellDriver(Driver):
    """Commands at the kernel's console shell."""
    bindings = {"console": "ConsoleProtocol"}
    prompt = attr.ib(default=PROMPT, validator=attr.validators.instance_of(str))
    boot_timeout = attr.ib(default=60, validator=attr.validators.instance_of(int))

    def on_activate(self):
        """Wait for the first prompt: the boot log comes before it."""
        idx, before, _, _ = self.console.expect([re.escape(self.prompt)], timeout=self.boot_timeout)
        self.boot_log = before.decode("utf-8", "replace")

    @Driver.check_active
    @step(args=["cmd"], result=True)
    def run(self, cmd, timeout=30):
        """Type cmd; the lines it printed before the next prompt."""
        self.console.write(cmd.encode() + b"\r")
        self.console.expect([re.escape(cmd)], timeout=timeout)
        _, before, _, _ = self.console.expect([re.escape(self.prompt)], timeout=timeout)
        return before.decode("utf-8", "replace").replace("\r", "").strip("\n")


@target_factory.reg_driver
@attr.s(eq=False)
class MipsnetBootLoaderDriver(Driver):
    """A board's boot loader at its prompt (YAMON's "YAMON> ", U-Boot's
    "=> "): types each command, waiting for the prompt between them; the
    last one starts the kernel."""
    bindings = {"console": "ConsoleProtocol"}
    prompt = attr.ib(default="YAMON> ", validator=attr.validators.instance_of(str))
    commands = attr.ib(factory=list)
    timeout = attr.ib(default=120, validator=attr.validators.instance_of(int))

    @Driver.check_active
    @step()
    def boot(self):
        self.console.expect([re.escape(self.prompt)], timeout=self.timeout)
        for i, cmd in enumerate(self.commands):
            self.console.write(cmd.encode() + b"\r")
            if i + 1 < len(self.commands):
                self.console.expect([re.escape(self.prompt)], timeout=self.timeout)


class Status(enum.Enum):
    unknown = 0
    off = 1
    shell = 2


@target_factory.reg_driver
@attr.s(eq=False)
class MipsnetStrategy(Strategy):
    """off -> shell: power off, console on, power on (QEMU starts with the
    kernel; a board's boot loader is told by the environment's boot
    commands, see README), then the prompt."""
    bindings = {
        "power": "PowerProtocol",
        "console": "ConsoleProtocol",
        "loader": {"MipsnetBootLoaderDriver", None},   # none under QEMU: it loads the kernel itself
        "shell": "MipsnetShellDriver",
    }
    status = attr.ib(default=Status.unknown)

    @step(args=["status"])
    def transition(self, status, *, step):
        if not isinstance(status, Status):
            status = Status[status]
        if status == Status.unknown:
            raise StrategyError(f"can not transition to {status}")
        if status == self.status:
            step.skip("nothing to do")
            return
        if status == Status.off:
            self.target.deactivate(self.shell)
            self.target.activate(self.power)
            self.power.off()
        elif status == Status.shell:
            self.transition(Status.off)
            self.target.activate(self.console)
            self.power.on()
            if self.loader:
                self.target.activate(self.loader)
                self.loader.boot()
            self.target.activate(self.shell)
        self.status = status
