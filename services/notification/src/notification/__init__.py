"""Notification: renders the incident emails and delivers them, with a delivery log."""
