"""The CloudEvents 1.0 envelope every message on the broker wears (structured mode)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

CONTENT_TYPE = "application/cloudevents+json"


class EventData(BaseModel):
    """Base of every event's ``data``. Subclasses name their type and routing key.

    Consumers ignore fields they do not know, so a producer may add optional fields
    without a new version.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    event_type: ClassVar[str]
    routing_key: ClassVar[str]


DataT = TypeVar("DataT", bound=EventData)


class CloudEvent(BaseModel, Generic[DataT]):
    """A CloudEvents 1.0 envelope with the ``correlationid`` extension."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=200)
    time: datetime
    subject: str | None = Field(default=None, max_length=200)
    datacontenttype: Literal["application/json"] = "application/json"
    correlationid: str = Field(min_length=1, max_length=200)
    data: DataT

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json().encode()


class RawCloudEvent(BaseModel):
    """An envelope whose ``data`` is not yet checked against its type's model."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    specversion: Literal["1.0"]
    id: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=200)
    type: str = Field(min_length=1, max_length=200)
    time: datetime
    subject: str | None = Field(default=None, max_length=200)
    datacontenttype: Literal["application/json"] = "application/json"
    correlationid: str = Field(min_length=1, max_length=200)
    data: dict[str, Any]


def new_event(
    data: DataT,
    *,
    source: str,
    correlation_id: str,
    subject: str | None = None,
    event_id: str | None = None,
    time: datetime | None = None,
) -> CloudEvent[DataT]:
    envelope: Any = CloudEvent[type(data)]  # type: ignore[misc]
    event: CloudEvent[DataT] = envelope(
        id=event_id or str(uuid.uuid4()),
        source=source,
        type=data.event_type,
        time=time or datetime.now(UTC),
        subject=subject,
        correlationid=correlation_id,
        data=data,
    )
    return event
