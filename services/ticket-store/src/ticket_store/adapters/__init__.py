"""The ticket store's tables and queries."""
