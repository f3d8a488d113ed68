"""Median render time of each document of an example, against a bare docxtpl render in the same run.

    .venv/bin/python benchmarks/render.py [--example sibling-group] [--runs 15]

"formgen" is the whole path a download takes: building the context from the spec and the answers,
a fresh template from cached bytes, rendering with escaping and strict names, saving. "bare" is
docxtpl alone rendering the same template file with the same, already built, context. The ratio
is what formgen adds on top of docxtpl.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from datetime import date

from docxtpl import DocxTemplate

from formgen.documents import DOCUMENTS, TemplateStore, build_context, documents_for, render_document
from formgen.engine import load_case
from formgen.settings import Settings
from formgen.spec import load_spec


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm caches (template bytes, holidays) so both sides are measured alike
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def bare_render(path, context) -> bytes:
    template = DocxTemplate(path)
    template.render(context, autoescape=True)
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="sibling-group")
    parser.add_argument("--runs", type=int, default=15)
    arguments = parser.parse_args()

    settings = Settings.from_environment()
    form = load_spec(settings.spec_dir, settings.authority)
    case = load_case(settings.examples_dir / f"{arguments.example}.json")
    store = TemplateStore(settings.template_dir, settings.authority)
    child_id = case.children[0].id
    today = date.today()

    print(f"example {arguments.example}, child {child_id}, {arguments.runs} runs each, median milliseconds")
    print(f"{'document':<10}{'formgen':>10}{'bare':>10}{'ratio':>8}")
    for kind in documents_for(form, case, child_id, today=today):
        context = build_context(form, case, child_id, kind, today=today)
        path = store.path(DOCUMENTS[kind].template)
        ours = median_ms(
            lambda kind=kind: render_document(form, store, case, child_id, kind, today=today), arguments.runs
        )
        bare = median_ms(lambda path=path, context=context: bare_render(path, context), arguments.runs)
        print(f"{kind:<10}{ours:>10.1f}{bare:>10.1f}{ours / bare:>8.2f}")


if __name__ == "__main__":
    main()
