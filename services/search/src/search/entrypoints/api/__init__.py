"""Search's HTTP API."""
