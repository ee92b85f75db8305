"""What every service's HTTP API shares: app factory, problems, access rules, health."""
