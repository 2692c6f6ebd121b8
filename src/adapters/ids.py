"""Id generation: random, URL-safe, never reused."""

from __future__ import annotations

import secrets
import uuid

from domain.ports import IdGenerator

# Crockford-style alphabet: no I, L, O, U, so numbers read aloud over the phone stay unambiguous.
_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class RandomIds(IdGenerator):
    def policy_id(self) -> str:
        return str(uuid.uuid4())

    def policy_number(self) -> str:
        return "POL-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(10))
