"""Writes to the person registry: register (create or merge by ID number) and update.

One person per human: the ID number's blind index is unique, so registering someone
who exists merges into the existing record. A merge fills blanks only; a different
non-blank value on file is kept and reported as a conflict (masked), never overwritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from bastion.core.audit import Action, audit_record
from bastion.core.masking import mask_id_number, mask_phone
from bastion.core.phone import PhoneError, parse_mobile
from bastion.geo.models import Household, Level, Region
from bastion.geo.services import household_create
from bastion.people.duplicates import (
    person_duplicate_merge,
    person_relocated,
    provisional_recorded,
)
from bastion.people.identity import id_number_fields, id_number_index, phone_fields
from bastion.people.importjobs import (  # re-exported: the import pages call services.*
    import_job_create,
    import_job_error_workbook,
    import_job_has_errors_file,
    import_job_interrupted,
    import_job_preview,
    import_job_run,
    import_uploads_purge,
)
from bastion.people.inputs import (
    CleanPerson,
    PersonInput,
    person_input_clean,
    resolve_tags,
)
from bastion.people.models import Gender, Person, Tag

__all__ = [
    "PersonInput",
    "RegisterResult",
    "import_job_create",
    "import_job_error_workbook",
    "import_job_has_errors_file",
    "import_job_interrupted",
    "import_job_preview",
    "import_job_run",
    "import_uploads_purge",
    "person_duplicate_merge",
    "person_relocated",
    "person_link_or_register",
    "person_register",
    "person_update",
]


@dataclass
class RegisterResult:
    person: Person
    created: bool
    conflicts: list[dict] = field(default_factory=list)


def household_get_or_create(*, grid: Region, label: str) -> Household:
    """The household labelled `label` in `grid`, created when missing (race-safe)."""
    household = Household.objects.filter(region=grid, label=label).first()
    if household is not None:
        return household
    try:
        with transaction.atomic():
            return household_create(grid=grid, label=label)
    except (IntegrityError, ValidationError):
        household = Household.objects.filter(region=grid, label=label).first()
        if household is None:
            raise
        return household


def _region_repr(region: Region | None) -> str:
    return f"{region.name}({region.code})" if region else ""


def _display(field_name: str, value: Any) -> Any:
    """The audit/conflict form of a value: identifiers masked, objects named."""
    if field_name == "phone":
        return mask_phone(value or "")
    if field_name == "id_number":
        return mask_id_number(value or "")
    if isinstance(value, Region):
        return _region_repr(value)
    if isinstance(value, Household):
        return value.label
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return value


def _create(clean: CleanPerson, duplicate_of: Person | None = None) -> Person:
    household = (
        household_get_or_create(grid=clean.grid, label=clean.household_label)
        if clean.grid is not None and clean.household_label
        else None
    )
    identifiers = id_number_fields(clean.id_number)
    if duplicate_of is not None:  # provisional: kept apart from the record on file
        identifiers["id_number_index"] = None
    person = Person(
        name=clean.name,
        gender=clean.gender,
        birth_date=clean.birth_date,
        region=clean.grid,
        path=clean.grid.path if clean.grid else "",
        household=household,
        relation_to_head=clean.relation_to_head,
        address_text=clean.address_text,
        duplicate_of=duplicate_of,
        **identifiers,
        **phone_fields(clean.phone),
    )
    person.full_clean(validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        person.save()
    if clean.tags:
        person.tags.add(*clean.tags)
    return person


def _merge(person: Person, clean: CleanPerson) -> tuple[dict, list[dict]]:
    """Fill blanks of `person` from `clean`; return (masked changes, masked conflicts)."""
    changes: dict[str, list] = {}
    conflicts: list[dict] = []

    def conflict(field_name: str, existing: Any, incoming: Any) -> None:
        conflicts.append(
            {
                "field": field_name,
                "existing": _display(field_name, existing),
                "incoming": _display(field_name, incoming),
            }
        )

    for attr in ("name", "relation_to_head", "address_text"):
        old, new = getattr(person, attr), getattr(clean, attr)
        if not new or old == new:
            continue
        if old:
            conflict(attr, old, new)
        else:
            setattr(person, attr, new)
            changes[attr] = ["", new]
    if clean.phone:
        new_fields = phone_fields(clean.phone)
        if not person.phone_index:
            person.phone_encrypted = new_fields["phone_encrypted"]
            person.phone_index = new_fields["phone_index"]
            person.phone_masked = new_fields["phone_masked"]
            changes["phone"] = ["", new_fields["phone_masked"]]
        elif person.phone_index != new_fields["phone_index"]:
            conflicts.append(
                {
                    "field": "phone",
                    "existing": person.phone_masked,
                    "incoming": new_fields["phone_masked"],
                }
            )
    if person.gender == Gender.UNKNOWN:
        person.gender = clean.gender
        changes["gender"] = [Gender.UNKNOWN, clean.gender]
    if person.birth_date is None:
        person.birth_date = clean.birth_date
        changes["birth_date"] = ["", clean.birth_date.isoformat()]
    if clean.grid is not None:
        if person.region_id is None:
            person.region = clean.grid
            person.path = clean.grid.path
            changes["grid"] = ["", _region_repr(clean.grid)]
        elif person.region_id != clean.grid.pk:
            conflict("grid", person.region, clean.grid)
        if person.region_id == clean.grid.pk and clean.household_label:
            current = person.household
            if current is None:
                person.household = household_get_or_create(
                    grid=clean.grid, label=clean.household_label
                )
                changes["household"] = ["", clean.household_label]
            elif current.label != clean.household_label:
                conflict("household", current, clean.household_label)
    existing_tags = set(person.tags.values_list("pk", flat=True))
    added = [t for t in clean.tags if t.pk not in existing_tags]
    if added:
        person.tags.add(*added)
        changes["tags"] = [[], [t.code for t in added]]
    if changes:
        person.full_clean(validate_unique=False, validate_constraints=False)
        person.save()
    return changes, conflicts


@transaction.atomic
def person_register(*, actor, data: PersonInput, ip_address: str | None = None) -> RegisterResult:
    """Create a person, or merge into the one with the same ID number.

    Callers check that the actor may write in `data.grid`. Conflicting values on file
    are kept and returned (masked) in `conflicts`. A number on file where the actor may
    not change people is, to the actor, nobody (docs/decisions/0011): her registration
    becomes a provisional record in her grid (or merges into the provisional record she
    made before), the record on file is not touched, and officers who see both are
    asked to merge them. Nothing in the answer tells the two cases apart.
    """
    clean = person_input_clean(data)
    index = id_number_index(clean.id_number)
    existing = Person.objects.select_for_update().filter(id_number_index=index).first()
    created = False
    if existing is None:
        try:
            with transaction.atomic():
                person = _create(clean)
            created = True
        except IntegrityError:
            # Someone registered the same ID number between our read and our insert.
            existing = Person.objects.select_for_update().get(id_number_index=index)
    if not created and not _may_merge_into(actor, existing):
        mine = _provisional_of(actor, existing)
        if mine is None:
            with transaction.atomic():
                person = _create(clean, duplicate_of=existing)
            created = True
            provisional_recorded(actor=actor, person=person, ip_address=ip_address)
        existing = mine
    if created:
        audit_record(
            actor=actor,
            action=Action.CREATE,
            obj=person,
            changes=_creation_changes(person, clean),
            ip_address=ip_address,
        )
        return RegisterResult(person=person, created=True, conflicts=[])
    assert existing is not None
    changes, conflicts = _merge(existing, clean)
    audit_changes: dict[str, Any] = dict(changes)
    if conflicts:
        audit_changes["conflicts"] = conflicts
    audit_record(
        actor=actor,
        action=Action.MERGE,
        obj=existing,
        changes=audit_changes,
        ip_address=ip_address,
    )
    return RegisterResult(person=existing, created=False, conflicts=conflicts)


def person_link_or_register(
    *, actor, data: PersonInput, ip_address: str | None = None
) -> RegisterResult:
    """For registries of their own that point at people (party membership): the person
    on file with this ID number, left exactly as it is when the actor may not change
    them, or else what `person_register` does (create, or merge for those who may).

    One Person per human holds across registries (docs/decisions/0091): an organization
    officer enrolling a resident links the membership to the resident's record instead
    of making a provisional duplicate. The actor's values are never written into a
    record she may not change; the link is audited on the person's side.
    """
    clean = person_input_clean(data)
    existing = (
        Person.objects.filter(id_number_index=id_number_index(clean.id_number))
        .only("pk", "public_id", "path", "name", "id_number_masked")
        .first()
    )
    if existing is None or _may_merge_into(actor, existing):
        return person_register(actor=actor, data=data, ip_address=ip_address)
    audit_record(
        actor=actor,
        action=Action.LINK,
        obj=existing,
        object_repr=existing.id_number_masked,
        changes={},
        ip_address=ip_address,
    )
    return RegisterResult(person=existing, created=False, conflicts=[])


def _provisional_of(actor, original: Person) -> Person | None:
    """The provisional record of `original` that the actor may change (she made it, or
    it lies in her grids), if any."""
    from bastion.access.roles import Perm
    from bastion.access.scoping import restrict_people

    return restrict_people(
        Person.objects.select_for_update().filter(duplicate_of=original), actor, Perm.PERSON_CHANGE
    ).first()


def _may_merge_into(actor, person: Person) -> bool:
    """May `actor` fill blanks of `person`? The command line and the demo (no user) may."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return True
    from bastion.access.roles import Perm
    from bastion.access.scoping import restrict_people

    return restrict_people(Person.objects.filter(pk=person.pk), actor, Perm.PERSON_CHANGE).exists()


def _creation_changes(person: Person, clean: CleanPerson) -> dict[str, list]:
    changes: dict[str, list] = {
        "name": [None, person.name],
        "id_number": [None, person.id_number_masked],
        "gender": [None, person.gender],
        "birth_date": [None, clean.birth_date.isoformat()],
    }
    if person.phone_masked:
        changes["phone"] = [None, person.phone_masked]
    if clean.grid is not None:
        changes["grid"] = [None, _region_repr(clean.grid)]
    if person.household_id:
        changes["household"] = [None, clean.household_label]
    for attr in ("relation_to_head", "address_text"):
        if getattr(person, attr):
            changes[attr] = [None, getattr(person, attr)]
    if clean.tags:
        changes["tags"] = [None, [t.code for t in clean.tags]]
    return changes


PERSON_UPDATE_FIELDS = frozenset(
    {"name", "phone", "grid", "household_label", "relation_to_head", "address_text", "tags"}
)


@transaction.atomic
def person_update(*, actor, person: Person, changes: dict, ip_address: str | None = None) -> Person:
    """Change a person's editable fields; the audit entry holds masked old/new values.

    Callers check that the actor may change this person (and write in a new grid).
    """
    unknown = set(changes) - PERSON_UPDATE_FIELDS
    if unknown:
        raise ValidationError(
            {k: _("该字段不能修改") for k in sorted(unknown)}  # e.g. id_number, gender
        )
    person = Person.objects.select_for_update().get(pk=person.pk)
    errors: dict[str, str] = {}
    audit: dict[str, list] = {}

    if "name" in changes:
        name = (changes["name"] or "").strip()
        if not name:
            errors["name"] = _("姓名不能为空")
        elif name != person.name:
            audit["name"] = [person.name, name]
            person.name = name
    if "phone" in changes:
        raw = (changes["phone"] or "").strip()
        try:
            phone = parse_mobile(raw) if raw else ""
        except PhoneError as exc:
            errors["phone"] = str(exc)
        else:
            new = phone_fields(phone)
            if new["phone_index"] != person.phone_index:
                audit["phone"] = [person.phone_masked, new["phone_masked"]]
                for key, value in new.items():
                    setattr(person, key, value)
    for attr in ("relation_to_head", "address_text"):
        if attr in changes:
            value = (changes[attr] or "").strip()
            if value != getattr(person, attr):
                audit[attr] = [getattr(person, attr), value]
                setattr(person, attr, value)
    grid = person.region
    if "grid" in changes:
        grid = changes["grid"]
        if grid is not None and grid.level != Level.GRID:
            errors["grid"] = _("所选区域不是网格")
        elif (grid.pk if grid else None) != person.region_id:
            audit["grid"] = [_region_repr(person.region), _region_repr(grid)]
            person.region = grid
            person.path = grid.path if grid else ""
            if "household_label" not in changes and person.household_id:
                audit["household"] = [person.household.label, ""]
                person.household = None
    if "household_label" in changes and "grid" not in errors:
        label = (changes["household_label"] or "").strip()
        old_label = person.household.label if person.household_id else ""
        if label and grid is None:
            errors["household_label"] = _("填写户号时必须指定网格")
        elif label != old_label or (
            person.household_id and grid is not None and person.household.region_id != grid.pk
        ):
            person.household = household_get_or_create(grid=grid, label=label) if label else None
            audit["household"] = [old_label, label]
    new_tags: list[Tag] | None = None
    if "tags" in changes:
        try:
            new_tags = resolve_tags(list(changes["tags"] or []))
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    person.full_clean(validate_unique=False, validate_constraints=False)
    person.save()
    if "grid" in audit or "household" in audit:
        person_relocated(actor=actor, person=person)  # observations follow their person
    if new_tags is not None:
        old_codes = sorted(person.tags.values_list("code", flat=True))
        new_codes = sorted(t.code for t in new_tags)
        if old_codes != new_codes:
            person.tags.set(new_tags)
            audit["tags"] = [old_codes, new_codes]
    if audit:
        audit_record(
            actor=actor, action=Action.UPDATE, obj=person, changes=audit, ip_address=ip_address
        )
    return person
