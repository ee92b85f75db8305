"""Shared library of the incident-ticketing services."""
