"""How notification is driven: the consumer, the sender, the HTTP API, the command line."""
