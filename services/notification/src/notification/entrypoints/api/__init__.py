"""Notification's HTTP API."""
