"""How search is reached: the HTTP API and the command line."""
