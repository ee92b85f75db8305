"""How intake is driven: HTTP API, command line."""
