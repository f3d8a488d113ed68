"""Every shipped spec file, damaged in reproducible ways (288 in all), loads or fails with SpecError: never
anything else (a traceback in `formgen check`, a server that cannot start)."""

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from formgen.spec import SpecError, load_spec
from tests.support import SPEC_DIR

SECTIONS = sorted(str(path.relative_to(SPEC_DIR)) for path in (SPEC_DIR / "sections").glob("*.yaml"))
CHOICE_LIST = "choice_lists/cin-census-assessment-factors.csv"
# Bytes that mean something to YAML or CSV, or that no text file should hold.
SIGNIFICANT = b"\x00\x1b\t\n\r :-#&*!|>'\"[]{},<%@`\x85\xc3\xe9\xff"


def mutants(content: bytes, seed: str, count: int) -> Iterator[tuple[str, bytes]]:
    """`count` damaged copies: truncations, changed bytes, and lost or doubled lines."""
    chance = random.Random(seed)
    lines = content.splitlines(keepends=True)
    for index in range(count):
        match index % 4:
            case 0:
                cut = chance.randrange(len(content))
                yield f"cut at byte {cut}", content[:cut]
            case 1 | 2:
                at = chance.randrange(len(content))
                new = chance.choice([chance.choice(SIGNIFICANT), content[at] ^ (1 << chance.randrange(8))])
                yield f"byte {at} made {new:#04x}", content[:at] + bytes([new]) + content[at + 1 :]
            case 3:
                at = chance.randrange(len(lines))
                if chance.random() < 0.3:
                    yield f"line {at + 1} doubled", b"".join(lines[: at + 1] + lines[at:])
                else:
                    yield f"line {at + 1} deleted", b"".join(lines[:at] + lines[at + 1 :])


def spec_copy(tmp_path: Path, sections: list[str] | None = None) -> Path:
    """A copy of form_specs/; with `sections`, a manifest naming only those, so a damage loads fast."""
    target = tmp_path / "form_specs"
    shutil.copytree(SPEC_DIR, target)
    if sections is not None:
        manifest = yaml.safe_load((target / "assessment.yaml").read_text(encoding="utf-8"))
        manifest["sections"] = sections
        (target / "assessment.yaml").write_text(yaml.safe_dump(manifest), encoding="utf-8")
    return target


def assert_only_spec_errors(spec_dir: Path, name: str, authority: str | None, count: int) -> None:
    path = spec_dir / name
    original = path.read_bytes()
    reported = 0  # damages reported in the damaged file itself: proof that the copy loads it
    for description, content in mutants(original, name, count):
        path.write_bytes(content)
        try:
            load_spec(spec_dir, authority)
        except SpecError as error:
            reported += any(problem.file == name for problem in error.problems)
        except Exception as error:  # the failure names the damage, so it can be reproduced
            raise AssertionError(f"{name}, {description}: {error!r}") from error
    assert reported > 0


@pytest.mark.parametrize("name", SECTIONS)
def test_a_damaged_section_is_a_spec_error(name, tmp_path):
    assert_only_spec_errors(spec_copy(tmp_path, [name]), name, None, 24)


def test_a_damaged_choice_list_is_a_spec_error(tmp_path):
    spec_dir = spec_copy(tmp_path, ["sections/outcome.yaml"])
    assert_only_spec_errors(spec_dir, CHOICE_LIST, None, 24)


@pytest.mark.parametrize(
    "name", ["assessment.yaml", "authorities/general.yaml", "authorities/kent-medway.yaml"]
)
def test_a_damaged_manifest_or_overlay_is_a_spec_error(name, tmp_path):
    authority = Path(name).stem if name.startswith("authorities/") else "general"
    assert_only_spec_errors(spec_copy(tmp_path), name, authority, 8)
