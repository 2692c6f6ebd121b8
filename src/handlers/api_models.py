"""Shapes of the HTTP API's query strings and responses (request bodies are domain models)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from domain.details import InsuranceType
from domain.history import Change
from domain.model import PolicyStatus
from domain.policies import LARGEST_PAGE
from domain.ports import PolicyQuery
from domain.values import IsoDate


class ListParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    insurance_type: InsuranceType | None = None
    status: PolicyStatus | None = None
    business_date: IsoDate | None = None
    limit: Annotated[int, Field(ge=1, le=LARGEST_PAGE)] = 20
    cursor: Annotated[str, Field(min_length=1, max_length=4096)] | None = None

    def query(self) -> PolicyQuery:
        return PolicyQuery(**self.model_dump())


def history_item(change: Change) -> dict[str, Any]:
    return change.model_dump(mode="json", exclude={"policy", "policy_id"})
