"""`policyctl seed`: N realistic random policies over D business days, through the domain.

Each day's policies are created at that day's business hours (a scripted clock), then the day
is closed, as if the system had been running; today is left open for `policyctl close`.
Going through the domain rather than HTTP skips token checks and JSON, so the load is bound by
the store alone (against moto each write copies the table, so thousands, not millions, locally).
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from adapters.clock import SystemClock
from domain.details import InsuranceType
from domain.identity import Caller, Role
from domain.model import NewPolicy, PolicyPatch, PolicyStatus
from domain.ports import Clock
from handlers.cli_commands import CommandFailed
from handlers.target import Target
from handlers.wiring import Components

FIRST = ("Ana", "Ben", "Chloe", "Dev", "Elif", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kai")
LAST = ("Berg", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito", "Jansen")
CARS = (("Volvo", "V60"), ("Toyota", "Corolla"), ("Renault", "Clio"), ("Tesla", "Model 3"))


class ScriptedClock(Clock):
    """Stands wherever the seeder puts it, so each day's policies carry that day's times."""

    def __init__(self, zone: ZoneInfo, start: datetime) -> None:
        self.zone, self.current = zone, start

    def now(self) -> datetime:
        return self.current

    def business_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def random_request(rng: random.Random, day: date) -> tuple[Caller, NewPolicy]:
    customer = f"customer-{rng.randrange(1, 1000):04d}"
    kind = rng.choice(list(InsuranceType))
    member = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    details: dict[str, Any] = {"plan": rng.choice(("bronze", "silver", "gold", "platinum"))}
    if kind is InsuranceType.CAR:
        make, model = rng.choice(CARS)
        plate = f"{rng.choice('ABCDEFGH')}-{rng.randrange(100, 9999)}"
        details = {"vehicle_registration": plate, "make": make, "model": model}
    elif kind is InsuranceType.LIFE:
        details = {"sum_assured": str(rng.randrange(50, 1000) * 1000)}
    start = day + timedelta(days=rng.randrange(0, 30))
    request = NewPolicy(
        insurance_type=kind,
        insured_member=member,
        start_date=start,
        end_date=start + timedelta(days=365),
        premium=Decimal(rng.randrange(9000, 250000)) / 100,
        details=details,
        customer_id=customer,
    )
    by_agent = rng.random() < 0.3  # agents sell about a third of the policies
    caller = Caller(f"agent-{rng.randrange(1, 6):02d}", Role.AGENT) if by_agent else None
    return caller or Caller(customer, Role.CUSTOMER), request


class Progress:
    def __init__(self, total: int, out: TextIO, width: int = 30) -> None:
        self.total, self.out, self.width, self.count = total, out, width, 0

    def advance(self) -> None:
        self.count += 1
        filled = self.width * self.count // self.total
        bar = "#" * filled + "." * (self.width - filled)
        self.out.write(f"\rseeding [{bar}] {self.count}/{self.total}")
        if self.count == self.total:
            self.out.write("\n")
        self.out.flush()


def seed(target: Target, policies: int, days: int, rng: random.Random, progress_to: TextIO) -> str:
    zone = target.settings.zone
    live: Clock = target.settable_clock() if target.is_local else SystemClock(zone)
    now = live.now()
    today = live.business_date(now)
    first = today - timedelta(days=days - 1)
    last = target.components().catalog.last_closed()
    if last is not None and first <= last < today:
        raise CommandFailed(
            f"{first}..{last} are already closed and a closed day takes no new changes; "
            f"use --days {(today - last).days} or restart the local stack"
        )
    clock = ScriptedClock(zone, now)
    parts = Components(target.settings, clock=clock, session=target.session())
    progress = Progress(policies, progress_to)
    for index in range(days):
        day = first + timedelta(days=index)
        count = policies // days + (index < policies % days)
        opening = datetime.combine(day, time(8), tzinfo=zone).astimezone(UTC)
        closing = opening + timedelta(hours=9)
        if day == today:  # up to now, and never before midnight: that would be yesterday
            midnight = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
            opening, closing = max(midnight, now - timedelta(hours=9)), now
        for n in range(count):
            clock.current = opening + (closing - opening) * n / count
            _one_policy(parts, rng, day)
            progress.advance()
        if day < today:
            clock.current = closing
            parts.day_close.close(day, owner=f"policyctl-seed:{uuid.uuid4()}")
    return (
        f"seeded {policies} policies over {days} business days ({first}..{today}); "
        f"{today} is still open: `policyctl close --date {today}` closes it"
    )


def _one_policy(parts: Components, rng: random.Random, day: date) -> None:
    caller, request = random_request(rng, day)
    policy = parts.policies.create(caller, request)
    roll = rng.random()
    if roll < 0.1:  # some customers renegotiate the premium the same day
        patch = PolicyPatch(premium=(policy.premium * Decimal("0.95")).quantize(Decimal("0.01")))
        parts.policies.amend(caller, policy.policy_id, patch)
    elif roll < 0.13:
        patch = PolicyPatch(status=PolicyStatus.CANCELLED)
        parts.policies.amend(caller, policy.policy_id, patch)
