"""Benchmarks (`make bench`): cold-start import cost, API latency, close time and memory.

Writes bench/results/latest.json. Numbers are for this machine; compare runs, not absolutes.
"""

from __future__ import annotations

import io
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.update(
    AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="eu-west-1"
)
os.environ.pop("AWS_ENDPOINT_URL", None)


def import_ms(module: str, runs: int = 5) -> float:
    """Median wall time of a fresh interpreter importing `module`, minus a bare interpreter."""

    def timed(code: str) -> float:
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT / "src")
            samples.append((time.perf_counter() - start) * 1000)
        return statistics.median(samples)

    return round(timed(f"import {module}") - timed("pass"), 1)


def api_and_close(policies: int) -> dict[str, float]:
    import boto3
    from moto import mock_aws
    from tests.support.clock import FakeClock
    from tests.support.events import FakeContext, claims_for, http_event

    from adapters.table_schema import create_table_arguments
    from handlers import api, day_close, wiring
    from handlers.settings import Settings

    with mock_aws():
        boto3.client("dynamodb").create_table(**create_table_arguments("bench-table"))
        boto3.client("s3").create_bucket(
            Bucket="bench-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
        )
        clock = FakeClock()
        wiring.install(
            wiring.Components(
                Settings(policy_table="bench-table", policy_bucket="bench-bucket"), clock=clock
            )
        )
        body = {
            "insurance_type": "car",
            "insured_member": "Bench Member",
            "start_date": "2026-03-01",
            "end_date": "2027-03-01",
            "premium": "120.50",
            "details": {"vehicle_registration": "AB-123"},
        }
        latencies = []
        for n in range(policies):
            event = http_event("POST", "/policies", claims=claims_for(f"c{n % 50}"), body=body)
            start = time.perf_counter()
            api.handler(event, FakeContext())
            latencies.append((time.perf_counter() - start) * 1000)
        clock.advance(days=1)
        tracemalloc.start()
        start = time.perf_counter()
        day_close.close(clock.now().date(), "bench")
        close_ms = (time.perf_counter() - start) * 1000
        _, close_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        start = time.perf_counter()
        day_close.close(clock.now().date(), "bench")
        reclose_ms = (time.perf_counter() - start) * 1000
        _, reclose_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        wiring.install(None)
    return {
        "policies": policies,
        "api_create_p50_ms": round(statistics.median(latencies), 2),
        "api_create_p95_ms": round(statistics.quantiles(latencies, n=20)[-1], 2),
        "close_ms": round(close_ms, 1),
        "close_peak_mib": round(close_peak / 2**20, 2),
        "reclose_unchanged_ms": round(reclose_ms, 1),
        "reclose_unchanged_peak_mib": round(reclose_peak / 2**20, 2),
    }


class _MemoryS3:
    """Just enough of an S3 client to hold one object, so only the rewrite's memory is traced."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def get_object(self, **_: object) -> dict[str, object]:
        return {"ETag": '"bench"', "Body": io.BytesIO(self.data)}

    def put_object(self, Body: io.IOBase, **_: object) -> dict[str, str]:
        while Body.read(1 << 20):  # consume like an upload would, without keeping it
            pass
        return {"ETag": '"new"'}


def rewrite_memory(rows: int) -> dict[str, float]:
    """Peak memory of rewriting a daily file of `rows` policies to apply one change.

    The merge streams: the old file is read row by row and the new one goes to a spooled
    temporary file (in memory up to 8 MiB, then on disk), so the peak stops growing with size.
    """
    from adapters import csv_codec
    from adapters.s3_files import S3DailyFiles
    from domain.files import merge
    from domain.history import Change, ChangeKind
    from domain.model import Policy

    moment = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    template = Policy(
        policy_id="pol-template",
        policy_number="POL-BENCH",
        insurance_type="car",
        customer_id="bench-customer",
        insured_member="Bench Member, Jr.",
        start_date="2026-03-01",
        end_date="2027-03-01",
        premium="120.50",
        details={"vehicle_registration": "AB-123", "make": "Volvo"},
        version=1,
        business_date=moment.date(),
        created_at=moment,
        created_by="bench",
        updated_at=moment,
        updated_by="bench",
        pending=False,
    )
    policies = [template.model_copy(update={"policy_id": f"pol-{n:08d}"}) for n in range(rows)]
    data = csv_codec.header() + b"".join(
        csv_codec.encode_line(csv_codec.policy_cells(p)) for p in policies
    )
    amended = policies[rows // 2].model_copy(update={"version": 2})
    change = Change(
        policy_id=amended.policy_id,
        version=2,
        change=ChangeKind.UPDATED,
        at=amended.updated_at,
        by="bench",
        business_date=amended.business_date,
        fields={},
        policy=amended,
    )
    del policies
    files = S3DailyFiles(_MemoryS3(data), "bench")  # type: ignore[arg-type]
    tracemalloc.start()
    start = time.perf_counter()
    files.rewrite(amended.business_date, lambda old: merge(old, [change]))
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": rows,
        "file_mib": round(len(data) / 2**20, 2),
        "rewrite_s": round(elapsed, 2),
        "peak_mib": round(peak / 2**20, 2),
    }


def main() -> None:
    results = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cold_import_ms": {
            m: import_ms(m)
            for m in ("domain.policies", "aws_lambda_powertools.event_handler", "handlers.api")
        },
        "workload": api_and_close(int(os.environ.get("BENCH_POLICIES", "200"))),
        "rewrite_one_change": [rewrite_memory(n) for n in (5_000, 20_000, 80_000)],
    }
    out = ROOT / "bench" / "results" / "latest.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
