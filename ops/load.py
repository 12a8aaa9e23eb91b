"""Mixed load against gunicorn on loopback, with an optional PostgreSQL restart mid-run.

Grid workers enter follow-ups and household visits, volunteers list and claim tasks, the
command reads indicators and a town officer opens report and dashboard pages, all at
once, for a bounded time (`--think 0` drops the pauses: the servers' capacity). At the
end:

- no response is a 500 (outside a PostgreSQL restart window, none is a 5xx at all;
  inside it, the app answers 503 with Retry-After, or the connection is refused);
- the memory of gunicorn (master and workers) grows less than 10 % from the warmed-up
  baseline to the end;
- every write the server acknowledged (201) is in the database.

    .venv/bin/python -m ops.load --minutes 10
    .venv/bin/python -m ops.load --seconds 90 --restart-postgres-after 30

`--restart-postgres-after` runs `pg_ctlcluster 15 main restart` (a few seconds down;
it disturbs every other user of the shared server).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from ops import stack

PASSWORD_USERS = ("grid", "volunteer", "command", "town")


def _fixtures() -> dict:
    """Tokens, observations, a campaign, tasks and a page session for the load's clients."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bastion.access.services import api_token_create
    from bastion.campaigns.services.campaigns import campaign_create
    from bastion.geo.models import Household, Region
    from bastion.monitoring.models import Observation, Policy
    from bastion.monitoring.services.observations import observation_register
    from bastion.people.models import Person
    from bastion.volunteers.models import ResidentVolunteer, Task
    from bastion.volunteers.services.tasks import Publisher, TaskInput, task_publish
    from tests.live import session_for

    users = {u.username: u for u in get_user_model().objects.filter(username__in=PASSWORD_USERS)}
    grid_user, town_user = users["grid"], users["town"]
    grid = Region.objects.get(pk=grid_user.roles.first().region_id)
    today = timezone.localdate()
    policy = Policy.objects.get(category="returnee")
    under = set(
        Observation.objects.filter(ended_at__isnull=True).values_list("person_id", flat=True)
    )
    for person in Person.objects.filter(region=grid).exclude(pk__in=under)[:8]:
        observation_register(actor=grid_user, policy=policy, person=person, origin="湖北省武汉市",
                             arrived_on=today - dt.timedelta(days=2))  # fmt: skip
    observations = [
        str(o.public_id) for o in Observation.objects.filter(region=grid, ended_at__isnull=True)
    ]
    # A campaign of its own per run, so that households are there to visit.
    campaign = campaign_create(
        actor=town_user, name=f"压测排查{uuid.uuid4().hex[:6]}", kind="carpet", starts_on=today,
        ends_on=today + dt.timedelta(days=30), regions=[grid.parent.parent],
    )  # fmt: skip
    households = [str(h.public_id) for h in Household.objects.filter(path__startswith=grid.path)]
    resident = ResidentVolunteer.objects.filter(user=users["volunteer"]).first()
    community = resident.community if resident else grid.parent
    task_grid = resident.home_grid if resident else grid
    tasks = list(
        Task.objects.filter(title__startswith="压测任务").values_list("public_id", flat=True)
    )
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    for i in range(len(tasks), 120):
        task = task_publish(
            actor=users["command"] if not resident else None,
            publisher=Publisher("community", community=community),
            data=TaskInput(
                title=f"压测任务{i}",
                kind="door_duty",
                location_kind="grid",
                region=task_grid,
                slots=1000,
            ),  # fmt: skip
            starts_at=start + dt.timedelta(hours=2 * i),
            ends_at=start + dt.timedelta(hours=2 * i + 1),
        )
        tasks.append(task.public_id)

    def token(username: str) -> str:
        user = users[username]
        return api_token_create(actor=user, user=user, name=f"load-{uuid.uuid4().hex[:6]}")[1]

    return {
        "grid": token("grid"),
        "volunteer": token("volunteer"),
        "command": token("command"),
        "town_session": session_for(town_user),
        "observations": observations,
        "campaign": str(campaign.public_id),
        "households": households,
        "tasks": [str(t) for t in tasks],
    }


class Load:
    def __init__(
        self, port: int, fx: dict, tally: stack.Tally, stop: threading.Event, think: float = 1.0
    ):
        self.port, self.fx, self.tally, self.stop = port, fx, tally, stop
        self.think = think  # scales every pause between requests; 0 = back to back
        self.lock = threading.Lock()
        self.events: list[tuple[float, str, int]] = []

    def _do(self, kind: str, method: str, path: str, headers: dict, body=None):
        begun = time.monotonic()
        status, parsed, _h = stack.call(self.port, method, path, headers, body)
        with self.lock:
            self.tally.add(kind, status, time.monotonic() - begun)
            self.events.append((time.time(), kind, status))
        return status, parsed

    def _pause(self, rng: random.Random, low: float, high: float) -> None:
        if self.think > 0:
            time.sleep(rng.uniform(low, high) * self.think)

    def grid_worker(self, rng: random.Random) -> None:
        auth = {"Authorization": f"Bearer {self.fx['grid']}"}
        while not self.stop.is_set():
            if self.fx["observations"] and rng.random() < 0.6:
                note = f"load-{uuid.uuid4().hex}"
                obs = rng.choice(self.fx["observations"])
                key = {"Idempotency-Key": str(uuid.uuid4())}
                body = {"temperature": f"36.{rng.randint(0, 9)}", "symptoms": [], "note": note}
                status, _ = self._do("followup", "POST",
                                     f"/api/v1/monitoring/observations/{obs}/followups",
                                     {**auth, **key}, body)  # fmt: skip
                if status == 201:
                    self.tally.acknowledged.append(("followup", note))
            else:
                body = {"household": rng.choice(self.fx["households"]), "outcome": "visited",
                        "people_present": rng.randint(1, 4)}  # fmt: skip
                status, parsed = self._do(
                    "visit", "POST", f"/api/v1/campaigns/campaigns/{self.fx['campaign']}/visits",
                    {**auth, "Idempotency-Key": str(uuid.uuid4())}, body,
                )  # fmt: skip
                if status == 201 and parsed:
                    self.tally.acknowledged.append(("visit", parsed["public_id"]))
            self._pause(rng, 0.05, 0.3)

    def volunteer(self, rng: random.Random) -> None:
        auth = {"Authorization": f"Bearer {self.fx['volunteer']}"}
        while not self.stop.is_set():
            if rng.random() < 0.5:
                self._do("tasks", "GET", "/api/v1/volunteers/tasks", auth)
            else:
                task = rng.choice(self.fx["tasks"])
                status, parsed = self._do(
                    "claim", "POST", f"/api/v1/volunteers/tasks/{task}/claim",
                    {**auth, "Idempotency-Key": str(uuid.uuid4())}, {},
                )  # fmt: skip
                if status == 201 and parsed:
                    self.tally.acknowledged.append(("claim", parsed["public_id"]))
            self._pause(rng, 0.05, 0.3)

    def command(self, rng: random.Random) -> None:
        auth = {"Authorization": f"Bearer {self.fx['command']}"}
        cookie = {"Cookie": f"sessionid={self.fx['town_session']}"}
        codes = []
        while not self.stop.is_set():
            if not codes:
                status, listed = self._do("indicators", "GET", "/api/v1/indicators", auth)
                codes = [i["code"] for i in listed or []][:12] if status == 200 else []
                if not codes:
                    time.sleep(0.5)
                    continue
            roll = rng.random()
            if roll < 0.45:
                self._do("indicator", "GET", f"/api/v1/indicators/{rng.choice(codes)}", auth)
            elif roll < 0.6:
                self._do("page", "GET", "/reports/", cookie)
            elif roll < 0.75:
                self._do("dashboard", "GET", "/reports/dashboard/", cookie)
            elif roll < 0.9:  # the dashboard's own refresh
                self._do("dashboard", "GET", "/reports/dashboard/data/figures.json", cookie)
            else:
                self._do("page", "GET", "/", cookie)
            self._pause(rng, 0.1, 0.5)


def _restart_postgresql() -> tuple[float, float]:
    began = time.time()
    subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True, timeout=120)  # noqa: S607
    return began, time.time()


def _missing(acknowledged: list) -> list:
    from bastion.campaigns.models import HouseholdVisit
    from bastion.monitoring.models import FollowUp
    from bastion.volunteers.models import Claim

    wanted: dict[str, list] = {}
    for kind, ident in acknowledged:
        wanted.setdefault(kind, []).append(ident)
    found = {
        "followup": set(FollowUp.objects.filter(note__in=wanted.get("followup", []))
                        .values_list("note", flat=True)),  # fmt: skip
        "visit": {str(v) for v in HouseholdVisit.objects.filter(
            public_id__in=wanted.get("visit", [])).values_list("public_id", flat=True)},
        "claim": {str(v) for v in Claim.objects.filter(
            public_id__in=wanted.get("claim", [])).values_list("public_id", flat=True)},
    }  # fmt: skip
    return [(k, i) for k, i in acknowledged if str(i) not in found[k]]


def run(args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="bastion-load-"))
    env = stack.environment(args.db, work)
    stack.ensure_database(args.db)
    stack.django_setup(env)
    stack.prepare(args.db)
    fx = _fixtures()
    server = stack.start_gunicorn(env, work, workers=args.workers)
    tally, stop = stack.Tally(), threading.Event()
    load = Load(server.port, fx, tally, stop, think=args.think)
    roles = [load.grid_worker] * args.grid + [load.volunteer] * args.volunteers
    roles += [load.command] * args.command
    threads = [threading.Thread(target=r, args=(random.Random(i),), daemon=True)  # noqa: S311
               for i, r in enumerate(roles)]  # fmt: skip
    duration = args.minutes * 60 + args.seconds
    memory: list[tuple[float, int]] = []
    restart = None
    began = time.time()
    try:
        for thread in threads:
            thread.start()
        while (elapsed := time.time() - began) < duration:
            memory.append((elapsed, server.rss_kib()))
            if args.restart_postgres_after is not None and restart is None \
                    and elapsed >= args.restart_postgres_after:  # fmt: skip
                restart = _restart_postgresql()
            # Every 5 s, or 20 samples in all on a short run (its warm window needs some).
            time.sleep(min(5, duration / 20, max(0.1, duration - elapsed)))
        stop.set()
        for thread in threads:
            thread.join(60)
        memory.append((time.time() - began, server.rss_kib()))
    finally:
        stop.set()
        server.stop()
    from django.db import connections

    connections.close_all()
    window = (restart[0], restart[1] + args.recovery_seconds) if restart else None
    in_window = [e for e in load.events if window and window[0] <= e[0] <= window[1]]
    outside = [e for e in load.events if not (window and window[0] <= e[0] <= window[1])]
    warm = [kib for t, kib in memory if duration * 0.2 <= t <= duration * 0.4] or [memory[0][1]]
    end = [kib for t, kib in memory if t >= duration * 0.8] or [memory[-1][1]]
    baseline, final = statistics.median(warm), statistics.median(end)
    after = [e for e in load.events if restart and e[0] > restart[1] + args.recovery_seconds]
    report = {
        "seconds": round(time.time() - began),
        "workers": args.workers,
        "clients": len(roles),
        "requests": len(load.events),
        "requests_per_second": round(len(load.events) / duration, 1),
        "latency_p50_ms": round(stack.percentile(tally.latencies, 0.5) * 1000, 1),
        "latency_p95_ms": round(stack.percentile(tally.latencies, 0.95) * 1000, 1),
        "outcomes": dict(sorted(tally.counts.items())),
        "5xx_outside_restart": sum(1 for e in outside if e[2] >= 500 or e[2] == 0),
        "500_total": sum(1 for e in load.events if e[2] == 500),
        "memory_baseline_mib": round(baseline / 1024, 1),
        "memory_final_mib": round(final / 1024, 1),
        "memory_growth_percent": round((final - baseline) / baseline * 100, 2),
        "acknowledged_writes": len(tally.acknowledged),
        "acknowledged_missing": len(_missing(tally.acknowledged)),
    }
    if restart:
        statuses: dict[str, int] = {}
        for e in in_window:
            statuses[str(e[2])] = statuses.get(str(e[2]), 0) + 1
        report["restart_seconds"] = round(restart[1] - restart[0], 1)
        report["restart_window_statuses"] = statuses
        report["ok_after_recovery"] = sum(1 for e in after if e[2] < 500 and e[2] != 0)
        report["failed_after_recovery"] = sum(1 for e in after if e[2] >= 500 or e[2] == 0)
    report["passed"] = (
        report["5xx_outside_restart"] == 0
        and report["500_total"] == 0
        and report["acknowledged_missing"] == 0
        and (restart is not None or report["memory_growth_percent"] < 10)
        and (
            restart is None
            or (report["ok_after_recovery"] > 0 and report["failed_after_recovery"] == 0)
        )  # fmt: skip
    )
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=0)
    parser.add_argument("--seconds", type=float, default=0)
    parser.add_argument("--db", default="bastion_reliab_ops")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--grid", type=int, default=6, help="grid-worker clients")
    parser.add_argument("--volunteers", type=int, default=4, help="volunteer clients")
    parser.add_argument("--command", type=int, default=3, help="command clients")
    parser.add_argument("--think", type=float, default=1.0,
                        help="scale of the pauses between requests (0: back to back)")  # fmt: skip
    parser.add_argument("--restart-postgres-after", type=float, default=None, metavar="SECONDS")
    parser.add_argument("--recovery-seconds", type=float, default=10,
                        help="after the restart, how long failures are still expected")  # fmt: skip
    args = parser.parse_args(argv)
    if args.minutes * 60 + args.seconds <= 0:
        parser.error("give --minutes or --seconds")
    report = run(args)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
