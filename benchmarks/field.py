"""Field mode benchmark: what a phone downloads the first time it opens a field page, and
how fast the day's bundle and one queued entry are answered, for a busy grid worker.

`python -m benchmarks field [--people N] [--households N]` on PostgreSQL (DATABASE_URL
names the server; the benchmark creates and migrates its own database
`bastion_field_bench` there and drops nothing else). One grid holds `--people` people
under observation since yesterday (the grid worker answers for all of them) and
`--households` households in a running campaign. Sizes are the bytes of each response
as served (raw) and gzip-compressed (what whitenoise and a reverse proxy send); the first
load of a page is the page, its stylesheet, script and icon, and the day's bundle; the
service worker then fetches the other pages, the manifest and the large icon once
(counted separately). Times: median and p95 through Django's test client after a
warm-up. Figures go to stdout and to benchmarks/out/field.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from benchmarks import run_child
from benchmarks.monitoring import _bench_url, _ensure_database, _timed

OUT = Path(__file__).parent / "out"
BENCH_DB = "bastion_field_bench"
ROOT = Path(__file__).resolve().parent.parent
WORKER = "bench_field_worker"
PAGES = ["/field/", "/field/today/", "/field/visits/", "/field/tasks/", "/field/incident/"]


def generate(*, people: int, households: int) -> dict:
    """A county > town > community > grid with a grid worker, `people` under observation
    since yesterday and `households` in a running campaign of the town."""
    from django.db import transaction
    from django.utils import timezone

    from bastion.access.models import RoleAssignment, User
    from bastion.access.roles import Role
    from bastion.campaigns.services.campaigns import campaign_create
    from bastion.core.idnumber import make_id_number
    from bastion.geo.models import Level
    from bastion.geo.services import household_create, region_create
    from bastion.monitoring.models import Policy
    from bastion.monitoring.services.observations import observation_register
    from bastion.people.identity import id_number_fields
    from bastion.people.models import Person

    today = timezone.localdate()
    with transaction.atomic():
        county = region_create(code="430121000000", name="长沙县", level=Level.COUNTY, parent=None)
        town = region_create(
            code="430121001000", name="星沙街道", level=Level.SUBDISTRICT, parent=county
        )
        community = region_create(
            code="430121001001", name="松雅社区", level=Level.COMMUNITY, parent=town
        )
        grid = region_create(
            code="430121001001001", name="松雅第一网格", level=Level.GRID, parent=community
        )
        worker = User.objects.create_user(username=WORKER, password=uuid.uuid4().hex)
        RoleAssignment.objects.create(
            user=worker, role=Role.GRID_WORKER, region=grid, region_path=grid.path
        )
        officer = User.objects.create_user(username="bench_field_town", password=uuid.uuid4().hex)
        RoleAssignment.objects.create(
            user=officer, role=Role.TOWN_OFFICER, region=town, region_path=town.path
        )
        homes = [
            household_create(grid=grid, label=f"{n // 6 + 1}栋{n % 6 + 1:02d}01")
            for n in range(households)
        ]
        policy = Policy.objects.get(category="returnee")
        born = dt.date(1980, 1, 1)
        for n in range(people):
            number = make_id_number("430121", born + dt.timedelta(days=n), (n * 2 + 1) % 1000)
            person = Person.objects.create(
                name=f"测试{n:03d}",
                gender="M",
                birth_date=born + dt.timedelta(days=n),
                region=grid,
                path=grid.path,
                household=homes[n % len(homes)] if homes else None,
                **id_number_fields(number),
            )
            observation_register(
                actor=worker,
                policy=policy,
                person=person,
                origin="湖北省武汉市",
                arrived_on=today - dt.timedelta(days=1),
            )
        campaign_create(
            actor=officer,
            name="星沙街道地毯式排查",
            kind="carpet",
            starts_on=today - dt.timedelta(days=1),
            ends_on=today + dt.timedelta(days=10),
            regions=[town],
            instructions="逐户敲门",
            now=timezone.now() - dt.timedelta(days=1),
        )
    return {"people": people, "households": households}


def _client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=WORKER))
    return client


def _sizes(client, url: str, **headers) -> dict:
    from django.conf import settings
    from django.contrib.staticfiles import finders

    if url.startswith(settings.STATIC_URL):
        body = Path(finders.find(url[len(settings.STATIC_URL) :])).read_bytes()
    else:
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content
    return {"raw": len(body), "gzip": len(gzip.compress(body, 9))}


def measure_sizes() -> dict:
    """Bytes of each field page's first load and of the worker's precache."""
    from django.templatetags.static import static

    client = _client()
    html = {"HTTP_ACCEPT": "text/html"}
    assets = [
        static("field/field.css"),
        static("field/field.js"),
        static("field/icons/icon-192.png"),
    ]
    asset_sizes = {url: _sizes(client, url) for url in assets}
    day = _sizes(client, "/api/v1/field/day")
    pages = {}
    for url in PAGES:
        page = _sizes(client, url, **html)
        items = [page, *asset_sizes.values(), day]
        pages[url] = {
            "page": page,
            "first_load_raw": sum(i["raw"] for i in items),
            "first_load_gzip": sum(i["gzip"] for i in items),
        }
    precache = [
        _sizes(client, u, **html) for u in ["/field/manifest.webmanifest", "/field/sw.js"]
    ] + [_sizes(client, static("field/icons/icon-512.png"))]
    shells = [pages[u]["page"] for u in PAGES]
    worker_raw = sum(i["raw"] for i in precache) + sum(s["raw"] for s in shells[1:])
    worker_gzip = sum(i["gzip"] for i in precache) + sum(s["gzip"] for s in shells[1:])
    worst = max(pages.values(), key=lambda p: p["first_load_raw"])
    return {
        "assets": asset_sizes,
        "day_bundle": day,
        "pages": pages,
        "worker_precache_extra": {"raw": worker_raw, "gzip": worker_gzip},
        "first_visit_total_raw": worst["first_load_raw"] + worker_raw,
        "first_visit_total_gzip": worst["first_load_gzip"] + worker_gzip,
    }


def measure_times(runs: int = 10) -> dict:
    """The day's bundle and one follow-up entry through the sync endpoint."""
    from bastion.field.services import ticket_for
    from bastion.monitoring.models import Observation

    client = _client()
    results = {"GET /api/v1/field/day": _timed(lambda: client.get("/api/v1/field/day"), runs)}
    observations = list(Observation.objects.order_by("id")[: runs + 1])
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=WORKER)
    queue = iter(observations)

    def submit():
        observation = next(queue)
        target = str(observation.public_id)
        body = {
            "format": 2,
            "kind": "followup",
            "target": target,
            "ticket": ticket_for(user, "observation", target),
            "data": {"temperature": "36.6", "contact": "seen", "at_home": True},
        }
        response = client.post(
            "/api/v1/field/entries",
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
        )
        assert response.status_code == 201, response.content

    if len(observations) > runs:
        results["POST /api/v1/field/entries (follow-up)"] = _timed(submit, runs)
    return results


def _child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    if args.child == "generate":
        from bastion.monitoring.models import Observation

        if Observation.objects.exists():
            print(json.dumps({"reused": True, "people": Observation.objects.count()}))
            return 0
        print(json.dumps(generate(people=args.people, households=args.households)))
        return 0
    print(json.dumps({"sizes": measure_sizes(), "times": measure_times()}))
    return 0


def _run(env: dict, *child_args: str) -> dict:
    return run_child(env, "benchmarks field", *child_args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks field", description=__doc__)
    parser.add_argument("--people", type=int, default=60, help="people due today in the grid")
    parser.add_argument("--households", type=int, default=300, help="households in the round")
    parser.add_argument("--fresh", action="store_true", help="recreate bastion_field_bench first")
    parser.add_argument("--child", choices=["generate", "measure"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    url = _bench_url(BENCH_DB)
    _ensure_database(url, fresh=args.fresh, db=BENCH_DB)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bastion.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, check=True
    )
    results: dict = {"cpus": os.cpu_count(), "at": dt.datetime.now(dt.UTC).isoformat()}
    results["data"] = _run(
        env,
        "--child",
        "generate",
        "--people",
        str(args.people),
        "--households",
        str(args.households),
    )
    results.update(_run(env, "--child", "measure"))
    _print(results)
    OUT.mkdir(exist_ok=True)
    (OUT / "field.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


def _print(results: dict) -> None:
    sizes = results["sizes"]
    print(f"data: {results['data']}")
    print(f"day bundle: {sizes['day_bundle']['raw']} B raw, {sizes['day_bundle']['gzip']} B gzip")
    for url, page in sizes["pages"].items():
        print(
            f"{url:20} first load {page['first_load_raw']:>7} B raw {page['first_load_gzip']:>7} B gzip"
        )
    extra = sizes["worker_precache_extra"]
    print(f"worker precache extra: {extra['raw']} B raw, {extra['gzip']} B gzip")
    print(
        f"first visit in all: {sizes['first_visit_total_raw']} B raw, "
        f"{sizes['first_visit_total_gzip']} B gzip"
    )
    for name, t in results["times"].items():
        print(f"{name:45} median {t['median_ms']:>8} ms  p95 {t['p95_ms']:>8} ms")
