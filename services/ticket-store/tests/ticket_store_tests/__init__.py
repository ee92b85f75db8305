"""The ticket store's tests.

A package of its own name, one level down: the service's folder name has a hyphen, so
``tests/`` alone would be imported as a top-level ``tests`` package, clashing with any
other such package in a whole-repository run, while mypy needs a package to follow the
tests' relative imports.
"""
