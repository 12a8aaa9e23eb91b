"""Member pages, one module per concern: the roster (list and search, enroll, detail,
edit, transfer, the member's own login, the roster export), the quarterly service record
(cards and staff entries) and the roster import. urls.py reaches every view from here."""

from bastion.party.views.members.importing import (
    import_errors,
    import_preview,
    import_run,
    import_upload,
)
from bastion.party.views.members.roster import (
    can_manage_member,
    member_account,
    member_create,
    member_detail,
    member_edit,
    member_list,
    member_transfer,
)
from bastion.party.views.members.service import (
    member_card,
    service_cards,
    service_entry_add,
    service_entry_correct,
)

__all__ = [
    "can_manage_member",
    "member_list",
    "member_create",
    "member_detail",
    "member_edit",
    "member_transfer",
    "member_account",
    "member_card",
    "service_entry_add",
    "service_entry_correct",
    "service_cards",
    "import_upload",
    "import_preview",
    "import_run",
    "import_errors",
]
