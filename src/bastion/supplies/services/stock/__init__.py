"""The stock ledger: warehouses, drawing from lots (FIFO or a chosen lot), adjustments,
write-offs (expired, damaged), transfers and corrections, one module per concern. Every write
holds the row lock of the warehouse(s) it touches (`lock_warehouses`) and reads the lot
balances after taking it, so two keepers issuing at once cannot both take the last unit: the
second waits, then sees what the first left."""

from bastion.supplies.services.stock.adjustments import (
    stock_adjust,
    stock_write_off,
)
from bastion.supplies.services.stock.corrections import (
    CORRECTABLE,
    stock_move_correct,
)
from bastion.supplies.services.stock.lots import (
    Stock,
    Stocks,
)
from bastion.supplies.services.stock.transfers import (
    TransferLine,
    stock_transfer,
)
from bastion.supplies.services.stock.warehouses import (
    warehouse_create,
    warehouse_update,
)

__all__ = [
    "warehouse_create",
    "warehouse_update",
    "Stock",
    "Stocks",
    "stock_adjust",
    "stock_write_off",
    "TransferLine",
    "stock_transfer",
    "CORRECTABLE",
    "stock_move_correct",
]
