"""Ticket numbers: ``INC`` and seven digits, from a database sequence."""

from __future__ import annotations

import re
from typing import Final

PATTERN: Final = re.compile(r"^INC\d{7}$")


def format_ticket_number(sequence_value: int) -> str:
    if not 0 < sequence_value < 10_000_000:
        raise ValueError(f"ticket sequence value out of range: {sequence_value}")
    return f"INC{sequence_value:07d}"


def is_ticket_number(text: str) -> bool:
    return bool(PATTERN.match(text))
