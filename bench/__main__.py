"""python -m bench [--quick] [--only NAME]: run every bench/bench_*.py and report the rows."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from bench.harness import failed_row, text_table, write_results

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    """Return the names of the benchmark modules (bench_<name>.py), sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def run_one(name: str, quick: bool) -> list[dict]:
    """Return the rows of benchmark ``name``, or one failed row when it raises."""
    try:
        module = importlib.import_module(f"bench.bench_{name}")
        rows = list(module.run(quick))
    except Exception as error:  # noqa: BLE001 - a broken benchmark must not stop the others
        return [failed_row(name, error)]
    return [row.to_dict() if hasattr(row, "to_dict") else dict(row) for row in rows]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table, update bench/RESULTS.md; return 0 (a measurement)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller inputs")
    parser.add_argument("--only", metavar="NAME", action="append", help="run only bench_NAME")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)

    names = discover()
    if args.only:
        unknown = sorted(set(args.only) - set(names))
        if unknown:
            parser.error(f"no benchmark named {unknown}; known: {', '.join(names) or 'none'}")
        names = [n for n in names if n in args.only]

    rows_by_name = {}
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows_by_name[name] = run_one(name, args.quick)
    rows = [row for found in rows_by_name.values() for row in found]

    print(text_table(rows))
    write_results(rows_by_name, args.output, args.quick)
    print(f"\nwrote {args.output}")

    missed = [row for row in rows if not row["ok"]]
    for row in missed:
        print(f"goal missed: {row['benchmark']} / {row['subject']}: {row['goal']}")
    if not rows:
        print("no benchmarks found (bench/bench_*.py)")
    elif not missed:
        print(f"all {len(rows)} goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
