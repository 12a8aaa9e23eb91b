"""Supplies benchmark: the ledger's figures, the public page, issuing under the warehouse
lock (one keeper, and several at once) and the auditors' export, on a county-sized ledger.

`python -m benchmarks supplies [--donations N] [--threads T] [--issues K] [--fresh]` on
PostgreSQL (DATABASE_URL names the server; the benchmark creates and migrates its own
database `bastion_bench_supplies` there and drops nothing else). The ledger is written
with bulk inserts, not services: N donations received (one lot each) and N/2 allocations
issued from them. Figures go to stdout and to benchmarks/out/supplies.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

OUT = Path(__file__).parent / "out"
BENCH_DB = "bastion_bench_supplies"
ROOT = Path(__file__).resolve().parent.parent
ITEMS = [
    ("mask", "医用口罩", "medical", "piece", "2.5"),
    ("alcohol", "75%酒精", "disinfection", "kg", "20"),
    ("rice", "大米", "food", "kg", "5"),
    ("suit", "防护服", "medical", "jian", "150"),
    ("gloves", "手套", "medical", "pair", "5"),
    ("purifier", "空气净化器", "equipment", "tai", "2000"),
]


# --- Data ------------------------------------------------------------------------------


def generate(*, donations: int = 20_000, county=None, town=None) -> dict:
    """A county (unless given, with one of its towns), a warehouse, six items, `donations`
    received donations (one lot each) and donations/2 allocations to the town, each issued
    from one lot and confirmed. Bulk inserts."""
    from django.db import transaction
    from django.utils import timezone

    from bastion.access.models import RoleAssignment, User
    from bastion.access.roles import Role
    from bastion.geo.models import Level
    from bastion.geo.services import region_create
    from bastion.supplies import models as m
    from bastion.supplies.services.catalogue import item_create
    from bastion.supplies.services.stock import warehouse_create

    if not m.Unit.objects.exists():
        from importlib import import_module

        from django.apps import apps

        import_module("bastion.supplies.migrations.0002_standard_units").seed(apps, None)
    now = timezone.now()
    with transaction.atomic():
        own_county = county is None
        if own_county:
            county = region_create(
                code="430121000000", name="长沙县", level=Level.COUNTY, parent=None
            )
            town = region_create(
                code="430121001000", name="星沙街道", level=Level.SUBDISTRICT, parent=county
            )
        keepers = []
        for n in range(4):
            user = User.objects.create_user(username=f"bench_keeper{n}", password=None)
            RoleAssignment.objects.create(
                user=user, role=Role.WAREHOUSE_KEEPER, region=county, region_path=county.path
            )
            keepers.append(user)
        if own_county:
            command = User.objects.create_user(username="bench_command", password=None)
            RoleAssignment.objects.create(
                user=command, role=Role.COUNTY_COMMAND, region=county, region_path=county.path
            )
        warehouse = warehouse_create(
            actor=None, code="bench", name="基准仓库", region=county, keepers=keepers
        )
        units = {u.code: u for u in m.Unit.objects.all()}
        items = [
            item_create(
                actor=None, code=code, name=name, category=cat, base_unit=units[unit],
                reference_price=price,
            )
            for code, name, cat, unit, price in ITEMS
        ]  # fmt: skip
        donors = m.Donor.objects.bulk_create(
            m.Donor(
                kind="enterprise_nonpublic",
                name=f"基准捐赠企业{n:04d}",
                disclosure="anonymous" if n % 10 == 0 else "name",
                region=county,
                path=county.path,
            )
            for n in range(200)
        )
        start = now - dt.timedelta(days=30)
        donation_rows = m.Donation.objects.bulk_create(
            m.Donation(
                donor=donors[n % len(donors)],
                number=f"JZ{start.year}-{n + 1:06d}",
                pledged_on=start.date(),
                region=county,
                path=county.path,
                first_received_at=start + dt.timedelta(minutes=n),
            )
            for n in range(donations)
        )
        lines = m.DonationLine.objects.bulk_create(
            m.DonationLine(
                donation=d,
                item=items[n % len(items)],
                quantity=Decimal(1000),
                unit=items[n % len(items)].base_unit,
                quantity_base=Decimal(1000),
            )
            for n, d in enumerate(donation_rows)
        )
        receipts = m.DonationReceipt.objects.bulk_create(
            m.DonationReceipt(donation=d, warehouse=warehouse, received_at=d.first_received_at)
            for d in donation_rows
        )
        lots = m.Lot.objects.bulk_create(
            m.Lot(
                warehouse=warehouse,
                item_id=line.item_id,
                source="donation",
                donation_line=line,
                receipt=r,
                received_at=r.received_at,
            )
            for line, r in zip(lines, receipts, strict=True)
        )
        m.StockMove.objects.bulk_create(
            m.StockMove(
                warehouse=warehouse,
                item_id=lot.item_id,
                lot=lot,
                kind="received",
                quantity=Decimal(1000),
                path=warehouse.path,
                at=lot.received_at,
                receipt_id=lot.receipt_id,
            )
            for lot in lots
        )
        allocations = m.Allocation.objects.bulk_create(
            m.Allocation(
                number=f"FP{start.year}-{n + 1:06d}",
                recipient_kind="region",
                recipient_region=town,
                recipient_name=town.name,
                path=town.path,
                warehouse=warehouse,
                warehouse_path=warehouse.path,
                reason="基准",
                status="approved",
                requested_at=start + dt.timedelta(minutes=n),
                decided_at=start + dt.timedelta(minutes=n + 1),
            )
            for n in range(donations // 2)
        )
        alloc_lines = m.AllocationLine.objects.bulk_create(
            m.AllocationLine(
                allocation=a,
                item_id=lots[n].item_id,
                quantity=Decimal(500),
                unit_id=lots[n].item.base_unit_id,
                requested_base=Decimal(500),
                approved_base=Decimal(500),
            )
            for n, a in enumerate(allocations)
        )
        shipments = m.Shipment.objects.bulk_create(
            m.Shipment(
                number=f"CK{start.year}-{n + 1:06d}",
                allocation=a,
                warehouse=warehouse,
                issued_at=a.decided_at + dt.timedelta(hours=1),
                received_at=a.decided_at + dt.timedelta(hours=5),
            )
            for n, a in enumerate(allocations)
        )
        m.StockMove.objects.bulk_create(
            m.StockMove(
                warehouse=warehouse,
                item_id=lots[n].item_id,
                lot=lots[n],
                kind="issued",
                quantity=Decimal(-500),
                path=warehouse.path,
                at=s.issued_at,
                shipment=s,
                allocation_line=line,
            )
            for n, (s, line) in enumerate(zip(shipments, alloc_lines, strict=True))
        )
        m.ShipmentReceiptLine.objects.bulk_create(
            m.ShipmentReceiptLine(
                shipment=s,
                allocation_line=line,
                issued_base=Decimal(500),
                received_base=Decimal(500) - (n % 50 == 0),
                shortfall_note="短少" if n % 50 == 0 else "",
            )
            for n, (s, line) in enumerate(zip(shipments, alloc_lines, strict=True))
        )
    from django.db import connection

    if connection.vendor == "postgresql":  # bulk loads leave the planner's statistics stale
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "donations": donations,
        "lots": len(lots),
        "moves": m.StockMove.objects.count(),
        "allocations": len(allocations),
    }


# --- Measurements ----------------------------------------------------------------------


def _timed(fn, runs: int) -> dict:
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "runs": runs,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
    }


def _approved(item, pieces: str):
    """An approved allocation of `pieces` of `item` from the bench warehouse."""
    from bastion.access.models import User
    from bastion.geo.models import Region
    from bastion.supplies.models import Warehouse
    from bastion.supplies.services.allocations import (
        Approval,
        RequestLine,
        allocation_decide,
        allocation_request,
    )

    command = User.objects.get(username="bench_command")
    town = Region.objects.get(code="430121001000")
    allocation = allocation_request(
        actor=command,
        recipient=town,
        lines=[RequestLine(item, pieces, item.base_unit)],
        reason="基准",
    )
    return allocation_decide(
        actor=command,
        allocation=allocation,
        approvals=[Approval(allocation.lines.get(), pieces)],
        warehouse=Warehouse.objects.get(code="bench"),
    )


def measure_inprocess(*, runs: int = 10) -> dict:
    """Figures over the whole ledger, the public page, one issue, the ledger export."""
    from django.test import Client

    from bastion.access.models import User
    from bastion.supplies.models import Item, StockMove
    from bastion.supplies.selectors.stock import stock_rows
    from bastion.supplies.selectors.summary import public_sources, totals
    from bastion.supplies.services.allocations import IssueLine, shipment_issue

    results: dict = {}
    results["stock_rows"] = _timed(lambda: stock_rows(StockMove.objects.all()), runs)
    results["public_totals"] = _timed(lambda: totals(public_sources()), runs)
    client = Client(REMOTE_ADDR="127.0.0.9")

    def page():
        response = client.get("/public/supplies/")
        assert response.status_code == 200, response.status_code

    from django.test import override_settings

    with override_settings(BASTION_PUBLIC_REQUESTS_PER_MINUTE=10**6, ALLOWED_HOSTS=["testserver"]):
        results["public_page"] = _timed(page, runs)
    item = Item.objects.get(code="mask")
    keeper = User.objects.get(username="bench_keeper0")
    pending = [_approved(item, "10") for _ in range(runs + 1)]

    def issue():
        allocation = pending.pop()
        shipment_issue(
            actor=keeper, allocation=allocation, lines=[IssueLine(allocation.lines.get(), "10")]
        )

    results["issue_one"] = _timed(issue, runs)
    command = User.objects.get(username="bench_command")
    from django.test import RequestFactory

    from bastion.supplies.exports import ledger_workbook
    from bastion.supplies.selectors.stock import move_list

    def export():
        request = RequestFactory().get("/supplies/ledger/export/")
        request.user = command
        response = ledger_workbook(request=request, moves=move_list(user=command), filters={})
        b"".join(response.streaming_content)

    results["ledger_export"] = _timed(export, max(2, runs // 5))
    results["ledger_export"]["rows"] = StockMove.objects.count()
    return results


def measure_concurrent(*, threads: int = 4, issues: int = 20) -> dict:
    """`threads` keepers issue `issues` shipments each from the same warehouse at once;
    the last lot is contended. Reports throughput and that nothing was overdrawn."""
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.db.models import Sum

    from bastion.access.models import User
    from bastion.supplies.models import Item, StockMove
    from bastion.supplies.services.allocations import IssueLine, shipment_issue

    item = Item.objects.get(code="suit")
    pending = [[_approved(item, "5") for _ in range(issues)] for _ in range(threads)]
    keepers = [User.objects.get(username=f"bench_keeper{n % 4}") for n in range(threads)]
    barrier = threading.Barrier(threads)
    done: list[int] = [0] * threads
    refused: list[int] = [0] * threads

    def worker(index: int) -> None:
        try:
            barrier.wait()
            for allocation in pending[index]:
                try:
                    shipment_issue(
                        actor=keepers[index],
                        allocation=allocation,
                        lines=[IssueLine(allocation.lines.get(), "5")],
                    )
                    done[index] += 1
                except ValidationError:
                    refused[index] += 1
        finally:
            connection.close()

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seconds = time.perf_counter() - started
    negative = (
        StockMove.objects.filter(item=item)
        .values("lot_id")
        .annotate(t=Sum("quantity"))
        .filter(t__lt=0)
        .count()
    )
    return {
        "threads": threads,
        "issues": sum(done),
        "refused": sum(refused),
        "seconds": round(seconds, 2),
        "issues_per_s": round(sum(done) / seconds, 1) if seconds else None,
        "negative_lots": negative,
    }


# --- Orchestration ---------------------------------------------------------------------


def _bench_url() -> str:
    from urllib.parse import urlsplit, urlunsplit

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("the benchmark needs DATABASE_URL=postgres://... (PostgreSQL)")
    return urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DB}"))


def _ensure_database(url: str, *, fresh: bool) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if exists and fresh:
            conn.execute(f'DROP DATABASE "{BENCH_DB}" WITH (FORCE)')  # our own database only
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from bastion.supplies.models import Warehouse

    result: dict = {}
    if not Warehouse.objects.filter(code="bench").exists():
        started = time.perf_counter()
        result["data"] = generate(donations=args.donations)
        result["data"]["seconds"] = round(time.perf_counter() - started, 1)
    result["inprocess"] = measure_inprocess(runs=args.runs)
    result["concurrent"] = measure_concurrent(threads=args.threads, issues=args.issues)
    print(json.dumps(result, ensure_ascii=False, default=str))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks supplies", description=__doc__)
    parser.add_argument("--donations", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--issues", type=int, default=20, help="shipments per thread")
    parser.add_argument("--fresh", action="store_true", help=f"recreate {BENCH_DB} first")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args)
    if not 1 <= args.threads <= 8:
        raise SystemExit("--threads must be 1-8 (bounded load)")
    url = _bench_url()
    _ensure_database(url, fresh=args.fresh)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="bastion.settings")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--noinput", "-v", "0"], env=env, check=True
    )
    child = [
        sys.executable, "-m", "benchmarks", "supplies", "--child",
        "--donations", str(args.donations), "--runs", str(args.runs),
        "--threads", str(args.threads), "--issues", str(args.issues),
    ]  # fmt: skip
    out = subprocess.run(child, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    results = json.loads(out.stdout.strip().splitlines()[-1])
    results["cpus"] = os.cpu_count()
    results["at"] = dt.datetime.now(dt.UTC).isoformat()
    print(json.dumps(results, indent=2, ensure_ascii=False))
    OUT.mkdir(exist_ok=True)
    (OUT / "supplies.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
