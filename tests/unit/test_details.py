"""Per-type details: each insurance type demands its own facts, in a canonical form."""

from __future__ import annotations

from typing import Any

import pytest

from domain.details import InsuranceType, normalise_details

CAR, LIFE, HEALTH = InsuranceType.CAR, InsuranceType.LIFE, InsuranceType.HEALTH


@pytest.mark.parametrize(
    ("kind", "raw", "canonical"),
    [
        (CAR, {"vehicle_registration": "AB-123"}, {"vehicle_registration": "AB-123"}),
        (
            CAR,
            {"vehicle_registration": "AB-123", "make": "Volvo", "model": "V60", "year": 2021},
            {"vehicle_registration": "AB-123", "make": "Volvo", "model": "V60", "year": 2021},
        ),
        (LIFE, {"sum_assured": 100000}, {"sum_assured": "100000.00"}),
        (
            LIFE,
            {
                "sum_assured": "5000.5",
                "beneficiaries": [
                    {"name": "Ann", "share_percent": "33.33"},
                    {"name": "Ben", "share_percent": "33.33"},
                    {"name": "Cy", "share_percent": "33.34"},
                ],
            },
            {
                "sum_assured": "5000.50",
                "beneficiaries": [
                    {"name": "Ann", "share_percent": "33.33"},
                    {"name": "Ben", "share_percent": "33.33"},
                    {"name": "Cy", "share_percent": "33.34"},
                ],
            },
        ),
        (HEALTH, {"plan": "gold"}, {"plan": "gold"}),
        (HEALTH, {"plan": "bronze", "dependents": 0}, {"plan": "bronze", "dependents": 0}),
    ],
)
def test_valid_details_come_back_canonical(
    kind: InsuranceType, raw: dict[str, Any], canonical: dict[str, Any]
) -> None:
    assert normalise_details(kind, raw) == canonical


@pytest.mark.parametrize(
    ("kind", "raw", "reason"),
    [
        (CAR, {}, "invalid car details: vehicle_registration: Field required"),
        (CAR, {"vehicle_registration": ""}, "vehicle_registration: String should have at least"),
        (CAR, {"vehicle_registration": "AB", "colour": "red"}, "colour: Extra inputs"),
        (CAR, {"vehicle_registration": "AB", "year": "2020"}, "year: Input should be a valid int"),
        (CAR, {"vehicle_registration": "AB", "year": 1700}, "year: Input should be greater"),
        (LIFE, {}, "invalid life details: sum_assured: Field required"),
        (LIFE, {"sum_assured": "-1"}, "sum_assured: Input should be greater than or equal to 0"),
        (
            LIFE,
            {"sum_assured": 1, "beneficiaries": [{"name": "Ann", "share_percent": 60}]},
            "details: Value error, beneficiaries' share_percent must sum to 100, not 60",
        ),
        (
            LIFE,
            {
                "sum_assured": 1,
                "beneficiaries": [
                    {"name": "Ann", "share_percent": 60},
                    {"name": "Ben", "share_percent": 50},
                ],
            },
            "must sum to 100, not 110",
        ),
        (LIFE, {"sum_assured": 1, "beneficiaries": []}, "beneficiaries: List should have at"),
        (
            LIFE,
            {"sum_assured": 1, "beneficiaries": [{"name": "Ann", "share_percent": 0}]},
            "beneficiaries.0.share_percent: Input should be greater than 0",
        ),
        (HEALTH, {}, "invalid health details: plan: Field required"),
        (HEALTH, {"plan": "diamond"}, "plan: Input should be 'bronze', 'silver', 'gold' or"),
        (HEALTH, {"plan": "gold", "dependents": -1}, "dependents: Input should be greater"),
        (HEALTH, {"plan": "gold", "dependents": 1.5}, "dependents: Input should be a valid int"),
        (HEALTH, {"vehicle_registration": "AB"}, "vehicle_registration: Extra inputs"),
    ],
)
def test_invalid_details_name_the_type_and_the_field(
    kind: InsuranceType, raw: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ValueError, match=r"^invalid ") as caught:
        normalise_details(kind, raw)

    assert reason in str(caught.value)
