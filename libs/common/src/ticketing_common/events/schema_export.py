"""Export the JSON Schema of every event type, envelope included.

The exported files are checked in (``libs/common/schemas``); a test compares them with
what the models produce now and fails on a breaking change, so a contract cannot drift
by accident. Run ``ticketing-export-schemas`` after a compatible change.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ticketing_common.events.envelope import CloudEvent, EventData
from ticketing_common.events.registry import EVENT_TYPES

DEFAULT_SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schemas"


def event_schema(model: type[EventData]) -> dict[str, Any]:
    envelope: Any = CloudEvent[model]  # type: ignore[valid-type]
    schema: dict[str, Any] = envelope.model_json_schema(mode="validation")
    schema["title"] = model.event_type
    schema["$id"] = f"urn:ticketing:event:{model.event_type}"
    return schema


def all_event_schemas() -> dict[str, dict[str, Any]]:
    return {event_type: event_schema(model) for event_type, model in EVENT_TYPES.items()}


def schema_file(directory: Path, event_type: str) -> Path:
    return directory / f"{event_type}.json"


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=DEFAULT_SCHEMA_DIR)
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    for event_type, schema in all_event_schemas().items():
        path = schema_file(args.dir, event_type)
        path.write_text(render(schema), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
