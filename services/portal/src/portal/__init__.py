"""The portal: web pages for customers and operations, a client of the four services."""
