"""Development and test tooling for the ticketing services."""
