"""The address emails are sent from (``MAIL_FROM``)."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr

from notification.domain.headers import clean_header


@dataclass(frozen=True)
class Mailbox:
    display_name: str
    address: str

    @property
    def domain(self) -> str:
        return self.address.rsplit("@", 1)[1]

    def header(self) -> Address:
        return Address(display_name=self.display_name, addr_spec=self.address)


def parse_mailbox(value: str) -> Mailbox:
    """``Incident desk <incidents@example.com>`` or a bare address."""
    display_name, address = parseaddr(value)
    local, _, domain = address.partition("@")
    if not local or not domain or any(c.isspace() for c in address):
        raise ValueError(f"not an email address with a domain: {value!r}")
    return Mailbox(clean_header(display_name), address)
