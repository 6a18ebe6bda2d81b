"""Run the benchmarks: ``python -m bench`` runs all of them, ``python -m bench search`` those named."""
from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def available() -> list[str]:
    """Names of the benchmark modules, sorted: public modules of this package that define ``run``.

    Private modules (``_server``) and helpers without ``run`` (``report``, a baseline app) are not
    benchmarks.
    """
    names = (m.name for m in pkgutil.iter_modules(bench.__path__) if not m.name.startswith("_"))
    return sorted(name for name in names if callable(getattr(importlib.import_module(f"bench.{name}"), "run", None)))


def main(argv: list[str]) -> int:
    """Run the benchmarks named in ``argv`` (all when empty); 1 if a target was missed, 2 on a bad name."""
    known = available()
    names = argv or known
    unknown = sorted(set(names) - set(known))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(known)}", file=sys.stderr)
        return 2
    results = {name: importlib.import_module(f"bench.{name}").run() for name in names}
    for name, passed in results.items():
        print(f"{name}: {'PASS' if passed else 'FAIL'}")
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
