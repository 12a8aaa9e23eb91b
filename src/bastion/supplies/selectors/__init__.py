"""Scoped reads of the supplies app (one module per aggregate)."""
