"""Notification's migrations."""

from notification.adapters.tables import Base
from ticketing_common.db.messaging_tables import messaging_metadata
from ticketing_common.db.migrations import run_env

run_env([Base.metadata, messaging_metadata])
