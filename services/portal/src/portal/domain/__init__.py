"""Pure rules of the portal: no I/O, unit tested."""
