"""Per-type policy details: each insurance type has its own required facts."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from domain.values import Money, Percent, Text


class InsuranceType(StrEnum):
    CAR = "car"
    LIFE = "life"
    HEALTH = "health"


class _Details(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CarDetails(_Details):
    vehicle_registration: Annotated[str, Field(min_length=1, max_length=20)]
    make: Text | None = None
    model: Text | None = None
    year: Annotated[int, Field(strict=True, ge=1886, le=2200)] | None = None


class Beneficiary(_Details):
    name: Text
    share_percent: Percent


class LifeDetails(_Details):
    sum_assured: Money
    beneficiaries: Annotated[list[Beneficiary], Field(min_length=1, max_length=50)] | None = None

    @model_validator(mode="after")
    def _shares_make_a_whole(self) -> LifeDetails:
        if self.beneficiaries is not None:
            total = sum((b.share_percent for b in self.beneficiaries), Decimal(0))
            if total != 100:
                raise ValueError(f"beneficiaries' share_percent must sum to 100, not {total}")
        return self


class HealthPlan(StrEnum):
    BRONZE = "bronze"
    SILVER = "silver"
    GOLD = "gold"
    PLATINUM = "platinum"


class HealthDetails(_Details):
    plan: HealthPlan
    dependents: Annotated[int, Field(strict=True, ge=0, le=100)] | None = None


DETAILS_BY_TYPE: dict[InsuranceType, type[_Details]] = {
    InsuranceType.CAR: CarDetails,
    InsuranceType.LIFE: LifeDetails,
    InsuranceType.HEALTH: HealthDetails,
}


def normalise_details(kind: InsuranceType, raw: dict[str, Any]) -> dict[str, Any]:
    """Validate `raw` for `kind` and return its canonical JSON form (money as strings).

    Raises ValueError so that pydantic reports it against the `details` field.
    """
    try:
        model = DETAILS_BY_TYPE[kind].model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'details'}: {e['msg']}" for e in exc.errors()
        )
        raise ValueError(f"invalid {kind} details: {problems}") from None
    return model.model_dump(mode="json", exclude_none=True)
