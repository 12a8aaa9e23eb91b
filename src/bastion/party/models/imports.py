"""Member imports: an uploaded roster of party members, its dry run and its run."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bastion.core.models import PublicIdModel
from bastion.party.models.organizations import Organization


class MemberImport(PublicIdModel):
    """A member roster waiting for, or gone through, an import.

    The file is kept under MEDIA_ROOT/imports/ with a random name until it has been
    imported; `filename` is only shown. `report` holds the last dry run or run.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传")
        PREVIEWED = "previewed", _("已预检")
        DONE = "done", _("已导入")
        FAILED = "failed", _("未导入")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    default_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=80)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    mode = models.CharField(max_length=20, blank=True, default="")
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.filename
