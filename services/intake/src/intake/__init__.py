"""Intake: the customer catalog and incident declarations."""
