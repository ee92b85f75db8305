"""Proof Key for Code Exchange (RFC 7636) and the other one-time values of a sign-in."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass

# RFC 7636 §4.1: 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].
VERIFIER_BYTES = 64


def code_challenge(verifier: str) -> str:
    """The S256 challenge: BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class PendingSignIn:
    """What the portal keeps between sending the browser to the provider and its return."""

    state: str
    nonce: str
    code_verifier: str
    next_path: str

    @classmethod
    def start(cls, next_path: str) -> PendingSignIn:
        return cls(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(VERIFIER_BYTES),
            next_path=next_path,
        )

    @property
    def challenge(self) -> str:
        return code_challenge(self.code_verifier)
