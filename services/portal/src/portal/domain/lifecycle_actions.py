"""Which acts a page offers on a ticket, by its status and who looks at it.

The ticket store decides (and refuses with 409 what its state machine does not allow);
these rules only spare people buttons that could never work. They follow the
contract's lifecycle: agents ``acknowledge``, ``start``, ``request_info`` and
``resolve``; customers ``confirm`` or ``reopen`` a resolution or ``cancel`` an open
ticket; a supervisor may also cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

OPEN: Final = frozenset({"new", "acknowledged", "in_progress", "pending_customer"})
FINAL: Final = frozenset({"closed", "cancelled"})


@dataclass(frozen=True)
class ActionSpec:
    action: str
    # The text the act needs: "comment" (public, told to the customer), "reason", or None.
    needs: str | None = None


_OPERATIONS: Final[tuple[tuple[ActionSpec, frozenset[str]], ...]] = (
    (ActionSpec("acknowledge"), frozenset({"new"})),
    (ActionSpec("start"), frozenset({"new", "acknowledged", "pending_customer"})),
    (ActionSpec("request_info", "comment"), frozenset({"new", "acknowledged", "in_progress"})),
    (ActionSpec("resolve", "comment"), OPEN),
)
_SUPERVISOR: Final = ((ActionSpec("cancel", "reason"), OPEN),)
_CUSTOMER: Final[tuple[tuple[ActionSpec, frozenset[str]], ...]] = (
    (ActionSpec("confirm"), frozenset({"resolved"})),
    (ActionSpec("reopen"), frozenset({"resolved"})),
    (ActionSpec("cancel", "reason"), OPEN),
)


def customer_actions(status: str) -> list[ActionSpec]:
    return [spec for spec, sources in _CUSTOMER if status in sources]


def operations_actions(status: str, *, supervisor: bool) -> list[ActionSpec]:
    rules = _OPERATIONS + (_SUPERVISOR if supervisor else ())
    return [spec for spec, sources in rules if status in sources]


def may_comment(status: str) -> bool:
    """Information can be added until the ticket is closed or cancelled."""
    return status not in FINAL
