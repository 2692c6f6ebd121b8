"""Problem documents (RFC 9457) and the one table from domain errors to HTTP statuses."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from pydantic import BaseModel, ValidationError

from domain import errors
from handlers.problems import RequestError, problem, status_for


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.PolicyNotFound("p"), 404),
        (errors.PolicyNumberTaken("N"), 409),
        (errors.VersionConflict("p", 1, 2), 412),
        (errors.InvalidTransition("no"), 409),
        (errors.Forbidden("no"), 403),
        (errors.InvalidPolicy("no"), 422),
        (errors.InvalidCursor("no"), 400),
        (errors.InvalidBusinessDate("no"), 400),
        (errors.StoreUnavailable("busy"), 503),
        (errors.DomainError("unmapped"), 500),
        (ValueError("not ours"), 500),
    ],
)
def test_status_of_each_error(error: Exception, status: int) -> None:
    assert status_for(error) == status


def test_subclasses_take_their_parents_status() -> None:
    class Throttled(errors.StoreUnavailable):
        pass

    assert status_for(Throttled("slow")) == HTTPStatus.SERVICE_UNAVAILABLE


def test_problem_document_shape() -> None:
    code, body = problem(HTTPStatus.NOT_FOUND, "no policy 'x'")

    assert code == 404
    assert json.loads(body) == {
        "type": "https://httpstatuses.io/404",
        "title": "Not Found",
        "status": 404,
        "detail": "no policy 'x'",
    }


def test_problem_with_validation_errors_and_a_title() -> None:
    found = [{"loc": ["body", "premium"], "msg": "too many decimals"}]

    _, body = problem(HTTPStatus.BAD_REQUEST, "invalid body", found, "Invalid policy")

    assert json.loads(body)["errors"] == found
    assert json.loads(body)["title"] == "Invalid policy"


def test_version_conflict_says_what_it_found() -> None:
    assert "it no longer exists" in str(errors.VersionConflict("p", 3, None))
    assert "it is at version 4" in str(errors.VersionConflict("p", 3, 4))


class _Shape(BaseModel):
    count: int
    name: str


def test_request_error_from_validation_names_every_field() -> None:
    with pytest.raises(ValidationError) as caught:
        _Shape.model_validate({"count": "many"})

    error = RequestError.invalid(caught.value, "body")

    assert error.status == HTTPStatus.BAD_REQUEST
    assert str(error).startswith("invalid body: body.count: Input should be a valid integer")
    assert error.errors == [
        {
            "loc": ["body", "count"],
            "msg": "Input should be a valid integer, unable to parse string as an integer",
        },
        {"loc": ["body", "name"], "msg": "Field required"},
    ]
