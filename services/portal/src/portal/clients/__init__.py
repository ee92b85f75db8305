"""Thin clients of the four services' public APIs, one module per service.

Every path the portal calls is written here and nowhere else, so an API change is a
change to one of these files."""
