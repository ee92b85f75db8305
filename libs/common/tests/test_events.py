from __future__ import annotations

import json
from pathlib import Path

import pytest

from ticketing_common.events import EVENT_TYPES, IncidentDeclaredV1, TicketUpdatedV1
from ticketing_common.events.compatibility import breaking_changes
from ticketing_common.events.schema_export import all_event_schemas, render, schema_file
from ticketing_common.messaging.consumer import (
    AnyEventData,
    EventRouter,
    RejectEvent,
    decode_event,
)

from .factories import declared_event

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"


async def _noop(*_args: object) -> None:
    return None


def test_envelope_round_trips_through_json() -> None:
    event = declared_event()
    router = EventRouter()
    router.on(IncidentDeclaredV1, _noop)
    decoded = decode_event(event.to_json_bytes(), router)
    assert decoded == event
    body = json.loads(event.to_json_bytes())
    assert body["specversion"] == "1.0"
    assert body["type"] == "incident.declared.v1"
    assert body["correlationid"] == event.data.declaration_id
    assert body["datacontenttype"] == "application/json"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "undecodable envelope"),
        (b'{"specversion": "1.0"}', "undecodable envelope"),
        (
            json.dumps(
                {
                    "specversion": "1.0",
                    "id": "x",
                    "source": "/t",
                    "type": "incident.declared.v9",
                    "time": "2026-01-01T00:00:00Z",
                    "correlationid": "c",
                    "data": {},
                }
            ).encode(),
            "unknown event type",
        ),
        (
            json.dumps(
                {
                    "specversion": "1.0",
                    "id": "x",
                    "source": "/t",
                    "type": "incident.declared.v1",
                    "time": "2026-01-01T00:00:00Z",
                    "correlationid": "c",
                    "data": {"declaration_id": "d"},
                }
            ).encode(),
            "invalid data",
        ),
    ],
)
def test_undecodable_messages_are_rejected_with_a_reason(body: bytes, reason: str) -> None:
    router = EventRouter()
    router.on(IncidentDeclaredV1, _noop)
    with pytest.raises(RejectEvent, match=reason):
        decode_event(body, router)


def test_consumers_ignore_fields_they_do_not_know() -> None:
    body = json.loads(declared_event().to_json_bytes())
    body["data"]["a_field_from_the_future"] = 1
    body["another_extension"] = "x"
    router = EventRouter()
    router.on(IncidentDeclaredV1, _noop)
    decoded = decode_event(json.dumps(body).encode(), router)
    assert decoded.data.declaration_id == body["data"]["declaration_id"]


def test_a_router_taking_any_type_reads_unknown_types_whole() -> None:
    body = json.loads(declared_event().to_json_bytes())
    body["type"] = "site.moved.v1"
    body["data"] = {"site_id": "S-1", "nested": {"latitude": 45.0}}
    router = EventRouter()
    router.on(IncidentDeclaredV1, _noop)
    router.on_any(_noop)
    decoded = decode_event(json.dumps(body).encode(), router)
    assert isinstance(decoded.data, AnyEventData)
    assert decoded.type == "site.moved.v1"
    assert decoded.data.model_dump() == body["data"]
    # A type with a model of its own is still read with it.
    known = decode_event(declared_event().to_json_bytes(), router)
    assert isinstance(known.data, IncidentDeclaredV1)
    with pytest.raises(ValueError, match="already registered"):
        router.on_any(_noop)


def test_every_event_type_has_a_checked_in_schema() -> None:
    assert set(EVENT_TYPES) == {TicketUpdatedV1.event_type, IncidentDeclaredV1.event_type}
    for event_type in EVENT_TYPES:
        assert schema_file(SCHEMA_DIR, event_type).exists(), (
            f"no schema for {event_type}: run ticketing-export-schemas"
        )


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_event_schemas_have_no_breaking_change(event_type: str) -> None:
    committed = json.loads(schema_file(SCHEMA_DIR, event_type).read_text())
    current = all_event_schemas()[event_type]
    problems = breaking_changes(committed, current)
    assert not problems, (
        f"{event_type} changed incompatibly; publish a new version instead: {problems}"
    )
    assert render(current) == schema_file(SCHEMA_DIR, event_type).read_text(), (
        f"{event_type} changed compatibly: run ticketing-export-schemas and commit the schema"
    )


def _object(properties: dict[str, object], required: list[str]) -> dict[str, object]:
    return {"type": "object", "properties": properties, "required": required}


def test_compatibility_allows_an_optional_field_and_a_new_enum_value() -> None:
    old = _object({"a": {"type": "string"}, "e": {"enum": ["x"]}}, ["a"])
    new = _object(
        {"a": {"type": "string"}, "e": {"enum": ["x", "y"]}, "b": {"type": "integer"}}, ["a"]
    )
    assert breaking_changes(old, new) == []


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (_object({}, []), "property removed"),
        (_object({"a": {"type": "integer"}}, ["a"]), "type changed"),
        (_object({"a": {"type": "string"}}, []), "no longer required"),
        (_object({"a": {"type": "string"}, "b": {"type": "string"}}, ["a", "b"]), "newly required"),
        (
            _object({"a": {"anyOf": [{"type": "string"}, {"type": "null"}]}}, ["a"]),
            "type changed",
        ),
    ],
)
def test_compatibility_finds_breaking_changes(new: dict[str, object], expected: str) -> None:
    old = _object({"a": {"type": "string"}}, ["a"])
    problems = breaking_changes(old, new)
    assert any(expected in problem for problem in problems), problems


def test_compatibility_follows_references_and_finds_removed_enum_values() -> None:
    old = {
        "$defs": {"S": {"enum": ["new", "closed"]}},
        **_object({"s": {"$ref": "#/$defs/S"}}, ["s"]),
    }
    new = {
        "$defs": {"S": {"enum": ["new"]}},
        **_object({"s": {"$ref": "#/$defs/S"}}, ["s"]),
    }
    assert breaking_changes(old, new) == ["$.s: enum values removed: ['closed']"]
