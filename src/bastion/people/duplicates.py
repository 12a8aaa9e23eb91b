"""Provisional records (docs/decisions/0011): an ID number registered by someone who may
not change the person on file becomes a record of its own in her grid. Officers who
may change both records are told, and merge them here.

Reached through `bastion.people.services`.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bastion.core.audit import Action, audit_record
from bastion.people.models import Person

KEEP_NEW = "new"  # the person lives in the grid of the provisional record
KEEP_ORIGINAL = "original"  # the person lives in the grid of the record on file
_FILLED = ("relation_to_head", "address_text")


def common_path(a: str, b: str) -> str:
    """The path of the nearest region both paths lie under ('' when none)."""
    common = []
    for x, y in zip(a.strip("/").split("/"), b.strip("/").split("/"), strict=False):
        if x != y:
            break
        common.append(x)
    return "/".join(common) + "/" if common else ""


def reconcilers(provisional: Person):
    """Officers who may change both records, at the nearest level holding any."""
    from bastion.access.models import RoleAssignment
    from bastion.access.roles import ROLE_PERMISSIONS, Perm

    shared = common_path(provisional.path, provisional.duplicate_of.path)
    if not shared:
        return []
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if Perm.USER_MANAGE in perms]
    grants = [
        g
        for g in RoleAssignment.objects.filter(
            role__in=roles, region__isnull=False, user__is_active=True
        ).select_related("user")
        if shared.startswith(g.region_path)
    ]
    if not grants:
        return []
    nearest = max(len(g.region_path) for g in grants)
    return list({g.user_id: g.user for g in grants if len(g.region_path) == nearest}.values())


def provisional_recorded(*, actor, person: Person, ip_address: str | None = None) -> None:
    """Note on the record on file (seen by its own side only) that a provisional record
    of the same number exists, and ask the officers who see both to merge them."""
    original = person.duplicate_of
    audit_record(
        actor=actor,
        action=Action.MERGE,
        obj=original,
        changes={"provisional": str(person.public_id), "grid": person.path},
        reason="registered_elsewhere",
        ip_address=ip_address,
    )
    duplicate_notify(provisional=person)


def duplicate_notify(*, provisional: Person) -> None:
    """Ask the nearest officers who see both records to check and merge them."""
    from bastion.access.services import notify
    from bastion.core.i18n import Msg

    title = Msg(
        gettext_noop("有人员在%(grid)s被重复登记（身份证号与已有档案相同），请核实后合并"),
        grid=provisional.region.name if provisional.region_id else "",
    )
    for user in reconcilers(provisional):
        notify(recipient=user, title=title, link="/people/duplicates/", level="warning")


def _repoint(provisional: Person, original: Person) -> None:
    """Every record of the provisional person now belongs to the person on file."""
    for relation in Person._meta.related_objects:
        if relation.related_model is Person:
            continue
        if relation.many_to_many:
            continue
        field = relation.field.name
        relation.related_model._base_manager.filter(**{field: provisional}).update(
            **{field: original}
        )
    through = Person.tags.through
    have = set(through.objects.filter(person=original).values_list("tag_id", flat=True))
    through.objects.bulk_create(
        [
            through(person=original, tag_id=t)
            for t in through.objects.filter(person=provisional).values_list("tag_id", flat=True)
            if t not in have
        ]
    )
    through.objects.filter(person=provisional).delete()


def person_relocated(*, actor, person: Person) -> None:
    """Tell the apps that keep a person's region on their own records (observations,
    responsibility assignments) that the person now lives at `person.path`; each app
    names its handler as `person_moved` on its AppConfig (a dotted path)."""
    for config in apps.get_app_configs():
        handler = getattr(config, "person_moved", None)
        if handler:
            import_string(handler)(actor=actor, person=person)


@transaction.atomic
def person_duplicate_merge(*, actor, provisional: Person, keep: str) -> Person:
    """Merge a provisional record into the record on file; `keep` says which grid the
    person lives in. Blanks of the record on file are filled from the provisional one,
    everything attached to it (observations, arrivals, assignments, tags) moves over and
    follows the person's grid, and the provisional record is deleted."""
    from bastion.access.roles import Perm
    from bastion.access.scoping import restrict_people

    if keep not in (KEEP_NEW, KEEP_ORIGINAL):
        raise ValidationError({"keep": [_("请选择此人现在居住的网格")]})
    provisional = Person.objects.select_for_update().get(pk=provisional.pk)
    if provisional.duplicate_of_id is None:
        raise Http404
    both = restrict_people(
        Person.objects.filter(pk__in=[provisional.pk, provisional.duplicate_of_id]),
        actor,
        Perm.PERSON_CHANGE,
    )
    if both.count() != 2:
        raise Http404
    original = Person.objects.select_for_update().get(pk=provisional.duplicate_of_id)
    changes: dict[str, list] = {"merged": [str(provisional.public_id), None]}
    if not original.phone_index and provisional.phone_index:
        for attr in ("phone_encrypted", "phone_index", "phone_masked"):
            setattr(original, attr, getattr(provisional, attr))
        changes["phone"] = ["", provisional.phone_masked]
    for attr in _FILLED:
        if not getattr(original, attr) and getattr(provisional, attr):
            setattr(original, attr, getattr(provisional, attr))
            changes[attr] = ["", getattr(provisional, attr)]
    if keep == KEEP_NEW and provisional.region_id != original.region_id:
        changes["grid"] = [original.path, provisional.path]
        original.region_id, original.path = provisional.region_id, provisional.path
        original.household_id = provisional.household_id
    try:
        with transaction.atomic():
            _repoint(provisional, original)
            provisional.delete()
    except IntegrityError as exc:
        raise ValidationError(
            _("两份档案中有不能同时存在的记录（例如同一类别的两条进行中的观察），请先处理后再合并")
        ) from exc
    original.full_clean(validate_unique=False, validate_constraints=False)
    original.save()
    person_relocated(actor=actor, person=original)
    audit_record(actor=actor, action=Action.MERGE, obj=original, changes=changes)
    return original
