"""The portal's web plumbing: sessions, CSRF, security headers, page rendering."""
