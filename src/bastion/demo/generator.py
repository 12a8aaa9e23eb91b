"""The demo county generator: a county shaped like Changsha County, deterministic per seed.

Everything is written through the apps' services (regions and households through
geo.services, people through bastion.people.services, users through access), so the
demo exercises the same code paths as real data entry.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from bastion.core.idnumber import make_id_number
from bastion.demo import names
from bastion.demo.people import PeopleWriter
from bastion.demo.users import create_demo_users, demo_admin
from bastion.geo.models import Household, Level, Region
from bastion.geo.services import household_create, region_create

# Ages are counted from the scenario's date, so a seed always gives the same people.
REFERENCE_DATE = dt.date(2020, 2, 7)
TOWN_COLUMNS = 6
TOWN_WIDTH, TOWN_HEIGHT = 0.06, 0.05  # degrees of longitude / latitude
PHONE_PREFIXES = ["138", "139", "137", "135", "150", "151", "158", "186", "187", "173", "199"]
CARE_TAGS = {
    "elderly_alone": ("独居老人", "Elderly living alone"),
    "chronic": ("慢性病", "Chronic illness"),
    "pregnant": ("孕产妇", "Pregnant"),
    "disabled": ("残疾人", "Disabled"),
}
HOUSEHOLD_SIZES = [1, 2, 3, 4, 5]
HOUSEHOLD_WEIGHTS = [8, 22, 35, 25, 10]
_NUMERALS = "一二三四五六七八九十"


class DemoError(Exception):
    """The demo cannot run (for example the county already exists); str() is for the user."""


@dataclass(frozen=True)
class DemoSize:
    villages_per_town: int = 3
    grids_per_village: int = 2
    households_per_grid: int = 8
    towns: int = len(names.TOWNS)


@dataclass
class PersonRow:
    """One synthetic resident, in the shape the people services take."""

    name: str
    id_number: str
    gender: str
    birth_date: dt.date
    phone: str
    relation_to_head: str
    tags: list[str] = field(default_factory=list)


@dataclass
class DemoResult:
    regions_by_level: dict[str, int]
    households: int
    people: int
    seconds: float = 0.0
    logins: list = field(default_factory=list)


# --- Geometry -------------------------------------------------------------------------


def rectangle(lng0: float, lat0: float, lng1: float, lat1: float) -> dict:
    """A closed GeoJSON Polygon for an axis-aligned box."""
    a, b, c, d = (round(v, 6) for v in (lng0, lat0, lng1, lat1))
    return {"type": "Polygon", "coordinates": [[[a, b], [c, b], [c, d], [a, d], [a, b]]]}


def split(box: tuple[float, float, float, float], n: int, *, vertical: bool) -> list[tuple]:
    """Cut a box into n equal strips, side by side (vertical) or stacked."""
    lng0, lat0, lng1, lat1 = box
    if vertical:
        step = (lng1 - lng0) / n
        return [(lng0 + i * step, lat0, lng0 + (i + 1) * step, lat1) for i in range(n)]
    step = (lat1 - lat0) / n
    return [(lng0, lat0 + i * step, lng1, lat0 + (i + 1) * step) for i in range(n)]


def town_box(index: int, count: int) -> tuple[float, float, float, float]:
    rows = -(-count // TOWN_COLUMNS)
    west = names.CENTER_LNG - TOWN_COLUMNS * TOWN_WIDTH / 2
    north = names.CENTER_LAT + rows * TOWN_HEIGHT / 2
    col, row = index % TOWN_COLUMNS, index // TOWN_COLUMNS
    lng0, lat1 = west + col * TOWN_WIDTH, north - row * TOWN_HEIGHT
    return (lng0, lat1 - TOWN_HEIGHT, lng0 + TOWN_WIDTH, lat1)


def centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return (round((box[0] + box[2]) / 2, 6), round((box[1] + box[3]) / 2, 6))


# --- Names and people -------------------------------------------------------------------


def unit_names(town: str, level: str, count: int, rng: random.Random) -> list[str]:
    """Villages/communities of a town: known names first, then invented ones."""
    known = list(names.KNOWN_UNITS.get(town, []))
    stems = [s for s in names.PLACE_STEMS if not any(s in k for k in known)]
    rng.shuffle(stems)
    while len(known) < count:
        suffix = "社区" if level == Level.SUBDISTRICT or not known else "村"
        known.append(stems.pop() + suffix)
    return known[:count]


class PeopleFactory:
    """Draws households of plausible residents; ID numbers are valid and never repeat."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def _born(self, age: int) -> dt.date:
        start = dt.date(REFERENCE_DATE.year - age - 1, REFERENCE_DATE.month, 1)
        return start + dt.timedelta(days=self.rng.randrange(360))

    def _id_number(self, born: dt.date, male: bool) -> str:
        while True:
            sequence = self.rng.randrange(500) * 2 + (1 if male else 0)
            number = make_id_number(names.DIVISION, born, sequence)
            if number not in self.used:
                self.used.add(number)
                return number

    def _phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def person(self, *, surname: str, male: bool, age: int, relation: str) -> PersonRow:
        rng = self.rng
        given = rng.choice(names.MALE_GIVEN if male else names.FEMALE_GIVEN)
        born = self._born(age)
        tags: list[str] = []
        if age >= 50 and rng.random() < 0.15:
            tags.append("chronic")
        if not male and 22 <= age <= 40 and rng.random() < 0.05:
            tags.append("pregnant")
        if rng.random() < 0.02:
            tags.append("disabled")
        return PersonRow(
            name=surname + given,
            id_number=self._id_number(born, male),
            gender="M" if male else "F",
            birth_date=born,
            phone=self._phone() if age >= 16 else "",
            relation_to_head=relation,
            tags=tags,
        )

    def household(self) -> list[PersonRow]:
        rng = self.rng
        surname = rng.choice(names.SURNAMES)
        if rng.random() < 0.06:  # an elderly person living alone
            row = self.person(
                surname=surname, male=rng.random() < 0.4, age=rng.randint(72, 90), relation="户主"
            )
            row.tags.append("elderly_alone")
            return [row]
        size = rng.choices(HOUSEHOLD_SIZES, HOUSEHOLD_WEIGHTS)[0]
        head_male = rng.random() < 0.75
        head_age = rng.randint(28, 72)
        members = [self.person(surname=surname, male=head_male, age=head_age, relation="户主")]
        if size >= 2:
            spouse_age = max(22, head_age + rng.randint(-5, 5))
            members.append(
                self.person(
                    surname=rng.choice(names.SURNAMES),
                    male=not head_male,
                    age=spouse_age,
                    relation="配偶",
                )
            )
        if size == 5 and head_age <= 62:
            members.append(
                self.person(
                    surname=surname,
                    male=rng.random() < 0.5,
                    age=min(95, head_age + rng.randint(24, 32)),
                    relation="父母",
                )
            )
        while len(members) < size:
            members.append(
                self.person(
                    surname=surname,
                    male=rng.random() < 0.5,
                    age=rng.randint(0, max(0, min(35, head_age - 22))),
                    relation="子女",
                )
            )
        return members


def household_label(level: str, n: int) -> str:
    """Door numbers: 3栋201 in a community, 2组7号 in a village; unique per grid."""
    if level == Level.COMMUNITY:
        return f"{n // 8 + 1}栋{(n % 8) // 2 + 1}0{n % 2 + 1}"
    return f"{n // 10 + 1}组{n % 10 + 1}号"


# --- The build --------------------------------------------------------------------------


@dataclass
class GridPlan:
    grid: Region
    unit_level: str
    address_prefix: str


def build_regions(size: DemoSize, rng: random.Random) -> Iterator[GridPlan]:
    """Create the county, towns, villages/communities and grids; yield each grid."""
    county = region_create(
        code=names.COUNTY_CODE,
        name=names.COUNTY_NAME,
        level=Level.COUNTY,
        parent=None,
        boundary=rectangle(*_county_box(size.towns)),
        centroid=(names.CENTER_LNG, names.CENTER_LAT),
    )
    for t, (town_name, town_level) in enumerate(names.TOWNS[: size.towns]):
        tbox = town_box(t, size.towns)
        town = region_create(
            code=f"{names.DIVISION}{t + 1:03d}000",
            name=town_name,
            level=town_level,
            parent=county,
            boundary=rectangle(*tbox),
            centroid=centre(tbox),
        )
        units = unit_names(town_name, town_level, size.villages_per_town, rng)
        counters = Counter()
        for unit_name, ubox in zip(
            units, split(tbox, size.villages_per_town, vertical=True), strict=True
        ):
            level = Level.COMMUNITY if unit_name.endswith("社区") else Level.VILLAGE
            # Statistical codes number communities 0xx and villages 2xx.
            counters[level] += 1
            number = counters[level] + (0 if level == Level.COMMUNITY else 200)
            unit = region_create(
                code=f"{town.code[:9]}{number:03d}",
                name=unit_name,
                level=level,
                parent=town,
                boundary=rectangle(*ubox),
                centroid=centre(ubox),
            )
            stem = unit_name.removesuffix("社区").removesuffix("村")
            for g, gbox in enumerate(split(ubox, size.grids_per_village, vertical=False)):
                grid = region_create(
                    code=f"{unit.code}{g + 1:03d}",
                    name=f"{stem}第{_NUMERALS[g % 10]}网格",
                    level=Level.GRID,
                    parent=unit,
                    boundary=rectangle(*gbox),
                    centroid=centre(gbox),
                )
                yield GridPlan(grid, level, f"{names.COUNTY_NAME}{town_name}{unit_name}")


def _county_box(towns: int) -> tuple[float, float, float, float]:
    boxes = [town_box(i, towns) for i in range(towns)]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def county_exists() -> bool:
    return Region.objects.filter(code=names.COUNTY_CODE).exists()


def county_exists_error() -> DemoError:
    return DemoError(
        _("示范县 %(name)s（%(code)s）已存在，未做任何修改。要重新生成，请使用新的空数据库。")
        % {"name": names.COUNTY_NAME, "code": names.COUNTY_CODE}
    )


def build_demo(
    *,
    scale: int = 1,
    seed: int = 2020,
    size: DemoSize | None = None,
    progress: Callable[[int], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> DemoResult:
    """Build the whole demo county in one transaction; DemoError if it already exists."""
    size = size or DemoSize()
    if scale < 1 or min(size.villages_per_town, size.grids_per_village, size.towns) < 1:
        raise DemoError(_("示范县的规模参数必须是正整数"))
    if size.villages_per_town > len(names.PLACE_STEMS):
        raise DemoError(_("每个镇街最多 %(n)d 个村社区") % {"n": len(names.PLACE_STEMS)})
    size = DemoSize(
        size.villages_per_town,
        size.grids_per_village,
        size.households_per_grid * scale,
        min(size.towns, len(names.TOWNS)),
    )
    started = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    factory = PeopleFactory(rng)
    with transaction.atomic():
        if county_exists():
            raise county_exists_error()
        admin = demo_admin()
        writer = PeopleWriter(actor=admin, tags=CARE_TAGS)
        grid_total = size.towns * size.villages_per_town * size.grids_per_village
        if on_total:
            on_total(grid_total)
        for plan in build_regions(size, rng):
            for n in range(size.households_per_grid):
                label = household_label(plan.unit_level, n)
                household = household_create(grid=plan.grid, label=label)
                writer.add(
                    plan.grid, household, f"{plan.address_prefix}{label}", factory.household()
                )
            if progress:
                progress(1)
        logins = create_demo_users(actor=admin)
        logins += _seed_monitoring(rng)
        logins += _seed_domain_apps(rng)
    levels = Counter(
        Region.objects.filter(path__startswith=f"{names.COUNTY_CODE}/").values_list(
            "level", flat=True
        )
    )
    return DemoResult(
        regions_by_level=dict(levels),
        households=Household.objects.filter(path__startswith=f"{names.COUNTY_CODE}/").count(),
        people=writer.count,
        seconds=time.monotonic() - started,
        logins=logins,
    )


def _seed_monitoring(rng: random.Random) -> list:
    """The monitoring demo (observations, teams, follow-ups), dated relative to now."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bastion.monitoring.demo import seed_monitoring

    return seed_monitoring(
        rng=rng,
        county=Region.objects.get(code=names.COUNTY_CODE),
        users=list(get_user_model().objects.values_list("username", flat=True)),
        now=timezone.now(),
    )


# The domain apps' demo parts, in dependency order (party first: the others use its
# organizations and registered members).
DOMAIN_SEEDS = [
    ("bastion.party.demo", "seed_party"),
    ("bastion.campaigns.demo", "seed_campaigns"),
    ("bastion.volunteers.demo", "seed_volunteers"),
    ("bastion.supplies.demo", "seed_supplies"),
    ("bastion.command.demo", "seed_command"),
]


def _seed_domain_apps(rng: random.Random) -> list:
    """Each installed domain app seeds its own records through its own services."""
    from importlib import import_module

    from django.apps import apps
    from django.utils import timezone

    county = Region.objects.get(code=names.COUNTY_CODE)
    now = timezone.now()
    logins: list = []
    for module_name, function_name in DOMAIN_SEEDS:
        if not apps.is_installed(module_name.rsplit(".", 1)[0]):
            continue
        seed = getattr(import_module(module_name), function_name)
        logins += seed(rng=rng, county=county, now=now)
    return logins
