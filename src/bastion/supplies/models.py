"""Donations and supplies: donors, donations, items and units, warehouses, the stock ledger, allocations, cash."""
