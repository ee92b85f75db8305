"""Why the rules refuse a change: not allowed now (409), or an input missing or wrong
(422, naming the field)."""

from __future__ import annotations


class Refused(Exception):
    def __init__(self, detail: str, *, code: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code


class NotAllowed(Refused):
    """The ticket's state, or the actor's role, does not allow this change."""


class Invalid(Refused):
    """An input the change needs is missing or wrong."""

    def __init__(self, field: str, detail: str, *, code: str) -> None:
        super().__init__(detail, code=code)
        self.field = field
