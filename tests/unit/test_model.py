"""Create and amend requests: what a caller may state, and the rules that tie fields together."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from domain.model import POLICY_FIELDS, NewPolicy, PolicyPatch, PolicyStatus, RenewalStatus

CAR = {
    "insurance_type": "car",
    "insured_member": "Alice Example",
    "start_date": "2026-03-01",
    "end_date": "2027-03-01",
    "premium": "120.5",
    "details": {"vehicle_registration": "AB-123"},
}

# CONTRACT §4, "Policy": every field a client can see.
CONTRACT_FIELDS = {
    "policy_id", "policy_number", "insurance_type", "customer_id", "insured_member",
    "start_date", "end_date", "premium", "currency", "status", "renewal_status", "renewed_by",
    "details", "version", "business_date", "created_at", "created_by", "updated_at",
    "updated_by", "pending",
}  # fmt: skip


def test_policy_has_exactly_the_contract_fields() -> None:
    assert set(POLICY_FIELDS) == CONTRACT_FIELDS


def test_new_policy_fills_the_defaults() -> None:
    request = NewPolicy.model_validate(CAR)

    assert request.currency == "EUR"
    assert request.status is PolicyStatus.ACTIVE
    assert request.renewal_status is RenewalStatus.NEW
    assert request.premium == Decimal("120.50")
    assert request.start_date == date(2026, 3, 1)
    assert request.policy_number is None
    assert request.customer_id is None


def test_new_policy_details_are_validated_for_its_type() -> None:
    life = CAR | {"insurance_type": "life", "details": {"sum_assured": 1000}}

    assert NewPolicy.model_validate(life).details == {"sum_assured": "1000.00"}
    with pytest.raises(ValidationError, match="invalid life details: sum_assured: Field required"):
        NewPolicy.model_validate(CAR | {"insurance_type": "life"})


def test_new_policy_without_details_is_fine() -> None:
    assert (
        NewPolicy.model_validate({k: v for k, v in CAR.items() if k != "details"}).details is None
    )


@pytest.mark.parametrize("end", ["2026-03-01", "2026-02-28"])
def test_end_date_must_follow_start_date(end: str) -> None:
    with pytest.raises(ValidationError, match="end_date must be after start_date"):
        NewPolicy.model_validate(CAR | {"end_date": end})


@pytest.mark.parametrize(
    "extra",
    [{"policy_id": "x"}, {"version": 3}, {"created_by": "mallory"}, {"pending": False}, {"x": 1}],
)
def test_new_policy_rejects_fields_it_does_not_know(extra: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        NewPolicy.model_validate(CAR | extra)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("insurance_type", "boat"),
        ("insured_member", ""),
        ("insured_member", "x" * 201),
        ("status", "paused"),
        ("renewal_status", "maybe"),
        ("policy_number", "has space"),
        ("customer_id", ""),
        ("premium", 1.234),
        ("currency", "EURO"),
        ("details", ["vehicle_registration"]),
    ],
)
def test_new_policy_rejects_bad_values(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        NewPolicy.model_validate(CAR | {field: value})

    assert caught.value.errors()[0]["loc"][:1] in ((field,), ())


def test_patch_reports_only_the_fields_sent() -> None:
    patch = PolicyPatch.model_validate({"premium": "99", "renewed_by": None})

    assert patch.changes() == {"premium": Decimal("99.00"), "renewed_by": None}
    assert PolicyPatch.model_validate({}).changes() == {}


def test_patch_may_clear_only_the_optional_fields() -> None:
    assert PolicyPatch.model_validate({"details": None}).changes() == {"details": None}
    with pytest.raises(ValidationError, match="end_date, premium cannot be null"):
        PolicyPatch.model_validate({"premium": None, "end_date": None, "details": None})


@pytest.mark.parametrize("extra", [{"policy_number": "P-1"}, {"version": 2}, {"updated_by": "x"}])
def test_patch_rejects_fields_it_does_not_know(extra: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        PolicyPatch.model_validate(extra)


@pytest.mark.parametrize("data", [["premium"], "premium", 3])
def test_patch_that_is_not_an_object_is_refused(data: Any) -> None:
    with pytest.raises(ValidationError, match="valid dictionary or instance of PolicyPatch"):
        PolicyPatch.model_validate(data)
