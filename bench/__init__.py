"""Benchmarks run by `make bench` (python -m bench); see bench/harness.py."""
