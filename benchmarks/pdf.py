"""Time per PDF: each document through the long-lived converter (warm) beside a cold `soffice --convert-to`.

    .venv/bin/python benchmarks/pdf.py [--example sibling-group] [--child child-kai] [--rounds 5]

For each document of one child (the record, a plan, an outcome, the child's version), the same Word
file is made a PDF both ways in the same run, alternating round by round: "converter" is formgen's
(formgen.documents.converter: one unoserver and LibreOffice kept running, started once before the
rounds and timed apart); "soffice" is what formgen did before, a LibreOffice started for each document
with a profile kept from the previous start (making a new profile costs more again). Medians, their
spread and the ratio soffice / converter are printed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

from formgen.documents import DOCUMENTS, TemplateStore, copies_for, documents_for, render_document
from formgen.documents.converter import converter
from formgen.engine import load_case
from formgen.settings import Settings
from formgen.spec import load_spec


def cold_soffice(content: bytes, profile: Path) -> bytes:
    """One document the old way: a LibreOffice started for it, converting from and to files."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        raise SystemExit("soffice is not installed: scripts/setup.sh installs it")
    with tempfile.TemporaryDirectory(prefix="formgen-bench-") as work:
        source = Path(work) / "document.docx"
        source.write_bytes(content)
        subprocess.run(
            [
                *(program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"),
                *("--convert-to", "pdf", "--outdir", work, str(source)),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return source.with_suffix(".pdf").read_bytes()


def pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, check=True, capture_output=True, timeout=60)
    return int(
        next(line.split()[1] for line in info.stdout.decode().splitlines() if line.startswith("Pages:"))
    )


def documents(example: str, child: str) -> dict[str, bytes]:
    """The Word documents of one child: the record, the child's version, the first recipient's plan
    and outcome (or the plan and outcome addressed to nobody, for a case without a list)."""
    settings = Settings.from_environment()
    form = load_spec(settings.spec_dir, settings.authority)
    store = TemplateStore(settings.template_dir, settings.authority)
    case = load_case(settings.examples_dir / f"{example}.json")
    today = date.today()
    made = {}
    for kind in documents_for(form, case, child, today=today):
        recipient = None
        if DOCUMENTS[kind].per_recipient and case.distribution:
            copies = copies_for(form, case, child, today=today)
            ready = [copy.recipient for copy in copies if copy.kind == kind and not copy.refused]
            if not ready:
                continue
            recipient = ready[0]
        made[kind] = render_document(form, store, case, child, kind, today=today, recipient=recipient)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="sibling-group")
    parser.add_argument("--child", default="child-kai")
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()

    made = documents(arguments.example, arguments.child)
    warm = converter()
    start = time.perf_counter()
    warm.start()
    started = time.perf_counter() - start
    profile = Path(tempfile.mkdtemp(prefix="formgen-bench-profile-"))
    try:
        for content in made.values():  # the profile made and every path taken once, on both sides
            warm.to_pdf(content)
            cold_soffice(content, profile)
        print(
            f"{arguments.example}, {arguments.child}: {arguments.rounds} interleaved rounds; seconds per PDF"
        )
        print(f"converter started once in {started:.1f} s (not counted below)")
        print(
            f"{'document':<10}{'pages':>6}{'converter':>11}{'spread':>13}{'soffice':>9}{'spread':>13}{'ratio':>7}"
        )
        for kind, content in made.items():
            ours: list[float] = []
            theirs: list[float] = []
            for _ in range(arguments.rounds):
                start = time.perf_counter()
                pdf = warm.to_pdf(content)
                ours.append(time.perf_counter() - start)
                start = time.perf_counter()
                cold_soffice(content, profile)
                theirs.append(time.perf_counter() - start)
            a, b = statistics.median(ours), statistics.median(theirs)
            print(
                f"{kind:<10}{pages(pdf):>6}"
                f"{a:>11.2f}{f'{min(ours):.2f}-{max(ours):.2f}':>13}"
                f"{b:>9.2f}{f'{min(theirs):.2f}-{max(theirs):.2f}':>13}{b / a:>7.1f}"
            )
    finally:
        warm.stop()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
