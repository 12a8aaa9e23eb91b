"""The permission matrix machinery: every page and API operation, every role, inside and
outside its scope (issue 13; the table is tests/security/access_matrix.py).

Routes come from the URL conf (a get_resolver walk) and from the OpenAPI schema, so a
route nobody classified cannot slip past: the test fails and prints the entry to add.

Fixture: the demo county with two towns. Town 1 (星沙街道) holds the objects the matrix
asks for; every role gets two users: one over the whole county (and the whole party
tree), one over town 2 only (and town 2's party committee). An object in town 1 is
inside the first user's scope and outside the second's.
"""

from __future__ import annotations

import copy
import re
import uuid
from dataclasses import dataclass, field

from django.db import transaction

MISSING = "00000000-0000-4000-8000-00000000abcd"
ANONYMOUS = "anonymous"
# Statuses that mean "not for you": the request reached nothing of the object.
DENIED = {401, 403, 404}
SKIPPED_PREFIXES = ("admin/", "api/v1/", "i18n/", "static/")

# URL segment of the API -> the app owning the records behind it.
API_APPS = {
    "regions": "geo",
    "people": "people",
    "indicators": "reports",
    "monitoring": "monitoring",
    "party": "party",
    "campaigns": "campaigns",
    "volunteers": "volunteers",
    "supplies": "supplies",
    "command": "command",
}


@dataclass(frozen=True)
class Route:
    key: str  # web: the url name ("party:member_detail"); api: the operation id
    method: str  # "GET" for pages (POST-only pages are found when GET answers 405)
    template: str  # "/party/members/{public_id}/"
    params: tuple[str, ...]
    app: str
    api: bool

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}"


def _web_template(pattern: str) -> tuple[str, tuple[str, ...]]:
    params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", pattern))
    template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
    return "/" + template.lstrip("^").rstrip("$"), params


def web_routes() -> list[Route]:
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[Route] = []

    def walk(patterns, prefix: str, namespace: str | None):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace if p.namespace else namespace
                if namespace and p.namespace:
                    ns = f"{namespace}:{p.namespace}"
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                pattern = prefix + str(p.pattern)
                if pattern.startswith(SKIPPED_PREFIXES):
                    continue
                name = f"{namespace}:{p.name}" if namespace else str(p.name)
                template, params = _web_template(pattern)
                module = getattr(p.callback, "__module__", "")
                app = module.split(".")[1] if module.startswith("bastion.") else "geo"
                found.append(Route(name, "GET", template, params, app, api=False))

    walk(get_resolver().url_patterns, "", None)
    return found


def api_routes() -> list[Route]:
    from bastion.api import api

    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        segment = path.removeprefix("/api/v1/").split("/")[0]
        for method, operation in operations.items():
            params = tuple(re.findall(r"{(\w+)}", path))
            found.append(
                Route(
                    operation["operationId"],
                    method.upper(),
                    path,
                    params,
                    API_APPS.get(segment, "access"),
                    api=True,
                )
            )
    return found


def all_routes() -> list[Route]:
    return web_routes() + api_routes()


# --- the fixture: demo county, one user per role inside and outside -------------------


@dataclass
class World:
    county: object
    town_in: object  # town 1: the objects
    town_out: object  # town 2: the outside users
    org_in: str
    org_out: str
    clients: dict = field(default_factory=dict)  # (role, "in"/"out") -> Client
    plaintext: frozenset = frozenset()  # every person's ID and phone number in clear
    tokens: dict = field(default_factory=dict)  # name -> raw token (only its hash is stored)


def build_world(users_only_roles=None) -> World:
    from django.test import Client

    from bastion.access.models import RoleAssignment, User
    from bastion.access.roles import Role
    from bastion.demo.generator import DemoSize, build_demo
    from bastion.geo.models import Region
    from bastion.party.models import Organization
    from tests.mixins import api_login_client

    build_demo(seed=2020, size=DemoSize(1, 2, 2, 2))
    county = Region.objects.get(code="430121000000")
    towns = list(Region.objects.filter(parent=county).order_by("code"))
    town_in, town_out = towns[0], towns[1]
    root = Organization.objects.filter(parent=None).order_by("code").first()

    def org_of(town):
        org = Organization.objects.filter(region=town).order_by("path").first()
        return org.path if org else f"/none-{town.code}/"

    world = World(county, town_in, town_out, org_in=org_of(town_in), org_out=org_of(town_out))
    scopes = {"in": (county, root.path), "out": (town_out, world.org_out)}
    for role in Role.values:
        for side, (region, org_path) in scopes.items():
            user = User.objects.create_user(
                username=f"mx_{role}_{side}", password=uuid.uuid4().hex, full_name=role
            )
            RoleAssignment.objects.create(
                user=user, role=role, region=region, region_path=region.path, org_path=org_path
            )
            world.clients[(role, side)] = api_login_client(Client(), user)
    world.clients[(ANONYMOUS, "in")] = Client()
    town_objects(world, User.objects.get(username=f"mx_{Role.COUNTY_COMMAND}_in"))
    world.plaintext = plaintext_numbers()
    return world


def town_objects(world: World, command) -> None:
    """Objects the demo keeps at county level only, made again inside town 1 (through the
    apps' services) so that their routes are checked inside and outside scope."""
    import datetime as dt

    from django.utils import timezone

    from bastion.campaigns.services.materials import material_create
    from bastion.command.services.dailyforms import daily_form_create
    from bastion.command.services.meetings import meeting_record
    from bastion.command.services.notices import notice_publish
    from bastion.command.units import region_unit
    from bastion.core.uploads import IMAGES, upload_store
    from bastion.geo.models import Region
    from bastion.reports.services import briefing_generate
    from bastion.supplies.models import DonorKind
    from bastion.supplies.services.cash import cash_account_create, donation_cash_receive
    from bastion.supplies.services.donations import donation_create
    from bastion.supplies.services.donors import donor_create

    town = world.town_in
    today = timezone.localdate()
    donor = donor_create(
        actor=command,
        kind=DonorKind.SOCIAL_ORGANIZATION,
        name="矩阵测试镇商会",
        region=town,
        contact_name="王会长",
        contact_phone="13900001111",
    )
    account = cash_account_create(actor=command, name="矩阵测试镇募捐专户", region=town)
    donation = donation_create(
        actor=command, donor=donor, pledged_on=today, lines=[], cash_pledged="1000"
    )
    donation_cash_receive(
        actor=command, donation=donation, account=account, amount="1000", reference="MX1"
    )
    unit = region_unit(town)
    child = Region.objects.filter(parent=town).order_by("code").first()
    notice_publish(
        actor=command,
        issuer=unit,
        kind="notice",
        title="矩阵测试通知",
        body="各社区做好排查。",
        targets=[f"region:{child.code}"],
        attachments=[upload_store(file=_jpeg(), actor=command, allowed=IMAGES, path=town.path)],
    )
    meeting_record(
        actor=command,
        host=unit,
        kind="video_dispatch",
        title="矩阵测试调度会",
        held_at=timezone.now() - dt.timedelta(hours=2),
        attendees="星沙街道",
        summary="部署排查。",
        decisions=[{"text": "当天完成排查"}],
    )
    daily_form_create(
        actor=command,
        region=town,
        name="矩阵测试每日情况",
        levels=["village", "community"],
        deadline_hour=18,
        fields=[{"code": "meetings_held", "label": "召开会议次数", "kind": "integer"}],
    )
    briefing_generate(user=command, region=town, day=today)
    material_create(actor=command, name="矩阵测试倡议书", kind="proposal", region=town)
    _party_objects(world)
    _party_self_service(world)
    _town_records(world, command)
    _supplies_objects(world, command, donor, account)
    _public_tokens(world, command)
    _owned_objects(world)


def _jpeg(name: str = "mx.jpg"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _party_objects(world: World) -> None:
    """A liaison group (with a visit), a nomination (photo and evidence), a published
    story (with a photo) and a fee expense (with a receipt) of town 1's party committee;
    the demo makes them at county level."""
    import datetime as dt

    from django.utils import timezone

    from bastion.party import services
    from bastion.party.models import FeeGrant, Organization, PartyMember

    today = timezone.localdate()
    org = Organization.objects.filter(path=world.org_in).get()
    group = services.liaison_group_create(
        actor=None, organization=org, number=91, name="矩阵测试联点小组", leader="彭建华"
    )
    unit = Organization.objects.filter(parent=org).order_by("path").first() or org
    services.liaison_pair(actor=None, group=group, unit=unit)
    services.liaison_visit_record(
        actor=None,
        group=group,
        unit=unit,
        visited_on=today,
        participants="彭建华",
        findings="卡口轮班安排合理",
        follow_up="无",
    )
    member = PartyMember.objects.filter(org_path__startswith=world.org_in).order_by("pk").first()
    services.exemplar_nominate(
        actor=None,
        nominating_org=org,
        kind="person",
        member=member,
        title="矩阵测试先进事迹",
        deed="连续二十天坚守卡口，带头入户排查，协调解决群众生活物资短缺问题。",
        photo=_jpeg(),
        evidence=[_jpeg("evidence.jpg")],
    )
    published = services.exemplar_nominate(
        actor=None,
        nominating_org=org,
        kind="person",
        member=member,
        title="矩阵测试公开事迹",
        deed="每天清晨带队消杀，夜里守在卡口，为隔离群众送菜送药二十余次。",
        photo=_jpeg("story.jpg"),
    )
    services.exemplar_review(actor=None, exemplar=published, approve=True)
    services.exemplar_publish(actor=None, exemplar=published)
    grant = FeeGrant.objects.filter(org_path__startswith=world.org_in).order_by("pk").first()
    services.fee_expense_record(
        actor=None,
        grant=grant,
        amount="10",
        spent_on=max(today - dt.timedelta(days=1), grant.granted_on),
        description="矩阵测试采购口罩",
        receipt=_jpeg("receipt.jpg"),
    )


def _party_self_service(world: World) -> None:
    """An organization officer grant over town 1's first party organization (to revoke),
    and the volunteer's inside persona linked to a party member of town 1 who received a
    call from the member's branch (the member's own pages)."""
    from bastion.access.models import User
    from bastion.party import services
    from bastion.party.models import PartyMember

    org, _scoped = inside_object("party.Organization", world)  # the rows' organization
    department = User.objects.get(username="mx_org_department_in")
    officer = User.objects.create_user(
        username="mx_granted_officer", password=uuid.uuid4().hex, full_name="矩阵测试书记"
    )
    services.org_officer_grant(actor=department, organization=org, user=officer)
    member = (
        PartyMember.objects.filter(
            org_path__startswith=world.org_in, user=None, organization__closed_on=None
        )
        .order_by("pk")
        .first()
    )
    services.member_account_link(
        actor=department, member=member, user=User.objects.get(username=MEMBER_PERSONA)
    )
    services.mobilization_send(
        actor=department,
        organization=member.organization,
        title="矩阵测试号召",
        body="请党员到居住社区报到参与值守。",
        audience="members",
        notify_logins=False,
    )


# The inside persona linked to a party member of town 1 (_party_self_service).
MEMBER_PERSONA = "mx_volunteer_in"


def _supplies_objects(world: World, command, donor, account) -> None:
    """The warehouse keeper's inside persona keeps town 1's first warehouse; a pledge of
    goods to receive there; a spending entry (with its receipt) of a purpose of the
    town-1 cash account."""
    from django.utils import timezone

    from bastion.access.models import User
    from bastion.supplies.models import Item, Warehouse
    from bastion.supplies.services.cash import cash_purpose_create, cash_spend
    from bastion.supplies.services.donations import LineInput, donation_create
    from bastion.supplies.services.stock import warehouse_update

    warehouse = (
        Warehouse.objects.filter(path__startswith=world.town_in.path, active=True)
        .order_by("pk")
        .first()
    )
    keeper = User.objects.get(username=KEEPER_PERSONA)
    warehouse_update(actor=command, warehouse=warehouse, keepers=[*warehouse.keepers.all(), keeper])
    item = Item.objects.order_by("pk").first()
    donation_create(
        actor=command,
        donor=donor,
        pledged_on=timezone.localdate(),
        lines=[LineInput(item=item, quantity="20", unit=item.base_unit)],
    )
    purpose = cash_purpose_create(
        actor=command, account=account, title="矩阵测试采购消毒液", amount="300"
    )
    cash_spend(
        actor=command,
        purpose=purpose,
        amount="120",
        payee="星沙药房",
        description="消毒液 20 瓶",
        receipt=_jpeg("cash-receipt.jpg"),
    )


# The inside persona that keeps town 1's first warehouse (_supplies_objects).
KEEPER_PERSONA = "mx_warehouse_keeper_in"


def _public_tokens(world: World, command) -> None:
    """Raw tokens of the pages without login, kept in world.tokens (only their hash is
    stored): a resident's rating link and a person's self-report link, in town 1."""
    from bastion.geo.models import Level, Region
    from bastion.monitoring.models import Observation, ObservationStatus
    from bastion.monitoring.services.selfreport import selfreport_token_issue
    from bastion.volunteers.services.orders import order_create_public

    community = (
        Region.objects.filter(path__startswith=world.town_in.path, level=Level.COMMUNITY)
        .order_by("code")
        .first()
    )
    _order, world.tokens["rating"] = order_create_public(
        community=community,
        kind="groceries",
        detail="矩阵测试：代购一周蔬菜",
        requester_name="刘阿姨",
        requester_phone="13900002222",
        address="矩阵测试小区 3 栋",
    )
    observation = (
        Observation.objects.filter(
            path__startswith=world.town_in.path, status=ObservationStatus.ACTIVE
        )
        .order_by("pk")
        .first()
    )
    world.tokens["selfreport"] = selfreport_token_issue(actor=command, observation=observation)


def _town_records(world: World, command) -> None:
    """A contact trace, a resident volunteer, a provisional duplicate record and a field
    conflict in town 1."""
    import datetime as dt
    import uuid as uuid_module

    from django.utils import timezone

    from bastion.campaigns.models import Venue
    from bastion.campaigns.services.checkins import trace_request
    from bastion.campaigns.services.venues import commitment_record
    from bastion.field.models import FieldConflict
    from bastion.geo.models import Level, Region
    from bastion.party.models import PartyMember
    from bastion.people.models import Person
    from bastion.volunteers.services.config import resident_register

    now = timezone.now()
    town = world.town_in
    venue = Venue.objects.filter(path__startswith=town.path).order_by("pk").first()
    commitment_record(
        actor=command, venue=venue, signed_by="王经理", signed_on=now.date(), scan=_jpeg()
    )
    trace_request(
        actor=command,
        venue=venue,
        window_start=now - dt.timedelta(days=13),
        window_end=now - dt.timedelta(minutes=1),
        case_ref="MX-2020-001",
        purpose="矩阵测试：密切接触者排查",
    )
    grid = Region.objects.filter(path__startswith=town.path, level=Level.GRID).order_by("code")[0]
    resident = (
        Person.objects.filter(region=grid, duplicate_of=None)
        .exclude(pk__in=PartyMember.objects.values("person"))
        .order_by("pk")
        .first()
    )
    resident_register(actor=None, person=resident, home_grid=grid)
    # The sync service records a conflict when an offline entry meets a changed record;
    # its shape here is the one tests/field/test_pages.py uses.
    FieldConflict.objects.create(
        user=command,
        key=str(uuid_module.uuid4()),
        kind="followup",
        reason="released",
        target=str(uuid_module.uuid4()),
        target_label="李**",
        path=grid.path,
        data={"temperature": "36.6"},
        received_at=now,
    )
    _provisional_duplicate(world, grid)


def _provisional_duplicate(world: World, grid) -> None:
    """A grid worker of `grid` (town 1) registers a person on file in town 2: she may not
    change that record, so hers becomes a provisional record in town 1."""
    from bastion.access.models import RoleAssignment, User
    from bastion.access.roles import Role
    from bastion.people.identity import reveal_id_number
    from bastion.people.inputs import PersonInput
    from bastion.people.models import Person
    from bastion.people.services import person_register

    worker = User.objects.create_user(username="mx_dup_worker", password=uuid.uuid4().hex)
    RoleAssignment.objects.create(
        user=worker, role=Role.GRID_WORKER, region=grid, region_path=grid.path, org_path=""
    )
    on_file = (
        Person.objects.filter(path__startswith=world.town_out.path, duplicate_of=None)
        .order_by("pk")
        .first()
    )
    person_register(
        actor=worker,
        data=PersonInput(name=on_file.name, id_number=reveal_id_number(on_file), grid=grid),
    )


def _owned_objects(world: World) -> None:
    """A notification, an API token and import jobs, each of its OWNED_MODELS owner."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bastion.access.services import api_token_create, notify
    from bastion.party.services.memberimport import member_import_upload
    from bastion.people.importjobs import import_job_create
    from bastion.people.models import ImportJob

    def roster():
        return SimpleUploadedFile("mx.csv", "姓名,身份证号\n".encode(), content_type="text/csv")

    notify(recipient=owner(world, "access.Notification"), title="矩阵测试通知", body="请查收。")
    user = owner(world, "access.ApiToken")
    api_token_create(actor=user, user=user, name="矩阵测试令牌")
    for kind in (ImportJob.Kind.PEOPLE, ImportJob.Kind.OBSERVATIONS):
        import_job_create(actor=owner(world, "people.ImportJob"), uploaded_file=roster(), kind=kind)
    member_import_upload(actor=owner(world, "party.MemberImport"), uploaded_file=roster())


def plaintext_numbers() -> frozenset[str]:
    from bastion.people.identity import reveal_id_number, reveal_phone
    from bastion.people.models import Person

    found = set()
    for person in Person.objects.all():
        found.add(reveal_id_number(person))
        if person.phone_index:
            found.add(reveal_phone(person))
    return frozenset(found)


NUMBER = re.compile(rb"(?<![0-9])(?:[0-9]{17}[0-9Xx]|1[3-9][0-9]{9})(?![0-9])")


def response_bytes(response) -> bytes:
    """The body as sent, with the XML inside an .xlsx / .docx unpacked."""
    import io
    import zipfile

    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return b"\n".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    return body


def plaintext_in(response, plaintext: frozenset[str]) -> list[str]:
    """ID and phone numbers of people that a response shows in clear."""
    if not plaintext:
        return []
    found = {m.decode() for m in NUMBER.findall(response_bytes(response))}
    return sorted(n for n in found if n in plaintext or n.upper() in plaintext)


# --- objects behind the path parameters ----------------------------------------------


# Models whose `path` is a party organization path, not a region path.
ORG_PATH_MODELS = {"party.Organization"}
# Models without a scope of their own: scoped through the object they belong to.
SCOPED_THROUGH = {"party.FeeEntry": "grant"}
# Models visible to one user only: the field naming her, and the role whose inside
# persona town_objects() makes them for. Other roles' personas inside, and that role's
# persona outside (another user of the same role), are not their owner: 404.
OWNED_MODELS = {
    "access.Notification": ("recipient", "county_command"),
    "access.ApiToken": ("user", "county_command"),
    "people.ImportJob": ("created_by", "county_command"),
    "party.MemberImport": ("created_by", "org_department"),
    "campaigns.TraceRequest": ("requested_by", "county_command"),
}


def owner(world: World, label: str):
    """The user who owns the objects of OWNED_MODELS[label] (the role's inside persona)."""
    from bastion.access.models import User

    return User.objects.get(username=f"mx_{OWNED_MODELS[label][1]}_in")


def _scope_lookups(model, world: World) -> tuple[dict, dict] | None:
    """Filter and exclude lookups that keep objects of `model` strictly inside town 1."""
    label = model._meta.label
    if label in OWNED_MODELS:
        return {OWNED_MODELS[label][0]: owner(world, label)}, {}
    if label in SCOPED_THROUGH:
        fk = SCOPED_THROUGH[label]
        found = _scope_lookups(model._meta.get_field(fk).related_model, world)
        if found is None:
            return None
        return tuple({f"{fk}__{k}": v for k, v in d.items()} for d in found)
    names = {f.name for f in model._meta.fields}
    if label in ORG_PATH_MODELS:  # `path` is a party organization path
        return {"path__startswith": world.org_in}, {}
    for name in ("path", "region_path"):
        if name in names:
            return {f"{name}__startswith": world.town_in.path}, {name: world.county.path}
    if "org_path" in names:
        return {"org_path__startswith": world.org_in}, {}
    return None


def _scoped_filter(model, world: World):
    """Objects of `model` strictly inside town 1 (None when the model carries no scope)."""
    lookups = _scope_lookups(model, world)
    if lookups is None:
        return None
    return model.objects.filter(**lookups[0]).exclude(**lookups[1])


def inside_object(label: str, world: World, filters: dict | None = None):
    """An object of the model `label` in town 1, or any object if it carries no scope
    (narrowed by `filters`, lookups of the model)."""
    from django.apps import apps

    model = apps.get_model(label)
    scoped = _scoped_filter(model, world)
    qs = scoped if scoped is not None else model.objects.all()
    return qs.filter(**(filters or {})).order_by("pk").first(), scoped is not None


def _lookup_value(text: str):
    return {"True": True, "False": False}.get(text, text)


def _follow(obj, path: str) -> str | None:
    """`path` (dotted attributes) from `obj`; a related manager gives its first object."""
    for name in path.split("."):
        obj = getattr(obj, name, None)
        if obj is not None and hasattr(obj, "all") and hasattr(obj, "model"):
            obj = obj.order_by("pk").first()
        if obj is None:
            return None
    return str(obj)


def object_values(spec: str, world: World) -> tuple[list[str] | None, bool]:
    """Values for the first path parameters described by `spec`, and whether the first
    one's object is scoped (None when there is no such object).

    spec: "app.Model" (its public_id), "app.Model:field" (that field, or a dotted path
    from the object: "party.PartyMember:person.public_id"), either narrowed by
    "?lookup=value&lookup=value" (lookups of the model; True/False are booleans),
    "missing" (a well-formed id of nothing), "=literal", or "$name" (a raw token the
    builder kept in world.tokens; only its hash is stored). Values for the following
    parameters come after " / ": a dotted path from the first object (a related manager
    gives its first object: "fields.code"), "=literal", or another object of the same
    shape as the first ("access.RoleAssignment?role=org_officer&org_path={path}"), whose
    lookup values may name an attribute of the first object in braces.
    """
    first, *more = (part.strip() for part in spec.split(" / "))
    if first == "missing":
        return [MISSING], False
    if first.startswith("$"):
        return [world.tokens[first[1:]]], False
    if first.startswith("="):
        return [first[1:], *(m[1:] for m in more)], False
    obj, attr, scoped = _spec_object(first, world)
    if obj is None:
        return None, False
    values = [_follow(obj, attr)]
    for part in more:
        if part.startswith("="):
            value = part[1:]
        elif MODEL_SPEC.match(part):
            other, other_attr, _scoped = _spec_object(part, world, first=obj)
            value = _follow(other, other_attr) if other is not None else None
        else:
            value = _follow(obj, part)
        if value is None:
            return None, False
        values.append(value)
    return values, scoped


MODEL_SPEC = re.compile(r"^\w+\.[A-Z]\w*")


def _spec_object(part: str, world: World, first=None):
    """(object, attribute path to its value, scoped) for "app.Model:field?lookups": in
    town 1, or, following `first`, wherever its lookups find it ("{attr}" in a lookup
    value is that attribute of `first`)."""
    base, _, query = part.partition("?")
    label, _, attr = base.partition(":")
    filters = {}
    for pair in (p for p in query.split("&") if p):
        key, value = pair.split("=", 1)
        if value.startswith("{") and value.endswith("}"):
            value = _follow(first, value[1:-1])
        filters[key] = _lookup_value(value)
    if first is not None:
        from django.apps import apps

        obj = apps.get_model(label).objects.filter(**filters).order_by("pk").first()
        return obj, attr or "public_id", False
    obj, scoped = inside_object(label, world, filters)
    return obj, attr or "public_id", scoped


def object_value(spec: str, world: World) -> tuple[str | None, bool]:
    """The value for the first path parameter described by `spec` (see object_values),
    and whether it is scoped."""
    values, scoped = object_values(spec, world)
    return (values[0] if values else None), scoped


def path_values(route: Route, spec: str, world: World) -> tuple[list[str] | None, bool]:
    """Values for all of the route's path parameters: those `spec` gives, then
    rest_values() for the parameters it leaves out."""
    values, scoped = object_values(spec, world)
    if values is None:
        return None, False
    return [*values, *rest_values(route)[len(values) - 1 :]][: len(route.params)], scoped


def candidate_specs(route: Route, world: World) -> list[str]:
    """Models a path parameter may name, tried in turn by the table builder."""
    from django.apps import apps

    first = route.params[0]
    if first in ("code",):
        return ["geo.Region:code"]
    if first in ("token", "key", "step", "ref"):
        return ["=x"]
    specs = []
    for model in apps.get_app_config(route.app).get_models():
        if any(f.name == "public_id" for f in model._meta.fields):
            specs.append(model._meta.label)
    for extra in ("geo.Region", "people.Person", "core.StoredFile", "geo.Household"):
        if extra not in specs:
            specs.append(extra)
    return specs


def url_for(route: Route, values: list[str]) -> str:
    url = route.template
    for name, value in zip(route.params, values, strict=True):
        url = url.replace("{" + name + "}", value, 1)
    return url


def call(
    client, route: Route, url: str, plaintext=frozenset(), body: dict | None = None
) -> tuple[int, str]:
    """One request, rolled back afterwards so that no call changes what the next sees
    (the client's cookies too: a logout must not sign the persona out for the rest).

    An API write sends `body` (from request_body(); JSON, or a multipart form when the
    operation takes files); a body the schema refuses is reported as SCHEMA_REJECTED."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic(), schema_rejections_marked():
        if route.api:
            method = getattr(client, route.method.lower())
            if route.method in ("POST", "PUT", "PATCH", "DELETE") and body is not None:
                response = _send_body(method, url, body, multipart=_takes_files(route))
            elif route.method in ("POST", "PUT", "PATCH"):
                response = method(url, "{}", content_type="application/json")
            else:
                response = method(url)
            method_used = route.method
        else:
            response = client.get(url)
            method_used = "GET"
            if response.status_code == 405:
                response = client.post(url, {})
                method_used = "POST"
        leaked = plaintext_in(response, plaintext)
        transaction.set_rollback(True)
    client.cookies = cookies
    if leaked:
        method_used += f" SHOWS {len(leaked)} ID/PHONE NUMBERS IN CLEAR"
    if response.has_header(SCHEMA_REJECTED):
        method_used += f" {SCHEMA_REJECTED} {response.content.decode()[:300]}"
    elif route.api and response.status_code >= 400:
        method_used += " " + _error_signature(response)
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return response.status_code, f"{method_used} {location}".strip()


def _error_signature(response) -> str:
    """An API error's machine code and the fields it names: "validation_error[grid]"
    (not the messages, which may quote the value sent)."""
    try:
        body = response.json()
    except ValueError:
        return "?"
    return f"{body.get('code', '?')}[{','.join(sorted(body.get('fields') or {}))}]"


def signature(status: int, how: str) -> str:
    """What tells two API answers apart: the status, the error code and its fields."""
    return f"{status} {how.split(' ')[-1] if status >= 400 else ''}".strip()


def _takes_files(route: Route) -> bool:
    content = _operation(route).get("requestBody", {}).get("content", {})
    return any("multipart" in kind for kind in content)


def _send_body(method, url: str, body: dict, multipart: bool):
    import json

    if not multipart:
        return method(url, json.dumps(body, ensure_ascii=False), content_type="application/json")
    form = {}
    for name, value in body.items():
        if isinstance(value, FileValue):
            form[name] = value.upload()
        elif _is_file_list(value):
            form[name] = [v.upload() for v in value]
        elif isinstance(value, (dict, list)):
            form[name] = json.dumps(value, ensure_ascii=False)
        else:
            form[name] = value if not isinstance(value, bool) else str(value).lower()
    return method(url, form)


def _is_file_list(value) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], FileValue)


# Response header the matrix's handler of ninja's ValidationError adds: the body or the
# query failed the operation's schema, so the request never reached the endpoint.
SCHEMA_REJECTED = "X-Matrix-Schema-Rejected"


class schema_rejections_marked:
    """Mark the API's schema refusals (ninja's ValidationError) with SCHEMA_REJECTED,
    so that the matrix tells them from the endpoint's own 422 after its lookups."""

    def __enter__(self):
        from ninja.errors import ValidationError

        from bastion.api import api

        self.handlers = api._exception_handlers
        original = self.handlers[ValidationError]

        def marked(request, exc):
            response = original(request, exc)
            response[SCHEMA_REJECTED] = "1"
            return response

        self.original = original
        self.handlers[ValidationError] = marked
        return self

    def __exit__(self, *exc):
        from ninja.errors import ValidationError

        self.handlers[ValidationError] = self.original
        return False


@dataclass(frozen=True)
class FileValue:
    """A file field of a multipart body: a small JPEG (any binary field takes one)."""

    name: str = "mx.jpg"

    def upload(self):
        return _jpeg(self.name)


def verdict(status: int, how: str) -> str:
    """allowed / denied / login / error, or schema (the API refused the body before
    the endpoint ran), from one response."""
    if status >= 500:
        return "error"
    if SCHEMA_REJECTED in how:
        return "schema"
    if status == 401 or "/login/" in how or "/otp/" in how:
        return "login"
    if status in DENIED:
        return "denied"
    return "allowed"


# --- the table's entries and what they expect --------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One route's row: the object behind its first path parameter and who may use it.

    obj: see object_value() (None for routes without parameters).
    allow: "public" (no login needed), "login" (every signed-in role), a permission code
    from access.roles.Perm (exactly the roles holding it), a tuple of roles, or "nobody".
    outside: "404" (the default: outside scope it is as if the object did not exist) or
    a reason why the object is visible beyond its scope.
    query: a query string sent with every request of the row ("year=2020&quarter=1"),
    for routes that need parameters of their own; "@spec" values as in body, and the
    first object inside town 1 makes the row scoped by its query.
    body: fields of an API write's body over those request_body() makes from the
    operation's schema; "@spec" is the value of an object (see object_value()), and the
    first such object inside town 1 makes the row scoped by its body (a create naming
    its region, organization or parent record).
    """

    obj: str | None
    allow: str | tuple[str, ...]
    outside: str = "404"
    query: str = ""
    body: dict | None = None
    reveals: bool = False  # the audited reveal: its answer is the number in clear


# --- bodies of the API's write operations ------------------------------------------------


def request_body(
    route: Route, entry: Entry, world: World, missing: bool = False
) -> tuple[dict, str | None]:
    """The body an API write is sent: every required field of its schema with a value of
    the right type (schema_value()), then the row's own fields (Entry.body). Returns it
    with the name of the field holding the row's scoped object (None when no field
    names an object inside town 1). With `missing`, that object (the first scoped one,
    wherever it sits in the field) is replaced by missing_like()."""
    body = schema_body(route)
    scoped_field = None
    pending = [missing]  # the scoped object still to replace
    for name, value in (entry.body or {}).items():
        resolved, scoped = _body_value(value, world, pending)
        body[name] = resolved
        if scoped and scoped_field is None:
            scoped_field = name
    return copy.deepcopy(body), scoped_field


BODY_OBJECT = re.compile(r"^([a-z_]+:)?@(.+)$")


def _body_value(value, world: World, pending: list | None = None):
    """A field of Entry.body with its "@spec" objects resolved, and whether one of them
    is scoped; while pending[0] holds, the first scoped object becomes missing_like()."""
    pending = pending if pending is not None else [False]
    placeholder = isinstance(value, str) and BODY_OBJECT.match(value)
    if placeholder:  # "@spec", or "region:@spec" (a prefix kept before the value)
        prefix, spec = placeholder.groups()
        resolved, scoped = object_value(spec, world)
        if resolved is None:
            raise AssertionError(f"no object for body value {value}")
        if scoped and pending[0]:
            pending[0] = False
            resolved = missing_like(resolved)
        return (prefix or "") + resolved, scoped
    if isinstance(value, list):
        items = [_body_value(v, world, pending) for v in value]
        return [v for v, _s in items], any(s for _v, s in items)
    if isinstance(value, dict):
        items = {k: _body_value(v, world, pending) for k, v in value.items()}
        return {k: v for k, (v, _s) in items.items()}, any(s for _v, s in items.values())
    return value, False


def missing_like(value: str) -> str:
    """A value of the same shape as `value` that names nothing: an id of nothing, or
    zeros for a code ("region:430121001000" -> "region:000000000000")."""
    prefix, sep, value = value.rpartition(":")
    try:
        uuid.UUID(value)
    except ValueError:
        return prefix + sep + "0" * len(value)
    return prefix + sep + MISSING


def resolved_query(entry: Entry, world: World, missing: bool = False) -> tuple[str, bool]:
    """The row's query string ("?..." or ""), its "@spec" values resolved (see
    object_value()), and whether the first of them is an object inside town 1; with
    `missing`, that object is replaced by missing_like()."""
    if not entry.query:
        return "", False
    pairs, scoped_seen = [], False
    for pair in entry.query.split("&"):
        key, _sep, value = pair.partition("=")
        if BODY_OBJECT.match(value):
            value, scoped = _body_value(value, world, [missing and not scoped_seen])
            scoped_seen = scoped_seen or scoped
        pairs.append(f"{key}={value}")
    return "?" + "&".join(pairs), scoped_seen


_SCHEMA: dict = {}


def _operation(route: Route) -> dict:
    if not _SCHEMA:
        from bastion.api import api

        _SCHEMA.update(api.get_openapi_schema())
    return _SCHEMA["paths"][route.template][route.method.lower()]


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = _SCHEMA["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def schema_body(route: Route) -> dict:
    """Every required field of the operation's body, with a value its schema accepts."""
    content = _operation(route).get("requestBody", {}).get("content", {})
    if not content:
        return {}
    schema = _resolve(next(iter(content.values()))["schema"])
    return schema_value(schema) if schema.get("properties") else {}


def schema_value(schema: dict):
    """A value of the JSON schema's type: the first choice of an enum, today or tomorrow
    for dates, an id of nothing for uuids, a file for binaries, one item for arrays and
    the required fields of objects."""
    import datetime as dt

    from django.utils import timezone

    schema = _resolve(schema)
    if "anyOf" in schema:
        return schema_value(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    if "enum" in schema:
        return schema["enum"][0]
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object":
        properties = schema.get("properties", {})
        return {n: schema_value(properties[n]) for n in schema.get("required", [])}
    if kind == "array":
        return [schema_value(schema.get("items", {}))]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    return {
        "date": lambda: timezone.localdate().isoformat(),
        "date-time": lambda: (timezone.now() + dt.timedelta(days=1)).isoformat(),
        "time": lambda: "09:00:00",
        "uuid": lambda: MISSING,
        "binary": FileValue,
    }.get(fmt, lambda: "矩阵测试")()


def roles_with(perm: str) -> frozenset[str]:
    from bastion.access.roles import ROLE_PERMISSIONS

    return frozenset(str(r) for r, perms in ROLE_PERMISSIONS.items() if perm in perms)


def all_perms() -> list[str]:
    from bastion.access.roles import Perm

    return [v for k, v in vars(Perm).items() if k.isupper()]


def allowed_roles(allow) -> frozenset[str]:
    from bastion.access.roles import Role

    everyone = frozenset(Role.values)
    if allow in ("public", "login"):
        return everyone
    if allow == "nobody":
        return frozenset()
    if isinstance(allow, tuple):
        return frozenset(allow)
    return roles_with(allow)


def describe(allowed: set[str], anonymous_verdict: str) -> str | tuple[str, ...]:
    """The shortest `allow` that names an observed set of roles."""
    from bastion.access.roles import Role

    if anonymous_verdict != "login":
        return "public"
    if allowed == set(Role.values):
        return "login"
    if not allowed:
        return "nobody"
    for perm in all_perms():
        if roles_with(perm) == allowed:
            return perm
    return tuple(sorted(allowed))


def rest_values(route: Route) -> list[str]:
    """Values for the parameters after the first: ids of nothing, or a dummy word."""
    return [MISSING if name.endswith("_id") else "x" for name in route.params[1:]]


def probe_spec(route: Route, world: World, known: dict[str, str | None]) -> str | None:
    """Which model the first path parameter names (the table builder's guess).

    A write operation of the API inherits from the read operation it extends
    (the body is validated before any lookup, so probing it tells nothing).
    """
    if not route.params:
        return None
    for other in sorted(known, key=len, reverse=True):
        parent_template, _, parent_param = other.partition("|")
        if (
            known[other]
            and parent_param == route.params[0]
            and route.template.startswith(parent_template.rstrip("/"))
        ):
            return known[other]
    if route.api and route.method != "GET":
        return "missing"
    probes = [c for (role, side), c in world.clients.items() if side == "in" and role != ANONYMOUS]
    for spec in candidate_specs(route, world):
        value, _scoped = object_value(spec, world)
        if value is None:
            continue
        url = url_for(route, [value, *rest_values(route)])
        for client in probes:
            status, how = call(client, route, url)
            if status not in (404, 403, 405, 422) and "/login/" not in how:
                return spec
    return "missing"
