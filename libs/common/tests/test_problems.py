from __future__ import annotations

import pytest

from ticketing_common.web.problems import field_path


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (("body", "notify", 1, "email"), ("body", "notify[1].email")),
        (("body", "contract_id"), ("body", "contract_id")),
        (("query", "limit"), ("query", "limit")),
        (("header", "idempotency-key"), ("header", "idempotency-key")),
        (("body",), ("body", "body")),
    ],
)
def test_field_paths_name_the_field(
    location: tuple[str | int, ...], expected: tuple[str, str]
) -> None:
    assert field_path(location) == expected
