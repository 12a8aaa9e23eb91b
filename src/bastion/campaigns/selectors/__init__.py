"""Scoped reads of the campaigns app: out of scope (or missing) is Http404."""
