"""The text rules every service applies to what people write."""

from __future__ import annotations

import pytest

from ticketing_common.text import multi_line, single_line


@pytest.mark.parametrize("value", ["Lyon", "Serveur à l'arrêt – 2ᵉ étage", "€ 42"])
def test_ordinary_text_passes_both_rules(value: str) -> None:
    assert single_line(value) == value
    assert multi_line(value) == value


def test_line_breaks_and_tabs_are_text_on_several_lines_only() -> None:
    value = "first line\r\n\tsecond"
    assert multi_line(value) == value
    with pytest.raises(ValueError, match="control characters"):
        single_line(value)


@pytest.mark.parametrize("value", ["bell\x07", "nul\x00", "c1\x85", "escape\x1b[31m"])
def test_control_characters_are_refused_everywhere(value: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        single_line(value)
    with pytest.raises(ValueError, match="control characters"):
        multi_line(value)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029"])
def test_unicode_line_separators_break_a_single_line(separator: str) -> None:
    with pytest.raises(ValueError, match="control characters"):
        single_line(f"one{separator}two")


@pytest.mark.parametrize("value", ["half \ud800 a pair", "\udfff"])
def test_lone_surrogates_are_not_text(value: str) -> None:
    with pytest.raises(ValueError, match="surrogate"):
        single_line(value)
    with pytest.raises(ValueError, match="surrogate"):
        multi_line(value)
