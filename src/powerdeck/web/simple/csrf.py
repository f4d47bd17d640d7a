"""CSRF tokens: an HMAC of the browser session's id under the server's secret key.

Every form carries one; a POST without the token of its own session is refused. The token is
bound to the session, so a page from another site cannot forge one, and the server keeps nothing.
"""

from __future__ import annotations

import hashlib
import hmac

FIELD = "csrf_token"


def token(secret: bytes, session_id: str) -> str:
    return hmac.new(secret, b"csrf:" + session_id.encode("utf-8"), hashlib.sha256).hexdigest()


def valid(secret: bytes, session_id: str, given: object) -> bool:
    return isinstance(given, str) and hmac.compare_digest(token(secret, session_id), given)


def sign(secret: bytes, session_id: str, payload: bytes) -> str:
    """A signature for data a form carries back (a deleted entry, for its undo)."""
    return hmac.new(secret, b"data:" + session_id.encode("utf-8") + b":" + payload, hashlib.sha256).hexdigest()


def signed(secret: bytes, session_id: str, payload: bytes, signature: object) -> bool:
    return isinstance(signature, str) and hmac.compare_digest(sign(secret, session_id, payload), signature)
