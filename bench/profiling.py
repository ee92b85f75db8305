"""Where the services spend their CPU: py-spy samples each service while a step runs.

``py-spy record --nonblocking`` reads the stacks without stopping the process, so the
service runs at its own pace; only threads on the CPU are sampled (idle waits are
not time spent). The raw stacks are kept beside the run's report, and summarized as
the share of samples spent in each package (self time: the frame on top of the
stack) and in the busiest functions.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

_FRAME = re.compile(r"^(?P<function>.*) \((?P<path>[^()]*?)(?::(?P<line>\d+))?\)$")


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


OUR_PACKAGES = frozenset(
    {"ticketing_common", "intake", "ticket_store", "notification", "search", "bench"}
)
NO_PYTHON_FRAME = "(no Python frame: C code, the event loop, the kernel)"


def package_of(path: str) -> str:
    """The top-level package or standard-library module of a frame's file, as py-spy
    shortens it ("sqlalchemy/orm/session.py" → "sqlalchemy", "threading.py" →
    "threading", "<frozen abc>" → "abc")."""
    if not path:
        return NO_PYTHON_FRAME
    if path.startswith("<frozen "):
        return path.removeprefix("<frozen ").rstrip(">")
    if path.startswith("<"):
        return "generated code"
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    return path.lstrip("/").split("/", 1)[0].removesuffix(".py")


def parse_collapsed(lines: Iterable[str]) -> Counter[tuple[str, ...]]:
    """Stacks (outermost first) and their sample counts, from py-spy's raw format; a
    sample without any Python frame is the empty stack."""
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in lines:
        line = line.rstrip("\n")
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = tuple(frame for frame in stack.split(";") if frame.strip())
        stacks[frames] += int(count)
    return stacks


def _frame_parts(frame: str) -> tuple[str, str, str]:
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip(), "", ""
    return match.group("function"), match.group("path"), match.group("line") or ""


def _label(frame: str) -> str:
    function, path, line = _frame_parts(frame)
    return f"{function} ({path}:{line})" if path else function


@dataclass(frozen=True)
class ProfileSummary:
    service: str
    samples: int
    # (package, share of samples) where the CPU was (the frame on top), largest first.
    packages: tuple[tuple[str, float], ...]
    # (package, share of samples whose stack passes through it): what it costs with
    # everything it calls.
    inclusive: tuple[tuple[str, float], ...]
    # (our function nearest the top of the stack, share): which of our code asked for
    # the work, whatever library did it.
    ours: tuple[tuple[str, float], ...]
    # (function at file:line, share) by self time.
    functions: tuple[tuple[str, float], ...]
    raw_path: Path | None = None


def summarize(service: str, stacks: Counter[tuple[str, ...]], top: int = 12) -> ProfileSummary:
    total = sum(stacks.values())
    packages: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    functions: Counter[str] = Counter()
    for stack, count in stacks.items():
        if not stack:
            packages[NO_PYTHON_FRAME] += count
            inclusive[NO_PYTHON_FRAME] += count
            functions[NO_PYTHON_FRAME] += count
            continue
        packages[package_of(_frame_parts(stack[-1])[1])] += count
        functions[_label(stack[-1])] += count
        for name in {package_of(_frame_parts(frame)[1]) for frame in stack}:
            inclusive[name] += count
        mine = next(
            (
                frame
                for frame in reversed(stack)
                if package_of(_frame_parts(frame)[1]) in OUR_PACKAGES
            ),
            None,
        )
        ours[_label(mine) if mine else "(outside our code)"] += count

    def shares(counter: Counter[str]) -> tuple[tuple[str, float], ...]:
        return tuple((name, n / total) for name, n in counter.most_common(top)) if total else ()

    return ProfileSummary(
        service=service,
        samples=total,
        packages=shares(packages),
        inclusive=shares(inclusive),
        ours=shares(ours),
        functions=shares(functions),
    )


async def record(
    processes: Mapping[str, int | None], seconds: float, directory: Path, *, rate: int = 100
) -> list[ProfileSummary]:
    """Sample each process for ``seconds``; empty when py-spy is not installed."""
    binary = py_spy()
    if binary is None:
        return []
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    running: list[tuple[str, Path, asyncio.subprocess.Process]] = []
    for name, pid in processes.items():
        if pid is None:
            continue
        output = directory / f"{name}.txt"
        process = await asyncio.create_subprocess_exec(
            binary,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(max(1, round(seconds))),
            "--rate",
            str(rate),
            "--nonblocking",
            "--format",
            "raw",
            "--output",
            str(output),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        running.append((name, output, process))
    summaries: list[ProfileSummary] = []
    for name, output, process in running:
        await process.wait()
        if not output.exists():
            continue
        with output.open() as lines:
            summary = summarize(name, parse_collapsed(lines))
        summaries.append(dataclasses.replace(summary, raw_path=output))
    return summaries
