"""Bearer tokens for the local API: what API Gateway's JWT authorizer does in AWS.

Deployed, Cognito signs the tokens and the authorizer checks them before the Lambda runs. Locally
`policyctl token` signs with a fixed HS256 key and the local gateway checks signature, issuer,
audience and expiry the same way, so the handler sees exactly the claims it would see in AWS.
The key protects nothing real: the local API listens on 127.0.0.1 and holds throw-away data.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

LOCAL_SIGNING_KEY = "policy-files-local-stack-signing-key-not-a-secret"
ISSUER = "policy-files-local"
AUDIENCE = "policy-api-local"
ALGORITHM = "HS256"
GROUPS_CLAIM = "cognito:groups"


class InvalidToken(Exception):
    """No usable bearer token; the message is safe to show to the caller."""


def mint_token(
    subject: str,
    groups: Sequence[str] = (),
    *,
    lifetime: timedelta = timedelta(hours=1),
    issued: datetime | None = None,
    key: str = LOCAL_SIGNING_KEY,
) -> str:
    issued_at = issued or datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": subject,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": issued_at,
        "exp": issued_at + lifetime,
        "token_use": "id",
    }
    if groups:
        claims[GROUPS_CLAIM] = list(groups)
    return jwt.encode(claims, key, algorithm=ALGORITHM)


def claims_from_header(authorization: str | None) -> dict[str, str]:
    """The verified claims of `Authorization: Bearer <token>`, flattened as API Gateway does."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("missing bearer token")
    try:
        claims = jwt.decode(
            token.strip(),
            LOCAL_SIGNING_KEY,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise InvalidToken("the token has expired") from None
    except jwt.InvalidSignatureError:
        raise InvalidToken("the token's signature is not valid") from None
    except jwt.InvalidTokenError as exc:
        raise InvalidToken(f"the token is not valid: {exc}") from None
    return {name: _flatten(value) for name, value in claims.items()}


def _flatten(value: Any) -> str:
    # API Gateway hands every claim to the Lambda as a string; a list becomes "[a b]".
    if isinstance(value, list):
        return "[" + " ".join(map(str, value)) + "]"
    return str(value)
