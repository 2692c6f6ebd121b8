"""`policyctl demo`: one scripted business day over the local API, then its close.

Customers and an agent create, amend, cancel and delete policies through real HTTP requests
with real tokens, the day is closed, and the resulting CSV and its metadata are printed.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import date, timedelta
from typing import Any, TextIO

from adapters.s3_files import policies_key
from handlers.cli_commands import CommandFailed, close_day
from handlers.local_auth import mint_token
from handlers.target import Target

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ApiClient:
    def __init__(self, base_url: str, out: TextIO) -> None:
        self._base = base_url
        self._out = out

    def call(
        self, who: str, what: str, method: str, path: str, body: Any = None, **headers: str
    ) -> dict[str, Any]:
        """Send one request as `who` ("alice", or "ann/agent" for staff); print one line."""
        subject, _, group = who.partition("/")
        token = mint_token(subject, [group] if group else [])
        request = urllib.request.Request(  # noqa: S310 - the URL is the local API's, always http
            self._base + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            | {k.replace("_", "-"): v for k, v in headers.items()},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, text = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read()
        except urllib.error.URLError as error:
            raise CommandFailed(
                f"the local API is not answering at {self._base} ({error.reason}); "
                "start it with `make run` in another terminal (or set API_PORT)"
            ) from None
        reply = json.loads(text) if text else {}
        actor = f"{subject} ({group or 'customer'})"
        shown = _UUID.sub(lambda m: m.group(0)[:8] + "..", path)
        print(f"  {actor:<17} {what:<34} {method:<6} {shown:<22} -> {status}", file=self._out)
        if status >= 400:
            raise CommandFailed(f"{method} {path} answered {status}: {reply}")
        return dict(reply)


def _policy(kind: str, member: str, today: date, **extra: Any) -> dict[str, Any]:
    details = {
        "car": {"vehicle_registration": "B-PF-2026", "make": "Volvo", "model": "V60"},
        "life": {"sum_assured": "250000", "beneficiaries": [{"name": "Sam", "share_percent": 100}]},
        "health": {"plan": "gold", "dependents": 2},
    }[kind]
    premiums = {"car": "480.00", "life": "312.50", "health": "1260.00"}
    end = today + timedelta(days=364)
    terms = {"insurance_type": kind, "insured_member": member, "premium": premiums[kind]}
    return terms | {"start_date": str(today), "end_date": str(end), "details": details} | extra


def run_demo(target: Target, out: TextIO) -> int:
    clock = target.settable_clock()
    today = clock.business_date(clock.now())
    api = ApiClient(target.api_url, out)
    print(f"a business day on the local stack: {today} ({target.api_url})", file=out)
    car_policy, life_policy = _policy("car", "Alice Martin", today), _policy("life", "Bob", today)
    car = api.call("alice", "buys car insurance", "POST", "/policies", car_policy)
    life = api.call("bob", "buys life insurance", "POST", "/policies", life_policy)
    health = _policy("health", "Carol Diaz", today, customer_id="carol")
    api.call("ann/agent", "sells carol health insurance", "POST", "/policies", health)
    car_path, life_path = f"/policies/{car['policy_id']}", f"/policies/{life['policy_id']}"
    lower, guard = {"premium": "455.00"}, '"1"'  # If-Match: only if nobody changed it meanwhile
    api.call("alice", "lowers her premium, If-Match 1", "PATCH", car_path, lower, If_Match=guard)
    api.call("bob", "cancels his policy", "PATCH", life_path, {"status": "cancelled"})
    twice = api.call("ann/agent", "enters carol's policy twice", "POST", "/policies", health)
    api.call("ann/agent", "deletes the duplicate", "DELETE", f"/policies/{twice['policy_id']}")
    api.call("carol", "lists her own policies", "GET", "/policies")
    summary = close_day(target, today)
    print(
        f"closed {today}: {summary['changes_applied']} changes applied, "
        f"files written: {', '.join(summary['files_written']) or 'none (no change)'}",
        file=out,
    )
    metadata = api.call("ann/agent", "reads the file's metadata", "GET", f"/files/{today}")
    key = policies_key(today)
    s3 = target.session().client("s3")
    csv_text = s3.get_object(Bucket=target.bucket, Key=key)["Body"].read().decode("utf-8")
    print(f"\n--- s3://{target.bucket}/{key}", file=out)
    print(csv_text.replace("\r\n", "\n"), end="", file=out)
    print(f"\n--- file metadata (GET /files/{today})", file=out)
    print(json.dumps(metadata, indent=2), file=out)
    return 0
