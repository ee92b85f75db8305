"""Where a stream resumes for a client that reconnects with ``Last-Event-ID``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ResumeKind(StrEnum):
    LIVE = "live"  # a new client: from now on
    REPLAY = "replay"  # what it missed, then live
    RESET = "reset"  # what it missed is gone, or the id is not ours: reload, then live


@dataclass(frozen=True)
class ResumePlan:
    kind: ResumeKind
    # REPLAY: the ids after ``after`` up to ``until`` (where live delivery takes over).
    after: int = 0
    until: int = 0


def resume_plan(last_event_id: int | None, *, purged_through: int, head: int) -> ResumePlan:
    """``head``: the last id the feed delivered when the client joined;
    ``purged_through``: the last id retention removed."""
    if last_event_id is None:
        return ResumePlan(ResumeKind.LIVE)
    if last_event_id > head or last_event_id < purged_through:
        return ResumePlan(ResumeKind.RESET)
    return ResumePlan(ResumeKind.REPLAY, after=last_event_id, until=head)
