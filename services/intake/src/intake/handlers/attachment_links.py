"""Attaching uploaded files to the declaration that names them: the answer when a file
was lost between the rules' reading and the write.

The link is made by the declaration's write (``adapters.declaration_writing``), which
checks the files again under row locks: a file another declaration took meanwhile, or
the cleanup removed, makes the whole declaration fail instead of being attached twice
or to nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ticketing_common.web.problems import FieldError, Problem, invalid_fields


def lost_attachments(requested: Sequence[str], free: Collection[str]) -> Problem | None:
    """The 422 naming each requested file that was not free any more; None if none was."""
    lost = [
        attachment_id for attachment_id in dict.fromkeys(requested) if attachment_id not in free
    ]
    if not lost:
        return None
    return invalid_fields(
        [
            FieldError(
                f"attachment_ids[{requested.index(attachment_id)}]",
                "this file was attached elsewhere or removed meanwhile; upload it again",
                code="already_attached",
            )
            for attachment_id in lost
        ]
    )
