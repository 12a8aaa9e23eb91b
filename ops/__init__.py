"""Operational proofs (issue 13): load, soak and faults, more than one server, replicas.

Every script is bounded in time, binds to 127.0.0.1 only and works in its own database
(`bastion_reliab_ops` by default) and its own temporary directory. Run from the
repository root with the project's interpreter: `.venv/bin/python -m ops.load --help`.
"""
