"""The demo county's party members: about FULL["members"] people, written through the
people bulk path (`people.bulk.encode_chunk` + `people.bulkwrite.ChunkWriter`: the same
validation, encryption and blind indexes as a roster import), then enrolled in bulk.

Some residents of villages and communities become members of their village or community
branch; the others are new people living in a grid of their organization's area (with
no household yet: the grid workers add them when they visit).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import CharField, DateTimeField, Value
from django.utils import timezone, translation

from bastion.core.audit import Action, audit_record
from bastion.core.fastfernet import uuid4_hexes
from bastion.core.idnumber import make_id_number
from bastion.demo import names as county_names
from bastion.geo.models import Level, Region
from bastion.party.demo import names
from bastion.party.demo.structure import Tree, scaled
from bastion.party.models import Membership, MemberStatus, Organization, PartyMember, Sector
from bastion.party.services.common import insert_select
from bastion.people.bulk import EncodeContext, encode_chunk
from bastion.people.bulkwrite import ChunkWriter
from bastion.people.identity import id_number_index
from bastion.people.models import Person

REFERENCE_DATE = dt.date(2020, 2, 7)
CHUNK = 5000
BATCH = 2000
KEYS = ("name", "id_number", "phone", "birth_date", "grid", "address")
# Members per branch by sector (relative weights; the total is scaled to the target).
WEIGHTS = {
    Sector.VILLAGE: 42,
    Sector.COMMUNITY: 38,
    Sector.ORGAN: 40,
    Sector.TOWN: 22,
    Sector.HOSPITAL: 12,
    Sector.SCHOOL: 24,
    Sector.STATE_ENTERPRISE: 30,
    Sector.NONPUBLIC_ENTERPRISE: 15,
    Sector.SOCIAL_ORGANIZATION: 8,
}
EMPLOYED_SHARE = {Sector.VILLAGE: 0.1, Sector.COMMUNITY: 0.2}
RESIDENT_SHARE = 0.08  # adult residents of a village or community who are members
WEIGHT_LOCAL = (Sector.VILLAGE, Sector.COMMUNITY)


@dataclass(slots=True)
class Enrolled:
    """What the rest of the demo needs to know about one member."""

    pk: int
    person_pk: int
    org: Organization
    sector: str
    employed: bool
    medical: bool
    grid_path: str


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainders)."""
    whole = sum(weights) or 1
    raw = [total * w / whole for w in weights]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Ids:
    """Valid ID numbers of the county, never one already in the registry (checked by
    blind index) nor one drawn before."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()
        self.registered = set(Person.objects.values_list("id_number_index", flat=True))

    def draw(self, born: dt.date, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if male else 0)
            number = make_id_number(county_names.DIVISION, born, sequence)
            if number not in self.used and id_number_index(number) not in self.registered:
                self.used.add(number)
                return number


def _home(rng, org: Organization, grids: list[Region], cache: dict) -> Region:
    key = org.region_path
    if key not in cache:
        inside = [g for g in grids if key and g.path.startswith(key)]
        cache[key] = inside or grids
    return rng.choice(cache[key])


def _residents(rng, tree: Tree) -> dict[int, list[tuple[int, str]]]:
    """Adult residents per village/community region pk: (person pk, grid path)."""
    adult = dt.date(REFERENCE_DATE.year - 20, REFERENCE_DATE.month, 1)
    by_unit: dict[int, list[tuple[int, str]]] = {}
    units = {org.region.path: pk for pk, org in tree.units.items()}
    for pk, path in Person.objects.filter(
        birth_date__lte=adult, party_member__isnull=True, household__isnull=False
    ).values_list("pk", "path"):
        unit_path = "/".join(path.split("/")[:3]) + "/"
        unit = units.get(unit_path)
        if unit is not None and rng.random() < RESIDENT_SHARE:
            by_unit.setdefault(unit, []).append((pk, path))
    return by_unit


def enroll_members(*, rng: random.Random, tree: Tree, ratio: float) -> list[Enrolled]:
    """Create the members (people first, then memberships); returns them in order."""
    total = scaled(names.FULL["members"], ratio, 50)
    medical_target = scaled(names.FULL["medical"], ratio, 5)
    leaves = tree.leaves
    counts = allocate(total, [WEIGHTS.get(o.sector, 10) for o in leaves])
    hospital = [i for i, o in enumerate(leaves) if o.sector == Sector.HOSPITAL]
    shortfall = medical_target - sum(counts[i] for i in hospital)
    for n in range(max(0, shortfall)):  # take from the largest branches for the hospitals
        donor = max(range(len(counts)), key=lambda i: counts[i] if i not in hospital else -1)
        counts[donor] -= 1
        counts[hospital[n % len(hospital)]] += 1

    residents = _residents(rng, tree)
    grids = list(Region.objects.filter(level=Level.GRID).order_by("path"))
    home_cache: dict = {}
    ids = _Ids(rng)
    planned: list[tuple[Organization, int | None, str]] = []  # org, existing person, grid path
    rows: list[list[str]] = []
    row_plan: list[int] = []  # index into planned for each new row
    grid_codes = {g.path: g.code for g in grids}
    for org, count in zip(leaves, counts, strict=True):
        local = residents.get(org.parent.region_id, []) if org.sector in WEIGHT_LOCAL else []
        for n in range(count):
            if local and n < count // 3:
                person_pk, path = local.pop()
                planned.append((org, person_pk, path))
                continue
            grid = _home(rng, org, grids, home_cache)
            male = rng.random() < 0.62
            age = rng.randint(23, 72)
            born = dt.date(REFERENCE_DATE.year - age, rng.randint(1, 12), rng.randint(1, 28))
            surname = rng.choice(county_names.SURNAMES)
            given = rng.choice(county_names.MALE_GIVEN if male else county_names.FEMALE_GIVEN)
            planned.append((org, None, grid.path))
            row_plan.append(len(planned) - 1)
            rows.append(
                [
                    surname + given,
                    ids.draw(born, male),
                    f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                    born.isoformat(),
                    grid_codes[grid.path],
                    "",
                ]
            )
    person_pks = _write_people(rows)
    for row_index, plan_index in enumerate(row_plan):
        org, _none_pk, path = planned[plan_index]
        planned[plan_index] = (org, person_pks[row_index], path)
    return _enroll(rng, planned)


def _write_people(rows: list[list[str]]) -> list[int]:
    """Register new people through the people bulk path; their pks in row order."""
    grids = {
        code: (pk, path, name)
        for pk, code, path, name in Region.objects.filter(level=Level.GRID).values_list(
            "pk", "code", "path", "name"
        )
    }
    stamp = timezone.now()
    ctx = EncodeContext(
        keys=KEYS,
        labels={k: k for k in KEYS},
        fernet_key=settings.FIELD_ENCRYPTION_KEYS[0],
        index_key=settings.BLIND_INDEX_KEY.encode(),
        grids=grids,
        grid_names={},
        tags={},
        default_grid=None,
        created_at=stamp.isoformat(),
        today=timezone.localdate(),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    writer = ChunkWriter(stamp=stamp, actor=None)
    indexes: list[str] = []
    for start in range(0, len(rows), CHUNK):
        chunk = list(enumerate(rows[start : start + CHUNK], start=start + 1))
        encoded = encode_chunk(ctx, chunk)
        if encoded.rejected:
            raise ValueError(f"demo member rows rejected: {encoded.rejected[:3]}")
        writer.write(encoded, ctx)
        indexes.extend(row.index for row in encoded.valid)
    pks: dict[str, int] = {}
    for start in range(0, len(indexes), 900):
        pks.update(
            Person.objects.filter(id_number_index__in=indexes[start : start + 900]).values_list(
                "id_number_index", "pk"
            )
        )
    audit_record(
        actor=None,
        action=Action.IMPORT,
        object_type="people.person",
        object_repr="demo party members",
        changes={"created": len(indexes)},
    )
    return [pks[index] for index in indexes]


def _enroll(rng, planned) -> list[Enrolled]:
    """Memberships in bulk: one executemany for the members, one INSERT ... SELECT for
    their first stay (Django's bulk_create spends most of its time compiling values)."""
    now = timezone.now()
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(now)
    rows, facts = [], []
    for (org, person_pk, path), public_id in zip(planned, uuid4_hexes(len(planned)), strict=True):
        sector = org.sector
        employed = rng.random() < EMPLOYED_SHARE.get(sector, 0.96)
        medical = sector == Sector.HOSPITAL or (sector in WEIGHT_LOCAL and rng.random() < 0.003)
        joined = dt.date(rng.randint(1975, 2019), rng.randint(1, 12), rng.randint(1, 28))
        rows.append(
            (
                public_id,
                stamp,
                stamp,
                person_pk,
                org.pk,
                org.path,
                path,
                MemberStatus.PROBATIONARY if rng.random() < 0.04 else MemberStatus.FULL,
                ops.adapt_datefield_value(joined),
                rng.choice(names.OCCUPATIONS.get(sector, ["职工"])),
                org.name.removesuffix("党支部") if employed else "",
                employed,
                medical,
                sector in (Sector.ORGAN, Sector.TOWN) and rng.random() < 0.35,
            )
        )
        facts.append((person_pk, org, sector, employed, medical, path))
    _executemany(PartyMember, MEMBER_COLUMNS, rows)
    pks = dict(
        PartyMember.objects.filter(created_at=now).values_list("person_id", "pk").iterator(BATCH)
    )
    stays = (
        PartyMember.objects.filter(created_at=now)
        .annotate(
            reason=Value("入册", output_field=CharField()),
            at=Value(now, output_field=DateTimeField()),
        )
        .values_list("pk", "organization_id", "joined_party_on", "reason", "at")
    )
    insert_select(Membership, MEMBERSHIP_COLUMNS, stays)
    audit_record(
        actor=None,
        action=Action.IMPORT,
        object_type="party.partymember",
        object_repr="demo",
        changes={"members": len(rows), "medical": sum(1 for f in facts if f[4])},
    )
    return [
        Enrolled(pks[person_pk], person_pk, org, sector, employed, medical, path)
        for person_pk, org, sector, employed, medical, path in facts
    ]


MEMBER_COLUMNS = [
    "public_id",
    "created_at",
    "updated_at",
    "person_id",
    "organization_id",
    "org_path",
    "region_path",
    "status",
    "joined_party_on",
    "occupation",
    "employer",
    "is_employed",
    "is_medical_worker",
    "is_cadre",
]
MEMBERSHIP_COLUMNS = ["member_id", "organization_id", "started_on", "reason", "recorded_at"]


def _executemany(model, columns: list[str], rows: list[tuple]) -> None:
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 - identifiers from the model
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            cursor.executemany(sql, rows[start : start + CHUNK])
