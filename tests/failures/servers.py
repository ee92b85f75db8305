"""A PostgreSQL and a RabbitMQ of the failure suite's own, to stop and start at will.

Both run from this machine's binaries with their data in a temporary folder, on ports
of their own: the shared servers (5432, 5672) are never touched. PostgreSQL refuses to
run as root, so when the suite runs as root its instance runs as the ``postgres`` user.
Only the processes started here are ever stopped, by their own data folder, pid or
node name.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

RABBITMQ_SBIN = Path("/usr/lib/rabbitmq/bin")


def postgres_binaries() -> Path:
    """The newest PostgreSQL installed here (Debian's layout)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name)
    )
    if not found or not (RABBITMQ_SBIN / "rabbitmq-server").exists():
        raise RuntimeError(
            "the failure suite runs its own PostgreSQL and RabbitMQ from this machine's "
            "binaries: install postgresql (/usr/lib/postgresql/<version>/bin) and "
            "rabbitmq-server (/usr/lib/rabbitmq/bin)"
        )
    return found[-1]


# rabbitmqctl's own Erlang distribution listens on 35672-35682 (RABBITMQ_CTL_DIST_PORT_*),
# and the shared node on 5672 / 25672: ports chosen here stay clear of them, and of the
# kernel's ephemeral range where outgoing connections take theirs.
_PORT_RANGE = (20_000, 32_000)
_AVOID = frozenset({25_672, 25_673, 8000, 8001, 8002, 8003, 8004})


def quiet_port() -> int:
    """A free TCP port outside the ephemeral range, so it is still free when a
    process restarted later binds it again."""
    for _ in range(200):
        port = random.randint(*_PORT_RANGE)
        if port in _AVOID:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port found")


def port_answers(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_port(port: int, *, answering: bool, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while port_answers(port) != answering:
        if time.monotonic() > deadline:
            state = "answer" if answering else "stop"
            raise RuntimeError(f"{what} did not {state} on port {port} within {seconds} s")
        time.sleep(0.1)


def make_scratch_directory() -> Path:
    """A temporary folder the ``postgres`` user can traverse (pytest's are private)."""
    root = Path(f"/tmp/ticketing-failures-{uuid.uuid4().hex[:10]}")
    root.mkdir(mode=0o755)
    root.chmod(0o755)
    return root


@dataclass
class PrivatePostgres:
    root: Path
    port: int = field(default_factory=quiet_port)

    @property
    def data(self) -> Path:
        return self.root / "postgres" / "data"

    @property
    def log(self) -> Path:
        return self.root / "postgres" / "server.log"

    @property
    def server_url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{name}"

    def initialize(self) -> None:
        home = self.root / "postgres"
        home.mkdir()
        if os.geteuid() == 0:
            shutil.chown(home, "postgres", "postgres")
        self._as_postgres(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.root / 'postgres'} -c max_connections=300"
        )
        self._as_postgres(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
            "-o", options, "start",
        )  # fmt: skip
        wait_port(self.port, answering=True, seconds=30, what="PostgreSQL")

    def stop(self, mode: str = "fast") -> None:
        """``fast`` ends every session and stops cleanly; ``immediate`` is a crash."""
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        wait_port(self.port, answering=False, seconds=30, what="PostgreSQL")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists() and port_answers(self.port)

    def _as_postgres(self, binary: str, *args: str) -> None:
        # PostgreSQL refuses to run as root: then as its own user.
        command = [str(postgres_binaries() / binary), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            timeout=120,
            cwd=self.root,
        )


@dataclass
class PrivateRabbitMQ:
    root: Path
    port: int = field(default_factory=quiet_port)
    dist_port: int = field(default_factory=quiet_port)
    node: str = field(default_factory=lambda: f"failures-{uuid.uuid4().hex[:8]}@localhost")
    process: subprocess.Popen[bytes] | None = None

    @property
    def home(self) -> Path:
        return self.root / "rabbitmq"

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    def initialize(self) -> None:
        for folder in ("home", "mnesia", "log"):
            (self.home / folder).mkdir(parents=True)
        (self.home / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            # guest may connect from 127.0.0.1 only by default; this node listens there.
            "loopback_users = none\n"
        )
        (self.home / "enabled_plugins").write_text("[].\n")
        # Read instead of /etc/rabbitmq/rabbitmq-env.conf, which names the shared node.
        (self.home / "rabbitmq-env.conf").write_text("")

    def environment(self) -> dict[str, str]:
        keep = {"PATH", "LANG", "LC_ALL", "TERM"}
        env = {key: value for key, value in os.environ.items() if key in keep}
        env.update(
            # The Erlang cookie is created in, and read from, this home.
            HOME=str(self.home / "home"),
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_CONF_ENV_FILE=str(self.home / "rabbitmq-env.conf"),
            RABBITMQ_CONFIG_FILE=str(self.home / "rabbitmq.conf"),
            RABBITMQ_ADVANCED_CONFIG_FILE=str(self.home / "advanced.config"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.home / "enabled_plugins"),
            RABBITMQ_MNESIA_BASE=str(self.home / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.home / "log"),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
        )
        return env

    def start(self, seconds: float = 90) -> None:
        log = (self.home / "server.out").open("ab")
        # A session of its own: a kill of the test run does not leave the node behind
        # in ours, and stop() knows exactly which processes are its.
        self.process = subprocess.Popen(
            [str(RABBITMQ_SBIN / "rabbitmq-server")],
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.home,
            start_new_session=True,
        )
        deadline = time.monotonic() + seconds
        while not port_answers(self.port):
            if self.process.poll() is not None:
                raise RuntimeError(f"RabbitMQ exited: see {self.home / 'server.out'}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"RabbitMQ did not start: see {self.home / 'log'}")
            time.sleep(0.2)
        self.ctl("await_startup", "--timeout", "60")

    def stop(self) -> None:
        """A clean stop of the node (``rabbitmqctl stop``), as an operator would."""
        if self.process is None or self.process.poll() is not None:
            return
        self.ctl("stop", check=False)
        try:
            self.process.wait(60)
        except subprocess.TimeoutExpired:
            self.kill()
        wait_port(self.port, answering=False, seconds=30, what="RabbitMQ")

    def kill(self) -> None:
        """SIGKILL to the node's own process group, as a crash would."""
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)
        wait_port(self.port, answering=False, seconds=30, what="RabbitMQ")

    def ctl(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [str(RABBITMQ_SBIN / "rabbitmqctl"), "-q", "-n", self.node, *args],
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)}: {done.stdout}{done.stderr}")
        return done.stdout
