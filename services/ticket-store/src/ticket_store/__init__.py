"""Ticket store: tickets, their lifecycle, comments and history."""
