"""Run the benchmarks: ``python -m bench`` runs all of them, ``python -m bench search`` those named."""
from __future__ import annotations

import importlib
import pkgutil
import sys

import bench

_NOT_BENCHMARKS = {"report", "__main__"}


def available() -> list[str]:
    """Names of the benchmark modules in this package, sorted."""
    return sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name not in _NOT_BENCHMARKS)


def main(argv: list[str]) -> int:
    """Run the benchmarks named in ``argv`` (all when empty); 1 if a target was missed, 2 on a bad name."""
    names = argv or available()
    unknown = sorted(set(names) - set(available()))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available())}", file=sys.stderr)
        return 2
    results = {name: importlib.import_module(f"bench.{name}").run() for name in names}
    for name, passed in results.items():
        print(f"{name}: {'PASS' if passed else 'FAIL'}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
