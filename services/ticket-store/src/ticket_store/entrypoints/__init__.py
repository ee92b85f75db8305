"""How the ticket store is driven: HTTP API, command line."""
