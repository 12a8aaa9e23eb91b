"""Writes the demo residents through the people service, one registration per person."""

from __future__ import annotations

from bastion.geo.models import Household, Region
from bastion.people.models import Tag
from bastion.people.services import PersonInput, person_register


def ensure_tags(tags: dict[str, tuple[str, str]]) -> None:
    """Create the care tags the demo uses when the data migration has not (older databases)."""
    for code, (name_zh, name_en) in tags.items():
        Tag.objects.get_or_create(code=code, defaults={"name_zh": name_zh, "name_en": name_en})


class PeopleWriter:
    """Registers households of PersonRow through people.services.person_register."""

    def __init__(self, *, actor, tags: dict[str, tuple[str, str]]):
        self.actor = actor
        self.count = 0
        ensure_tags(tags)

    def add(self, grid: Region, household: Household, address: str, rows: list) -> None:
        for row in rows:
            person_register(
                actor=self.actor,
                data=PersonInput(
                    name=row.name,
                    id_number=row.id_number,
                    phone=row.phone,
                    gender=row.gender,
                    birth_date=row.birth_date,
                    grid=grid,
                    household_label=household.label,
                    relation_to_head=row.relation_to_head,
                    address_text=address,
                    tags=row.tags,
                ),
            )
            self.count += 1
