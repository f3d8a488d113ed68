"""Time per recipient's copy of a plan as the distribution list grows, beside a bare docxtpl render.

    .venv/bin/python benchmarks/circulation.py [--counts 1 10 100] [--rounds 5]

For each size of list, the sibling group's plan for one child is made for every recipient, as the
circulation page's "download every copy" does (context for that reader, checks of what they may see,
render, save). In the same run, alternating with it round by round, "bare" is docxtpl alone rendering
the same template with one context built beforehand: the floor a copy cannot go below. A copy that
stays the same price as the list grows is the aim (the issue's target: flat).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from datetime import date

from docxtpl import DocxTemplate

from formgen.documents import DOCUMENTS, TemplateStore, build_context, copies_for, render_document
from formgen.engine import load_case
from formgen.engine.casefile import CaseFile
from formgen.engine.distribution import Recipient
from formgen.settings import Settings
from formgen.spec import load_spec

CHILD = "child-kai"


def with_recipients(case: CaseFile, count: int) -> CaseFile:
    """The example with `count` fictional agency contacts as its distribution list."""
    recipients = [
        Recipient(id=f"r{n}", name=f"Contact {n}", role="Practitioner", organisation=f"Agency {n}")
        for n in range(1, count + 1)
    ]
    return case.model_copy(update={"distribution": recipients})


def every_copy(form, store, case: CaseFile, today: date) -> int:
    made = 0
    for copy in copies_for(form, case, CHILD, today=today):
        if copy.kind == "plan" and not copy.refused:
            render_document(form, store, case, CHILD, "plan", today=today, recipient=copy.recipient)
            made += 1
    return made


def bare(raw: bytes, context: dict) -> None:
    template = DocxTemplate(io.BytesIO(raw))
    template.render(context, autoescape=True)
    template.save(io.BytesIO())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()

    settings = Settings.from_environment()
    form = load_spec(settings.spec_dir, settings.authority)
    store = TemplateStore(settings.template_dir, settings.authority)
    example = load_case(settings.examples_dir / "sibling-group.json")
    today = date.today()
    raw = store.raw(DOCUMENTS["plan"].template)

    print(f"plan of {CHILD}, {arguments.rounds} interleaved rounds per count; milliseconds per copy")
    print(f"{'copies':>7}{'formgen':>10}{'spread':>16}{'bare':>9}{'spread':>16}{'ratio':>7}")
    for count in arguments.counts:
        case = with_recipients(example, count)
        context = build_context(form, case, CHILD, "plan", today=today, recipient=case.distribution[0])
        every_copy(form, store, case, today)  # warm caches alike for both sides
        ours: list[float] = []
        floor: list[float] = []
        for _ in range(arguments.rounds):
            start = time.perf_counter()
            made = every_copy(form, store, case, today)
            ours.append((time.perf_counter() - start) * 1000 / made)
            start = time.perf_counter()
            for _ in range(made):
                bare(raw, context)
            floor.append((time.perf_counter() - start) * 1000 / made)
        assert made == count, f"{made} copies made for {count} recipients"
        a, b = statistics.median(ours), statistics.median(floor)
        print(
            f"{count:>7}{a:>10.1f}{f'{min(ours):.1f}-{max(ours):.1f}':>16}"
            f"{b:>9.1f}{f'{min(floor):.1f}-{max(floor):.1f}':>16}{a / b:>7.2f}"
        )


if __name__ == "__main__":
    main()
