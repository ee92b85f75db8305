"""The Jinja environment of the email templates.

Templates live in ``notification/templates/<language>/<kind>.<part>.j2`` with the
parts ``subject``, ``txt`` and ``html``. HTML templates are autoescaped, so a
customer's text can never become markup; text templates are not (they are not HTML).
A missing variable is an error, not an empty string.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@cache
def template_environment() -> Environment:
    return Environment(
        loader=PackageLoader("notification", "templates"),
        autoescape=select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False, default=False
        ),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
