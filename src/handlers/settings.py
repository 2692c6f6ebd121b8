"""Configuration: the only place that reads the environment (CONTRACT §2)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

# environment variable -> settings field; Terraform must set every one of these on each Lambda.
ENVIRONMENT: dict[str, str] = {
    "POLICY_BUCKET": "policy_bucket",
    "POLICY_TABLE": "policy_table",
    "BUSINESS_TIMEZONE": "business_timezone",
    "LOG_LEVEL": "log_level",
}


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    policy_bucket: str = Field("policy-files-local", min_length=3)
    policy_table: str = Field("policies-local", min_length=3)
    business_timezone: str = "UTC"
    log_level: str = "INFO"

    @field_validator("business_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"BUSINESS_TIMEZONE {value!r} is not an IANA time zone") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.business_timezone)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls.model_validate(
            {field: env[name] for name, field in ENVIRONMENT.items() if env.get(name)}
        )
