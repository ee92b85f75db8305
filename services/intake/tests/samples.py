"""Small files of each kind, made here: the signatures are what the checks look at."""

from __future__ import annotations

import io
import zipfile

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + bytes(64)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(64)
GIF = b"GIF89a\x01\x00\x01\x00" + bytes(32)
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(32)
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200)
ELF = b"\x7fELF\x02\x01\x01" + bytes(200)
TEXT = "Journal du VPN — connexion refusée à 16:56\r\n\tretry 1\n".encode()


def zip_of(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


ZIP = zip_of({"logs/vpn.log": "line 1\n"})
DOCX = zip_of(
    {
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": "<Relationships/>",
        "word/document.xml": "<document/>",
    }
)
