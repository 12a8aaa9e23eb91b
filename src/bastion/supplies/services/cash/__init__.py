"""Cash on its own ledger: donated money arrives in an account, the county command
allocates it to purposes, the purpose's unit spends it with receipts (scans through
`core.uploads`), an unspent remainder returns, one module per concern. Never overspent:
every write holds the account's row lock (`entries._lock`) and checks the derived balances
after taking it."""

from bastion.supplies.services.cash.accounts import (
    cash_account_create,
    cash_adjust,
)
from bastion.supplies.services.cash.corrections import cash_entry_correct
from bastion.supplies.services.cash.entries import mask_account
from bastion.supplies.services.cash.purposes import (
    cash_purpose_close,
    cash_purpose_create,
    cash_purpose_top_up,
)
from bastion.supplies.services.cash.receipts import donation_cash_receive
from bastion.supplies.services.cash.spending import (
    can_spend,
    cash_spend,
)

__all__ = [
    "mask_account",
    "cash_account_create",
    "cash_adjust",
    "donation_cash_receive",
    "cash_purpose_create",
    "cash_purpose_top_up",
    "cash_purpose_close",
    "can_spend",
    "cash_spend",
    "cash_entry_correct",
]
