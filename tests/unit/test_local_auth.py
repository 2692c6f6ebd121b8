"""Local bearer tokens: checked the way API Gateway's JWT authorizer checks Cognito's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from handlers.local_auth import (
    AUDIENCE,
    ISSUER,
    LOCAL_SIGNING_KEY,
    InvalidToken,
    claims_from_header,
    mint_token,
)

pytestmark = pytest.mark.unit


def test_a_minted_token_verifies_and_flattens_claims_to_strings() -> None:
    issued = datetime.now(UTC).replace(microsecond=0)
    token = mint_token("alice", ["agent"], lifetime=timedelta(minutes=5), issued=issued)
    claims = claims_from_header(f"Bearer {token}")
    assert claims["sub"] == "alice"
    assert claims["cognito:groups"] == "[agent]"
    assert (claims["iss"], claims["aud"]) == (ISSUER, AUDIENCE)
    assert claims["exp"] == str(int((issued + timedelta(minutes=5)).timestamp()))


def test_a_customer_token_has_no_groups_claim() -> None:
    assert "cognito:groups" not in claims_from_header("bearer " + mint_token("bob"))


def _signed(**claims: object) -> str:
    now = datetime.now(UTC)
    base = {"sub": "a", "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + timedelta(hours=1)}
    return jwt.encode(base | claims, LOCAL_SIGNING_KEY, algorithm="HS256")


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing bearer token"),
        ("", "missing bearer token"),
        ("Bearer ", "missing bearer token"),
        ("Token abc", "missing bearer token"),
        ("Bearer " + mint_token("a", issued=datetime.now(UTC) - timedelta(hours=2)), "expired"),
        ("Bearer " + mint_token("a", key="x" * 40), "signature is not valid"),
        ("Bearer " + _signed(iss="https://elsewhere"), "issuer"),
        ("Bearer " + _signed(aud="another-app"), "(?i)audience"),
        ("Bearer garbage", "not valid"),
    ],
)
def test_tokens_the_authorizer_would_reject_are_rejected(header: str | None, reason: str) -> None:
    with pytest.raises(InvalidToken, match=reason):
        claims_from_header(header)


def test_a_token_without_a_subject_is_rejected() -> None:
    now = datetime.now(UTC)
    claims = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + timedelta(hours=1)}
    token = jwt.encode(claims, LOCAL_SIGNING_KEY, algorithm="HS256")
    with pytest.raises(InvalidToken, match="sub"):
        claims_from_header(f"Bearer {token}")
