"""Benchmarks: how fast a declaration reaches the list, beside the machine's limits.

``make bench`` (under two minutes) and ``make bench-full`` run ``python -m bench``;
see ``bench/README.md`` for what is measured and how, and ``bench/RESULTS.md`` for
the figures.
"""
