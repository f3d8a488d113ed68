"""Every damaged spec in tests/data/damaged_specs/ is a located problem: from the loader and from `check`."""

import pytest
from click.testing import CliRunner

from formgen.cli import main
from formgen.spec import SpecError, load_spec
from tests.support import DAMAGES, lay_damage


@pytest.mark.parametrize("name", DAMAGES)
def test_each_damage_is_a_problem_naming_its_file_and_line(name, project_copy):
    damage = lay_damage(name, project_copy.spec_dir)
    with pytest.raises(SpecError) as raised:
        load_spec(project_copy.spec_dir, "general")
    assert damage.located_in(raised.value.problems), [str(problem) for problem in raised.value.problems]


@pytest.mark.parametrize(
    "name", ["not-utf8", "nul-byte", "deep-lists", "billion-laughs", "closure-day-not-a-date", "not-chain"]
)
def test_check_lists_the_located_problem_and_exits_1(name, project_copy):
    damage = lay_damage(name, project_copy.spec_dir)
    result = CliRunner().invoke(
        main, ["check"], env={"FORMGEN_SPEC_DIR": str(project_copy.spec_dir)}, catch_exceptions=False
    )
    assert result.exit_code == 1
    assert damage.shown_in(result.output)
    assert "Traceback" not in result.output


def test_check_lists_a_problem_of_the_base_spec_once_and_not_again_through_the_overlays(project_copy):
    damage = lay_damage("unknown-key", project_copy.spec_dir)  # family.yaml, which kent-medway.yaml changes
    result = CliRunner().invoke(
        main, ["check"], env={"FORMGEN_SPEC_DIR": str(project_copy.spec_dir)}, catch_exceptions=False
    )
    assert result.output.count(f"{damage.file}:{damage.line}: {damage.message}") == 1
    assert "the form has no field" not in result.output
