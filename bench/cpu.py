"""CPU time spent by each part of the system, read from ``/proc``.

Over a step, the CPU seconds each process used divided by the declarations made: how
the machine's two cores are shared between the services, the servers and the bench
itself. PostgreSQL and RabbitMQ are counted whole (every backend, every Erlang
scheduler), so work other users of those servers do at the same time is counted too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")
_PROC = Path("/proc")
# Process names (``comm``) of the shared servers.
SERVER_PROCESSES = {"postgres": ("postgres",), "rabbitmq": ("beam.smp", "erl_child_setup")}


def process_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of one process, 0 when it is gone."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    # The command name may hold spaces and parentheses: fields start after the last ")".
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _processes_named(names: tuple[str, ...]) -> list[int]:
    found: list[int] = []
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if comm in names:
            found.append(int(entry.name))
    return found


@dataclass(frozen=True)
class CpuSnapshot:
    seconds: Mapping[str, float]

    def since(self, earlier: CpuSnapshot) -> dict[str, float]:
        return {
            name: max(0.0, value - earlier.seconds.get(name, 0.0))
            for name, value in self.seconds.items()
        }


def snapshot(processes: Mapping[str, int | None]) -> CpuSnapshot:
    """CPU seconds so far of the named processes and of the shared servers."""
    seconds = {name: process_cpu_seconds(pid) for name, pid in processes.items() if pid is not None}
    for server, names in SERVER_PROCESSES.items():
        seconds[server] = sum(process_cpu_seconds(pid) for pid in _processes_named(names))
    return CpuSnapshot(seconds)


def load_average() -> float:
    return os.getloadavg()[0]
