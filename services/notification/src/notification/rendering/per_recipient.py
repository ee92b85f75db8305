"""One event's email for each of its recipients, its templates rendered once per language.

The recipient's name (in the greeting) is all that differs from one recipient to the
next: the email is rendered once per language with a placeholder in its place (and once
for the recipients without a name), and each recipient's name is put in afterwards,
escaped for HTML as the template would have escaped it.
"""

from __future__ import annotations

import secrets

from markupsafe import escape

from notification.rendering.render import RenderedEmail, RenderFor, shown_name
from ticketing_common.reference import Language

# Random, so that no text of a ticket can hold it; and made of characters that every
# template filter and every cleaning leaves as they are (no space, no control
# character, nothing HTML escapes).
_NAME = f"\ue000{secrets.token_hex(16)}\ue000"


class RenderedOnce:
    def __init__(self, render: RenderFor) -> None:
        self._render = render
        self._rendered: dict[tuple[Language, bool], RenderedEmail] = {}

    def for_recipient(self, recipient_name: str | None, language: Language) -> RenderedEmail:
        name = shown_name(recipient_name)
        key = (language, name is not None)
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = self._render(language, _NAME if name is not None else None)
            self._rendered[key] = rendered
        if name is None:
            return rendered
        return RenderedEmail(
            subject=rendered.subject.replace(_NAME, name),
            text=rendered.text.replace(_NAME, name),
            html=rendered.html.replace(_NAME, str(escape(name))),
        )
