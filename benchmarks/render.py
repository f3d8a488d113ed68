"""Documents' render times, each measured case interleaved with its baseline in the same run.

    .venv/bin/python benchmarks/render.py [--example sibling-group] [--runs 15]
    .venv/bin/python benchmarks/render.py --siblings 20 [--runs 3]

By default, each document of one child of the example: "formgen" is the whole path a download takes
(building the context from the spec and the answers, a fresh template from cached bytes, rendering with
escaping and strict names, saving) and "bare" is docxtpl alone rendering the same template file with
the same, already built, context, the two taking turns; the ratio is what formgen adds to docxtpl.

With --siblings N: `formgen render --all`'s work (every document of every child, each recipient's copy,
in Word) for a household of N children, beside the same for a household of one, in turn. Each child is
a copy of the example's first child, so a household of N has N times the documents: a ratio of N is
linear, and issue 9 asks for at most N.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from docxtpl import DocxTemplate

from formgen.documents import (
    DOCUMENTS,
    TemplateStore,
    build_context,
    documents_for,
    render_document,
    write_documents,
)
from formgen.documents.render import jinja_environment
from formgen.engine import CaseFile, load_case
from formgen.engine.distribution import CopyFormat
from formgen.settings import Settings
from formgen.spec import load_spec


def interleaved(
    measured: Callable[[], object], baseline: Callable[[], object], runs: int
) -> tuple[list, list]:
    """Milliseconds of each run of the two, taking turns (A B A B ...) after one warming run each."""
    measured(), baseline()  # warm caches (template bytes, holidays) so both sides are measured alike
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for action, kept in ((measured, times[0]), (baseline, times[1])):
            start = time.perf_counter()
            action()
            kept.append((time.perf_counter() - start) * 1000)
    return times


def spread(timings: list[float]) -> str:
    return f"{min(timings):.0f}-{max(timings):.0f}"


def bare_render(path, context) -> bytes:
    template = DocxTemplate(path)
    template.render(context, jinja_env=jinja_environment(), autoescape=True)  # its `_` and filters
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()


def household_of(case: CaseFile, size: int) -> CaseFile:
    """The case with `size` copies of its first child (fictional names of their own), each sent to
    whoever the first child's documents go to, and nothing withheld, sent or translated."""
    first = case.children[0]
    children = [
        first.model_copy(
            update={
                "id": f"child-{number}",
                "answers": {**first.answers, "child_name": f"Child {number} Dacres"},
            }
        )
        for number in range(1, size + 1)
    ]
    distribution = [
        recipient.model_copy(update={"children": []})
        for recipient in case.distribution
        if recipient.receives(first.id) or recipient.excluded_reason is not None
    ]
    empty = {"withheld": [], "circulation": [], "interpretations": []}
    return case.model_copy(update={"children": children, "distribution": distribution, **empty})


def documents(form, store, case: CaseFile, today: date, out_dir: Path) -> int:
    written = write_documents(
        form, store, case, out_dir, today=today, copy_format=CopyFormat.WORD, untranslated=[]
    )
    return len(written)


def each_document(form, store, case: CaseFile, runs: int, today: date) -> None:
    child_id = case.children[0].id
    print(f"child {child_id}, {runs} runs each, interleaved; median milliseconds (range)")
    print(f"{'document':<10}{'formgen':>16}{'bare':>16}{'ratio':>8}")
    for kind in documents_for(form, case, child_id, today=today):
        context = build_context(form, case, child_id, kind, today=today)
        path = store.path(DOCUMENTS[kind].template)
        ours, bare = interleaved(
            lambda kind=kind: render_document(form, store, case, child_id, kind, today=today),
            lambda path=path, context=context: bare_render(path, context),
            runs,
        )
        a, b = statistics.median(ours), statistics.median(bare)
        print(f"{kind:<10}{a:>8.1f} ({spread(ours):>5}){b:>8.1f} ({spread(bare):>5}){a / b:>8.2f}")


def siblings(form, store, case: CaseFile, size: int, runs: int, today: date) -> None:
    one, many = household_of(case, 1), household_of(case, size)
    with tempfile.TemporaryDirectory() as folder:
        counts = (
            documents(form, store, one, today, Path(folder) / "one"),
            documents(form, store, many, today, Path(folder) / "many"),
        )
        group, single = interleaved(
            lambda: documents(form, store, many, today, Path(folder) / "many"),
            lambda: documents(form, store, one, today, Path(folder) / "one"),
            runs,
        )
    a, b = statistics.median(group), statistics.median(single)
    print(f"every document of every child, in Word; {runs} runs each, interleaved; median ms (range)")
    print(f"household of 1:  {counts[0]:>4} documents {b:>9.0f} ({spread(single)})")
    print(f"household of {size}: {counts[1]:>4} documents {a:>9.0f} ({spread(group)})")
    print(f"ratio {a / b:.1f} (linear: {size}; issue 9's limit: {size})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="sibling-group")
    parser.add_argument("--runs", type=int)
    parser.add_argument("--siblings", type=int, help="compare a household of this many children with one")
    arguments = parser.parse_args()

    settings = Settings.from_environment()
    form = load_spec(settings.spec_dir, settings.authority)
    case = load_case(settings.examples_dir / f"{arguments.example}.json")
    store = TemplateStore(settings.template_dir, settings.authority)
    today = date.today()
    print(f"example {arguments.example}")
    if arguments.siblings:
        siblings(form, store, case, arguments.siblings, arguments.runs or 3, today)
    else:
        each_document(form, store, case, arguments.runs or 15, today)


if __name__ == "__main__":
    main()
