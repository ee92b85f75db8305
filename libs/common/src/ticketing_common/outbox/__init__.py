"""The transactional outbox: events written with the change, published by a relay."""

from ticketing_common.outbox.relay import OutboxRelay
from ticketing_common.outbox.writer import add_to_outbox, outbox_row

__all__ = ["OutboxRelay", "add_to_outbox", "outbox_row"]
