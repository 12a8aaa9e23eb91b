"""Supplies API shapes: the summary figures. No `from __future__ import annotations`: ninja reads
the runtime annotations."""

import datetime as dt
from decimal import Decimal

from ninja import Schema

from bastion.supplies.api.schemas.stock import StockRowOut


class SummaryOut(Schema):
    as_of: dt.datetime
    donors: int
    donors_by_kind: dict[str, int]
    donations_received: int
    donations_by_category: dict[str, int]
    value_in_kind: Decimal
    value_by_category: dict[str, Decimal]
    cash: dict[str, Decimal]
    requests_open: int
    allocations_approved: int
    shipments: int
    shipments_confirmed: int
    shipments_short: int
    stock: list[StockRowOut]
    reconciles: bool
