"""The ticket store's HTTP API."""
