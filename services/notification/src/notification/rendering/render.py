"""Render the three parts of an email of some kind, in some language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from notification.domain.headers import clean_header
from notification.rendering.environment import template_environment
from ticketing_common.reference import Language


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


# Renders an email in a language for a recipient named so (as ``shown_name`` shows
# them), or unnamed.
RenderFor = Callable[[Language, str | None], RenderedEmail]


def shown_name(recipient_name: str | None) -> str | None:
    """A recipient's name as an email greets them: on one line, or None."""
    return clean_header(recipient_name or "") or None


def render_email(kind: str, language: Language, context: Mapping[str, Any]) -> RenderedEmail:
    environment = template_environment()
    variables = {"language": language.value, **context}

    def part(name: str) -> str:
        template = environment.get_template(f"{language.value}/{kind}.{name}.j2")
        return template.render(variables)

    return RenderedEmail(
        # The subject goes into a header: one line, whatever the values held.
        subject=clean_header(part("subject")),
        text=part("txt"),
        html=part("html"),
    )
