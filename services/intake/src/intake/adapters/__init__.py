"""Intake's adapters: its database tables and queries."""
