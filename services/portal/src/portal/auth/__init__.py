"""Signing in: demo users in development, OpenID Connect in production; sessions."""
