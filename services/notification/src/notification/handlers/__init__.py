"""What notification does with each event, and with each delivery that falls due."""
