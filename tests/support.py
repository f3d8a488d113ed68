"""Helpers shared by the tests: where the shipped files are, a fixed today, and short ways to assess."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from formgen.engine import Assessment, CaseFile, load_case
from formgen.engine.review import Review
from formgen.settings import PROJECT_ROOT
from formgen.spec import FormSpec, Problem

SPEC_DIR = PROJECT_ROOT / "form_specs"
TEMPLATE_DIR = PROJECT_ROOT / "templates_docx"
EXAMPLES_DIR = PROJECT_ROOT / "examples"
EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))
# A fixed "today" keeps the tests' dates and timescales the same whenever they run.
TODAY = date(2026, 11, 20)


def load_example(name: str) -> CaseFile:
    return load_case(EXAMPLES_DIR / f"{name}.json")


def draft(case: CaseFile) -> CaseFile:
    """A case file as it is before anyone sends it for approval: its children's reviews set aside."""
    children = [child.model_copy(update={"review": Review()}) for child in case.children]
    return case.model_copy(update={"children": children})


def assess(form: FormSpec, household: dict | None = None, child: dict | None = None) -> Assessment:
    return Assessment(form, household or {}, child if child is not None else {}, today=TODAY)


def error_messages(assessment: Assessment, **kwargs) -> dict[str, str]:
    """Each field's message by its key (group[index].field for an item's field)."""
    return {error.key: error.message for error in assessment.errors(**kwargs)}


# --- the corpus of damaged specs ----------------------------------------------------------------

DAMAGED_SPECS = Path(__file__).parent / "data" / "damaged_specs"
DAMAGES = sorted(path.name for path in DAMAGED_SPECS.iterdir())


@dataclass(frozen=True)
class Damage:
    """Where the problem a damage causes must be reported, and a fragment of what it must say."""

    file: str
    line: int | None
    message: str

    def located_in(self, problems: list[Problem]) -> bool:
        return any(
            (problem.file, problem.line) == (self.file, self.line) and self.message in str(problem)
            for problem in problems
        )

    def shown_in(self, output: str) -> bool:
        """The command's output names the file, the line and the message."""
        where = f"{self.file}:{self.line}:" if self.line else f"{self.file}:"
        return where in output and self.message in output


def lay_damage(name: str, spec_dir: Path) -> Damage:
    """Lay a damage's files over a copy of form_specs/; its `bytes` turn readable markers into raw bytes."""
    folder = DAMAGED_SPECS / name
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    markers = {marker.encode(): bytes.fromhex(raw) for marker, raw in expected.get("bytes", {}).items()}
    for source in sorted(folder.rglob("*")):
        if not source.is_file() or source.name == "expected.yaml":
            continue
        target = spec_dir / source.relative_to(folder)
        for parent in target.parents:  # a folder where a file was: the file goes
            if parent.is_file():
                parent.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        content = source.read_bytes()
        for marker, raw in markers.items():
            content = content.replace(marker, raw)
        target.write_bytes(content)
    return Damage(expected["file"], expected["line"], expected["message"])
