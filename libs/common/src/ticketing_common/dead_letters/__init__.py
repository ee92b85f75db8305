"""Dead-letter tooling for operations: list, show, replay and purge a service's dead
letters, on the broker itself (``queue``), through ``/v1/dead-letters`` (``api``) and
``<service> dead-letters`` (``cli``)."""

from ticketing_common.dead_letters.letter import DeadLetter, RawMessage, read_dead_letter
from ticketing_common.dead_letters.queue import (
    BrokerUnavailable,
    DeadLetterQueue,
    DeadLettersBusy,
    Outcome,
    Selection,
    open_dead_letter_queue,
)

__all__ = [
    "BrokerUnavailable",
    "DeadLetter",
    "DeadLetterQueue",
    "DeadLettersBusy",
    "Outcome",
    "RawMessage",
    "Selection",
    "open_dead_letter_queue",
    "read_dead_letter",
]
