"""An attachment or photo may be opened by whoever may see a record it belongs to."""

from __future__ import annotations

from django.http import Http404

from bastion.command.selectors.common import get_or_404
from bastion.command.selectors.directives import directive_list, target_list
from bastion.command.selectors.incidents import incident_list
from bastion.command.selectors.notices import notice_list
from bastion.core.models import StoredFile


def attachment_get(*, user, public_id) -> StoredFile:
    stored = get_or_404(StoredFile.objects.all(), public_id=public_id)
    owners = (
        lambda: directive_list(user=user).filter(attachments=stored),
        lambda: target_list(user=user).filter(events__attachments=stored),
        lambda: notice_list(user=user, include_withdrawn=True).filter(versions__attachments=stored),
        lambda: incident_list(user=user, show="all").filter(photos=stored),
        lambda: incident_list(user=user, show="all").filter(log__photos=stored),
    )
    if any(owner().exists() for owner in owners):
        return stored
    raise Http404
