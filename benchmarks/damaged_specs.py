"""Median time to load each damaged spec of the test corpus, against the undamaged spec in the same run.

    .venv/bin/python -m benchmarks.damaged_specs [--runs 5]

Each damage of tests/data/damaged_specs/ is laid over its own copy of form_specs/, and load_spec is
timed on it and on an undamaged copy in turn, so both see the same machine. A ratio near or below 1
means the damage is found without costing more than a normal load: nesting and alias bombs are
bounded, not merely survived.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from formgen.spec import SpecError, load_spec
from tests.support import DAMAGES, SPEC_DIR, lay_damage


def load_ms(spec_dir: Path) -> float:
    start = time.perf_counter()
    with contextlib.suppress(SpecError):
        load_spec(spec_dir, "general")
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        intact = Path(scratch) / "intact"
        shutil.copytree(SPEC_DIR, intact)
        print(f"{arguments.runs} runs each, median milliseconds")
        print(f"{'damage':<32}{'damaged':>10}{'intact':>10}{'ratio':>8}")
        ratios = []
        for name in DAMAGES:
            damaged = Path(scratch) / name
            shutil.copytree(SPEC_DIR, damaged)
            lay_damage(name, damaged)
            timings: dict[Path, list[float]] = {damaged: [], intact: []}
            for _ in range(arguments.runs):
                for spec_dir in timings:
                    timings[spec_dir].append(load_ms(spec_dir))
            ours, baseline = (statistics.median(timings[spec_dir]) for spec_dir in (damaged, intact))
            ratios.append(ours / baseline)
            print(f"{name:<32}{ours:>10.1f}{baseline:>10.1f}{ours / baseline:>8.2f}")
        print(f"{'slowest damage against intact':<52}{max(ratios):>8.2f}")


if __name__ == "__main__":
    main()
