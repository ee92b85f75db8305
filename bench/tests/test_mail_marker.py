from email.message import EmailMessage
from email.policy import SMTP

from bench.mail_sink import marker_of


def message(subject: str, body: str = "Bonjour,\nvotre déclaration est reçue.") -> bytes:
    # Built as notification builds its emails (SMTP policy, non-ASCII subject).
    email = EmailMessage(policy=SMTP)
    email["From"] = "Incident desk <incidents@ticketing.invalid>"
    email["To"] = "claire@example.com"
    email["Subject"] = subject
    email.set_content(body, charset="utf-8")
    return email.as_bytes()


def test_the_marker_is_found_in_an_encoded_subject() -> None:
    raw = message("Déclaration d'incident reçue – Coupure réseau – Lyon bench-a1b2c3d4-42")
    assert b"=?utf-8?" in raw.split(b"\r\n\r\n", 1)[0]
    assert marker_of(raw) == "bench-a1b2c3d4-42"


def test_a_subject_without_marker_gives_nothing() -> None:
    assert marker_of(message("[INC0000001] Incident declaration received")) == ""


def test_the_body_is_not_searched() -> None:
    raw = message("Incident declaration received", body="About bench-ffff0000-7.")
    assert b"bench-ffff0000-7" in raw
    assert marker_of(raw) == ""
