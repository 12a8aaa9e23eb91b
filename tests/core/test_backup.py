"""`bastion backup` and `bastion restore`: a round trip of a small demo county keeps every
row of every table (counts and checksums per table, encrypted columns as stored), and
the ID and phone numbers read back the same with the same keys. Runs on SQLite (online
backup API) and on PostgreSQL (pg_dump / pg_restore)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from bastion.core.backup import key_fingerprint, manifest_path, table_fingerprints
from bastion.core.crypto import decrypt
from bastion.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

SMALL = ["--towns", "2", "--villages", "2", "--grids", "2", "--households", "3"]


# Rows the data migrations seed, which a transactional test run earlier flushed and the
# demo needs: (model, migration module, function).
SEEDS = [
    ("monitoring.Policy", "bastion.monitoring.migrations.0002_default_policies", "seed"),
    ("people.Tag", "bastion.people.migrations.0003_seed_tags", "seed"),
    ("supplies.Unit", "bastion.supplies.migrations.0002_standard_units", "seed"),
    ("volunteers.TaskKind", "bastion.volunteers.migrations.0002_default_task_kinds", "add_kinds"),
    ("command.IncidentKind", "bastion.command.migrations.0002_default_incident_kinds", "seed"),
    ("campaigns.VenueKind", "bastion.campaigns.defaults", "seed_venue_kinds"),
]


def _seed_defaults() -> None:
    from importlib import import_module

    from django.apps import apps

    for model, module, function in SEEDS:
        if not apps.get_model(model).objects.exists():
            getattr(import_module(module), function)(apps, None)


def _numbers() -> dict:
    return {
        str(p.public_id): (decrypt(p.id_number_encrypted), decrypt(p.phone_encrypted))
        for p in Person.objects.order_by("pk")
    }


def test_round_trip_of_the_demo_county_keeps_every_row(tmp_path, capsys):
    _seed_defaults()
    call_command("demo", *SMALL, "--seed", "13", verbosity=0)
    before = table_fingerprints()
    numbers = _numbers()
    assert sum(t["rows"] for t in before.values()) > 500
    assert any(ids for ids, _phone in numbers.values())
    path = tmp_path / "bastion.backup"

    call_command("backup", str(path))

    manifest = json.loads(manifest_path(path).read_text())
    assert manifest["tables"] == before and manifest["keys"] == key_fingerprint()
    # Life goes on after the backup: a person is renamed, another one registered.
    victim = Person.objects.order_by("pk").first()
    Person.objects.filter(pk=victim.pk).update(name="改过的名字")
    Person.objects.create(name="备份后登记", region=victim.region, path=victim.path)
    assert table_fingerprints() != before

    call_command("restore", str(path), "--noinput")

    assert table_fingerprints() == before
    assert _numbers() == numbers
    assert "逐表行数和校验和与备份一致" in capsys.readouterr().out


def test_restore_reports_a_table_that_differs_from_the_manifest(tmp_path, county):
    path = tmp_path / "b.backup"
    call_command("backup", str(path))
    manifest = json.loads(manifest_path(path).read_text())
    manifest["tables"]["people_person"]["rows"] += 1
    manifest_path(path).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="people_person"):
        call_command("restore", str(path), "--noinput")


def test_backup_refuses_to_overwrite_and_restore_needs_a_file(tmp_path, county):
    path = tmp_path / "b.backup"
    path.write_bytes(b"something precious")
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(path))
    assert path.read_bytes() == b"something precious"
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing"), "--noinput")


def test_restore_asks_first_and_cancelling_changes_nothing(tmp_path, county, monkeypatch):
    path = tmp_path / "b.backup"
    call_command("backup", str(path))
    person_count = Person.objects.count()
    Person.objects.get(name="王小明").delete()
    monkeypatch.setattr("builtins.input", lambda _prompt: "no")
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", str(path))
    assert Person.objects.count() == person_count - 1


def test_restore_warns_when_the_keys_differ(tmp_path, county, settings, capsys):
    path = tmp_path / "b.backup"
    call_command("backup", str(path))
    settings.BLIND_INDEX_KEY = "another-index-key"
    call_command("restore", str(path), "--noinput")
    assert "密钥不同" in capsys.readouterr().err
