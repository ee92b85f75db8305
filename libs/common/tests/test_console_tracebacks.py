"""Tracebacks in the console log: plain, quick, and without local variables."""

from __future__ import annotations

import io
import time

from ticketing_common.logging import configure_logging, get_logger


def _fail(token: str) -> None:
    secret_in_a_local = f"Bearer {token}"
    raise RuntimeError(f"could not use it ({len(secret_in_a_local)} characters)")


def test_a_logged_exception_is_a_plain_traceback_without_locals() -> None:
    stream = io.StringIO()
    configure_logging("test", "INFO", "console", stream=stream)
    log = get_logger("test")
    # Built at run time: the traceback quotes source lines, and a literal would be there.
    token = "-".join(("eyJhbGciOiJIUzI1NiJ9.very", "secret"))
    started = time.process_time()
    try:
        _fail(token)
    except RuntimeError:
        log.exception("unexpected error")
    spent = time.process_time() - started
    text = stream.getvalue()
    assert "Traceback (most recent call last):" in text
    assert "RuntimeError: could not use it" in text
    assert "very-secret" not in text
    # Rendering each frame's locals with highlighting took seconds of CPU under load;
    # a plain traceback takes milliseconds (a generous bound, not a benchmark).
    assert spent < 1.0
