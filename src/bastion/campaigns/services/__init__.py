"""Writes of the campaigns app: keyword-only, one transaction, validated, audited."""
