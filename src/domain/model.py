"""The Policy entity and the requests that create or amend one."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.details import InsuranceType, normalise_details
from domain.values import Currency, IsoDate, Money, PolicyNumber, Text, Timestamp


class PolicyStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class RenewalStatus(StrEnum):
    NEW = "new"
    RENEWED = "renewed"
    NOT_RENEWED = "not_renewed"
    TERMINATED = "terminated"


class _PolicyTerms(BaseModel):
    """Fields a caller may state, with the rules that tie them together."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    insurance_type: InsuranceType
    insured_member: Text
    start_date: IsoDate
    end_date: IsoDate
    premium: Money
    currency: Currency = "EUR"
    status: PolicyStatus = PolicyStatus.ACTIVE
    renewal_status: RenewalStatus = RenewalStatus.NEW
    renewed_by: Text | None = None
    details: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.end_date <= self.start_date:
            raise ValueError("end_date must be after start_date")
        if self.details is not None:
            object.__setattr__(
                self, "details", normalise_details(self.insurance_type, self.details)
            )
        return self


class NewPolicy(_PolicyTerms):
    """Body of a create request. `customer_id` defaults to the caller."""

    policy_number: PolicyNumber | None = None
    customer_id: Text | None = None


class PolicyPatch(BaseModel):
    """Body of an amend request: only the fields present change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    insurance_type: InsuranceType | None = None
    customer_id: Text | None = None
    insured_member: Text | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    premium: Money | None = None
    currency: Currency | None = None
    status: PolicyStatus | None = None
    renewal_status: RenewalStatus | None = None
    renewed_by: Text | None = None
    details: dict[str, Any] | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        # A null would mean "unset", which only `renewed_by` and `details` allow; reject the rest
        # here so the client learns which field, instead of a confusing merged-policy error.
        if isinstance(data, dict):
            required = [k for k, v in data.items() if v is None and k not in NULLABLE]
            if required:
                raise ValueError(f"{', '.join(sorted(map(str, required)))} cannot be null")
        return data

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


NULLABLE = frozenset({"renewed_by", "details"})


class Policy(_PolicyTerms):
    """A policy as stored. Server-owned fields are never taken from a request body."""

    policy_id: str
    policy_number: PolicyNumber
    customer_id: Text
    version: int = Field(ge=1)
    business_date: date
    created_at: Timestamp
    created_by: str
    updated_at: Timestamp
    updated_by: str
    pending: bool = True


POLICY_FIELDS: tuple[str, ...] = tuple(Policy.model_fields)
