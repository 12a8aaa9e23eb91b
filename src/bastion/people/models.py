"""The person registry: one Person per human, identifiers encrypted with a blind index."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel, TimestampedModel
from bastion.geo.models import Household, Region


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")
    UNKNOWN = "U", _("未知")


class Tag(models.Model):
    """A care tag: elderly living alone, chronic illness, pregnant, disabled, ..."""

    code = models.SlugField(max_length=40, unique=True)
    name_zh = models.CharField(max_length=40)
    name_en = models.CharField(max_length=60)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Person(PublicIdModel, TimestampedModel):
    """Everyone the system knows (实有人口).

    The ID number and phone are stored Fernet-encrypted; `id_number_index` (HMAC) is
    unique, so the same human cannot be registered twice (a provisional record waiting
    to be merged has no index and points at the record on file, `duplicate_of`).
    `*_masked` hold the display form so lists never decrypt. `region`/`path` are the
    grid the person lives in.
    """

    name = models.CharField(max_length=60)
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = models.DateField(null=True, blank=True)
    id_number_encrypted = models.TextField(blank=True, default="")
    id_number_index = models.CharField(max_length=64, null=True, blank=True)
    id_number_masked = models.CharField(max_length=18, blank=True, default="")
    phone_encrypted = models.TextField(blank=True, default="")
    phone_index = models.CharField(max_length=64, blank=True, default="")
    phone_masked = models.CharField(max_length=11, blank=True, default="")
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="people"
    )
    path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relation_to_head = models.CharField(max_length=20, blank=True, default="")
    address_text = models.CharField(max_length=255, blank=True, default="")
    tags = models.ManyToManyField(Tag, blank=True, related_name="people")
    # A provisional record (docs/decisions/0011): someone registered an ID number that is
    # on file where they may not change people. Their record is kept apart (no blind
    # index) until officers who see both merge it into `duplicate_of`.
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provisional",
        db_index=False,  # a partial index below: the bulk import inserts NULLs only
    )

    class Meta:
        ordering = ["path", "name", "id"]
        # Declared here rather than with unique=/db_index= so that PostgreSQL gets no
        # extra varchar_pattern_ops index: blind indexes are only ever compared whole,
        # and every index costs the bulk import (COPY) about a fifth of its speed.
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"], name="person_id_number_index_unique"
            )
        ]
        indexes = [
            models.Index(fields=["phone_index"], name="person_phone_index"),
            models.Index(
                fields=["duplicate_of"],
                condition=models.Q(duplicate_of__isnull=False),
                name="person_provisional",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.id_number_masked}"


class ImportJob(PublicIdModel):
    """An uploaded file waiting for, or gone through, an import (roster, region tree, or
    a pushed-down observation list).

    The file is stored under MEDIA_ROOT/imports/ (directory 0700, file 0600) with a
    random name; the original name is kept only as `filename` for display. The upload
    is deleted when the import is done, and with the rejected rows (kept encrypted in
    `error_workbook_path`) once the job has been left alone for the retention period
    (`bastion purge`, people.importjobs.import_uploads_purge).
    """

    class Kind(models.TextChoices):
        PEOPLE = "people", _("人员花名册")
        REGIONS = "regions", _("区划网格")
        OBSERVATIONS = "observations", _("观察名单")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        PREVIEWED = "previewed", _("已预检")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("文件已过期删除")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    filename = models.CharField(max_length=255)
    stored_path = models.CharField(max_length=255)
    default_grid = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    mode = models.CharField(max_length=20, blank=True, default="")
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    # The rejected rows of the last preview or run, encrypted (core.tabular.SealedErrorRows).
    error_workbook_path = models.CharField(max_length=255, blank=True, default="")
    # Importer options beyond the default grid (the list import's category and origin).
    options = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.filename} ({self.status})"
