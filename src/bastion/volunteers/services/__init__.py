"""Writes of the volunteers app: one module per aggregate."""
