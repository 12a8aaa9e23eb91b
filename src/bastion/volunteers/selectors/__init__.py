"""Scoped reads of the volunteers app: one module per aggregate."""
