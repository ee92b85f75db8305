"""Search's migrations."""

from search.adapters.tables import Base
from ticketing_common.db.messaging_tables import messaging_metadata
from ticketing_common.db.migrations import run_env

run_env([Base.metadata, messaging_metadata])
