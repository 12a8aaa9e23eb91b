"""Bastion's benchmark suite (not tests): `python -m benchmarks` or `make bench`."""
