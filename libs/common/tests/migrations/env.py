"""Migrations of the shared library's test database: the messaging tables alone."""

from ticketing_common.db.messaging_tables import messaging_metadata
from ticketing_common.db.migrations import run_env

run_env(messaging_metadata)
