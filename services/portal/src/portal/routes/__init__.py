"""The portal's pages, one module per page or group of actions."""
