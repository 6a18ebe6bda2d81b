"""Benchmarks. Each public module with a ``run() -> bool`` (True: targets met) is one benchmark.

``make bench`` (``python -m bench [name ...]``) runs them; each prints its figures against a
baseline measured in the same run and writes its section of docs/benchmarks.md.
"""
