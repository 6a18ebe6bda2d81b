"""Benchmarks. Each module but ``report`` is one benchmark exposing ``run() -> bool`` (targets met).

``make bench`` (``python -m bench [name ...]``) runs them; each prints its figures against a
baseline measured in the same run and writes its section of docs/benchmarks.md.
"""
