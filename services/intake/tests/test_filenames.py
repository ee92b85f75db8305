"""The name a file is shown and downloaded under."""

from __future__ import annotations

import pytest

from intake.domain.attachment_types import ATTACHMENT_TYPES
from intake.domain.filenames import content_disposition, display_name

PNG = ATTACHMENT_TYPES["image/png"]
TEXT = ATTACHMENT_TYPES["text/plain"]
JPEG = ATTACHMENT_TYPES["image/jpeg"]


@pytest.mark.parametrize(
    ("uploaded", "kind", "shown"),
    [
        ("capture.png", PNG, "capture.png"),
        ("photo.JPG", JPEG, "photo.JPG"),
        ("../../etc/passwd", TEXT, "passwd.txt"),
        ("C:\\Users\\claire\\vpn.log", TEXT, "vpn.log"),
        # A right-to-left override would show this as "invoicexe.png".
        ("invoice\u202egnp.exe", PNG, "invoicegnp.exe.png"),
        ("évènement réseau.png", PNG, "évènement réseau.png"),
        ("tab\tand\nnewline.txt", TEXT, "tabandnewline.txt"),
        ('a<b>c:d"e|f?g*h.txt', TEXT, "a_b_c_d_e_f_g_h.txt"),
        ("   spaced    out   .png", PNG, "spaced out.png"),
        ("report.html", TEXT, "report.html.txt"),
        ("CON.txt", TEXT, "_CON.txt"),
        ("lpt1.tar.gz", ATTACHMENT_TYPES["application/gzip"], "_lpt1.tar.gz"),
        ("...", PNG, "attachment.png"),
        ("", PNG, "attachment.png"),
        (None, PNG, "attachment.png"),
        (".png", PNG, "png.png"),
        ("\ufffd\ufffd.png", PNG, "\ufffd\ufffd.png"),
    ],
)
def test_names_are_made_safe(uploaded: str | None, kind: object, shown: str) -> None:
    assert display_name(uploaded, kind) == shown  # type: ignore[arg-type]


def test_long_names_keep_their_extension() -> None:
    shown = display_name("x" * 1000 + ".pdf", ATTACHMENT_TYPES["application/pdf"])
    assert len(shown) == 150
    assert shown.endswith("x.pdf")


def test_the_disposition_carries_an_ascii_fallback_and_the_exact_name() -> None:
    header = content_disposition('relevé "mars" 100%.pdf')
    assert header == (
        'attachment; filename="relev_ _mars_ 100_.pdf"; '
        "filename*=UTF-8''relev%C3%A9%20%22mars%22%20100%25.pdf"
    )
