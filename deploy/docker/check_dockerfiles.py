"""Check that the four service Dockerfiles stay one recipe.

Each service keeps its own Dockerfile (``docker build -f services/<name>/Dockerfile .``
works with no build argument, and CMD names its console script in exec form), so the
four files repeat one another on purpose. This check fails when they drift: with the
service's directory, console script and port put back to placeholders, every file must
read the same. It also checks that the console script a Dockerfile starts is declared
in that service's pyproject.toml.

    python deploy/docker/check_dockerfiles.py      (exit 0 when consistent)
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# directory under services/, console script, port (CONTRACT.md)
SERVICES = (
    ("intake", "intake", 8001),
    ("ticket-store", "ticket-store", 8002),
    ("notification", "notification", 8003),
    ("search", "search", 8004),
    ("portal", "portal", 8000),
)


def normalized(text: str, directory: str, script: str, port: int) -> tuple[str, list[str]]:
    """The Dockerfile with this service's values replaced, and the values it lacks."""
    expected = {
        f"# The {directory} service.": "# The <service> service.",
        f"services/{directory}/Dockerfile -t ticketing-{directory} .": (
            "services/<service>/Dockerfile -t ticketing-<service> ."
        ),
        f"ARG SERVICE_DIR=services/{directory}\n": "ARG SERVICE_DIR=services/<service>\n",
        f"ARG PORT={port}\n": "ARG PORT=<port>\n",
        f'CMD ["{script}", "serve"]\n': 'CMD ["<script>", "serve"]\n',
    }
    missing = [value.strip() for value in expected if value not in text]
    for value, placeholder in expected.items():
        text = text.replace(value, placeholder)
    return text, missing


def declared_scripts(directory: str) -> set[str] | None:
    pyproject = ROOT / "services" / directory / "pyproject.toml"
    if not pyproject.exists():
        return None
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    return set(data.get("project", {}).get("scripts", {}))


def main() -> int:
    problems: list[str] = []
    reference: tuple[str, str] | None = None
    for directory, script, port in SERVICES:
        path = ROOT / "services" / directory / "Dockerfile"
        if not path.exists():
            problems.append(f"{path.relative_to(ROOT)}: missing")
            continue
        text, missing = normalized(path.read_text(encoding="utf-8"), directory, script, port)
        problems.extend(f"{path.relative_to(ROOT)}: lacks {value!r}" for value in missing)
        if reference is None:
            reference = (str(path.relative_to(ROOT)), text)
        elif text != reference[1]:
            problems.append(f"{path.relative_to(ROOT)}: differs from {reference[0]}")
        scripts = declared_scripts(directory)
        if scripts is not None and script not in scripts:
            problems.append(f"services/{directory}/pyproject.toml: no console script {script!r}")
    for problem in problems:
        print(problem, file=sys.stderr)
    if not problems:
        print(f"{len(SERVICES)} Dockerfiles consistent")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
