"""K3: the child's version speaks to the child, in words written for them, and says why.

Every example's child's version is rendered once, in process, and read as python-docx sees it: the
body in order (paragraphs and tables), the headers and footers for the DRAFT marking.
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass
from functools import cache

import pytest
from click.testing import CliRunner
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from formgen.cli import main
from formgen.display import clean_text, format_day
from formgen.documents import TemplateStore, build_context, render_document
from formgen.engine import CaseFile
from formgen.engine.distribution import Withholding
from formgen.spec import FormSpec, known_fields, load_spec
from tests.integration.test_spec_loading import edit, line_of, problems
from tests.readability import flesch_kincaid_grade
from tests.support import EXAMPLES, SPEC_DIR, TEMPLATE_DIR, TODAY, draft, load_example

# The children who have a child's version: the unborn baby of the pre-birth example has none (B2).
CHILDREN = [
    (path.stem, child.id)
    for path in EXAMPLES
    for child in load_example(path.stem).children
    if child.answers.get("unborn") is not True
]
IDS = [child_id for _, child_id in CHILDREN]

# Past-tense verbs a practitioner's note uses of a child ("She drew...", "He said..."): the regular
# ones end in -ed; these are the irregular ones such notes use.
IRREGULAR_PAST = {
    "said", "told", "drew", "was", "were", "had", "felt", "made", "went", "saw", "thought", "knew",
    "gave", "took", "came", "wrote", "spoke", "ran", "cried", "became", "began", "sat", "got", "did",
}  # fmt: skip


@dataclass(frozen=True)
class Rendered:
    case: CaseFile
    child_id: str
    context: dict
    blocks: list[Paragraph | Table]  # the body in reading order
    text: str  # every word a reader sees: body, tables, headers and footers

    @property
    def answers(self) -> dict:
        return self.case.child(self.child_id).answers

    def paragraphs(self) -> list[str]:
        return [block.text.strip() for block in self.blocks if isinstance(block, Paragraph)]

    def table_rows(self) -> list[list[str]]:
        return [
            [cell.text.strip() for cell in row.cells]
            for block in self.blocks
            if isinstance(block, Table)
            for row in block.rows
        ]


@cache
def shipped() -> tuple[FormSpec, TemplateStore]:
    return load_spec(SPEC_DIR, "general"), TemplateStore(TEMPLATE_DIR)


def render(case: CaseFile, child_id: str) -> Rendered:
    form, store = shipped()
    content = render_document(form, store, case, child_id, "child", today=TODAY)
    document = Document(io.BytesIO(content))
    blocks: list[Paragraph | Table] = list(document.iter_inner_content())
    parts = [block.text for block in blocks if isinstance(block, Paragraph)]
    parts += [
        cell.text for block in blocks if isinstance(block, Table) for r in block.rows for cell in r.cells
    ]
    for section in document.sections:
        for part in (section.header, section.footer):
            parts += [paragraph.text for paragraph in part.paragraphs]
    context = build_context(form, case, child_id, "child", today=TODAY)
    return Rendered(case, child_id, context, blocks, "\n".join(parts))


@cache
def rendered(example: str, child_id: str) -> Rendered:
    return render(load_example(example), child_id)


@pytest.fixture(params=CHILDREN, ids=IDS)
def version(request) -> Rendered:
    return rendered(*request.param)


def sentences(text: str) -> list[str]:
    """Sentences, each without the quotation marks a quoted child's words open with."""
    found = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [sentence.strip().lstrip("\"'“‘").strip() for sentence in found if sentence.strip()]


def third_person_about(first_name: str, text: str) -> list[str]:
    """Sentences written about the child rather than to them: one that opens with their first name, or
    with He or She and a verb in the past tense ("She drew...", "He said he..."). The child's version
    speaks to "you", so neither has a place in it, while sentences about other people ("Dad will not
    be told", "She will help you") are not caught."""
    caught = []
    for sentence in sentences(text):
        words = re.findall(r"[A-Za-z']+", sentence)
        if len(words) < 2:
            continue
        first, second = words[0], words[1].lower()
        if first == first_name or (
            first in ("He", "She") and (second.endswith("ed") or second in IRREGULAR_PAST)
        ):
            caught.append(sentence)
    return caught


# --- what it prints --------------------------------------------------------------------------------


def test_every_childs_version_reads_at_grade_5_or_below_practitioners_words_included(version):
    # The whole document as the child reads it: nothing written by the practitioner is left out.
    assert len(version.text.split()) > 250  # the letter itself, not an empty shell
    assert flesch_kincaid_grade(version.text) <= 5, version.child_id


def test_the_practitioners_notes_never_print_only_their_words_for_the_child(version):
    form, _ = shipped()
    first_name = version.context["child"]["first_name"]
    assert form.for_child  # the shipped form pairs its notes with words for the child
    for notes_id, words_id in form.for_child.items():
        notes = clean_text(version.answers[notes_id])
        words = clean_text(version.answers[words_id])
        # The notes are the record's: third person, as the check below finds ...
        assert third_person_about(first_name, notes), notes_id
        # ... and not a sentence of them reaches the child's version, while the words for them do.
        for sentence in sentences(notes):
            if len(sentence.split()) >= 4:
                assert sentence not in version.text, (notes_id, sentence)
        assert words in version.text.replace("\n", " ")
    assert third_person_about(first_name, version.text) == []


def test_the_check_for_third_person_catches_a_practitioners_sentence():
    # Without this, a check that never fires would pass every document above.
    notes = 'Leila said she likes her school. She drew her house. "I like my bed." She will help you.'
    assert third_person_about("Leila", notes) == ["Leila said she likes her school.", "She drew her house."]


def test_what_you_told_us_is_one_heading_and_each_answer_has_its_childs_heading(version):
    assert version.text.count("What you told us") == 1
    form, _ = shipped()
    paragraphs = version.paragraphs()
    for item in version.context["child_version"]["said"]:
        heading = paragraphs.index(item["heading"])
        assert paragraphs[heading + 1] == item["text"]
    headings = {item["heading"] for item in version.context["child_version"]["said"]}
    assert headings == {form.info(notes_id).field.child_wording for notes_id in form.for_child}


def test_each_decision_printed_comes_with_why_it_was_made(version):
    form, _ = shipped()
    choices = {choice.value: choice for choice in form.info(known_fields.OUTCOMES).field.choices}
    chosen = version.answers[known_fields.OUTCOMES]
    paragraphs = version.paragraphs()
    assert chosen
    for value in chosen:
        choice = choices[value]
        decision = paragraphs.index(choice.child_wording)
        assert choice.child_reason and paragraphs[decision + 1] == choice.child_reason
    assert clean_text(version.answers[known_fields.OUTCOME_FOR_CHILD]) in version.text.replace("\n", " ")


def test_what_happens_next_lists_only_the_steps_for_the_child_with_when_in_words(version):
    header, *rows = version.table_rows()
    assert header == ["What will happen", "When"]
    steps = version.answers[known_fields.PLAN_OF_ACTION]
    shown = [
        [step[known_fields.PLAN_WHAT], step[known_fields.PLAN_WHEN]]
        for step in steps
        if step.get(known_fields.PLAN_WHAT)
        and not _withheld_from_anyone(version.case, version.child_id, step)
    ]
    assert rows == shown and rows
    for step in steps:
        # The plan's own wording (the practitioner's "service") and its review date are the adults'.
        assert step["service"] not in version.text
        assert format_day(_day(step["review_date"])) not in version.text
        assert step["by_whom"] not in [cell for row in rows for cell in row]


def test_help_for_the_adults_is_not_listed_for_the_child():
    poppy = rendered("sibling-group", "child-poppy")
    outreach = next(s for s in poppy.answers["plan_of_action"] if s["id"] == "s-mother-outreach")
    assert outreach["service"] == "Domestic abuse outreach for Ms Colbeck" and not outreach.get("for_child")
    assert "outreach" not in poppy.text.lower() and "Ms Colbeck" not in poppy.text
    # It is on the plan the parents receive: only the child's version leaves it out.
    form, store = shipped()
    plan = render_document(
        form, store, poppy.case, "child-poppy", "plan", today=TODAY, recipient=poppy.case.recipient("mother")
    )
    assert "Domestic abuse outreach for Ms Colbeck" in _all_text(plan)


def test_a_step_withheld_from_either_parent_is_left_out_of_the_childs_version():
    # The child's version is the child's to keep and show: read with one parent, shown to the other.
    # So what is withheld from either parent (or anyone) is not in it.
    case = load_example("sibling-group")
    kai = rendered("sibling-group", "child-kai")
    mentor = next(s for s in kai.answers["plan_of_action"] if s["id"] == "s-kai-mentor")
    assert any(e.item == "s-kai-mentor" and e.recipients == ["father"] for e in case.withheld)
    assert mentor["for_child"] not in kai.text
    assert "Go back to football club. We will pay for it." in kai.text
    from_mother = copy.deepcopy(case)
    from_mother.withheld.append(
        Withholding(field="plan_of_action", child="child-kai", item="s-kai-football", recipients=["mother"])
    )
    assert "Go back to football club" not in render(from_mother, "child-kai").text


def test_before_approval_the_childs_version_says_it_is_a_draft():
    tilly = rendered("sibling-group", "child-tilly")
    assert tilly.case.child("child-tilly").review.stage == "approved"
    assert "DRAFT" not in tilly.text and "This is a draft" not in tilly.text
    unapproved = render(draft(load_example("sibling-group")), "child-tilly")
    assert "This is a draft. It is not finished yet, so some of it may change." in unapproved.paragraphs()
    assert unapproved.text.count("DRAFT: NOT YET APPROVED") == 2  # the header's and the footer's
    assert flesch_kincaid_grade(unapproved.text) <= 5


def test_no_heading_is_printed_with_nothing_under_it(version):
    _assert_every_heading_has_something_under_it(version)


def test_with_nothing_written_for_the_child_yet_no_heading_stands_empty():
    case = copy.deepcopy(load_example("sibling-group"))
    answers = case.child("child-kai").answers
    for key in ("child_views_for_child", "strengths_for_child", "outcome_for_child", "outcomes"):
        answers.pop(key)
    for step in answers["plan_of_action"]:
        step.pop("for_child", None)
    empty = render(case, "child-kai")
    _assert_every_heading_has_something_under_it(empty)
    assert "You can ask your worker what we wrote down." in empty.paragraphs()
    assert "Your worker will tell you what happens next." in empty.paragraphs()
    assert clean_text(answers["child_views_text"]) not in empty.text  # no notes in their place


def test_words_for_the_child_withheld_from_a_parent_are_left_out_though_the_notes_are_not():
    """The practitioner may withhold the words themselves (the notes stay in the record either way):
    the child's version, shown to either parent, then leaves that answer out."""
    case = copy.deepcopy(load_example("sibling-group"))
    words = clean_text(case.child("child-kai").answers["child_views_for_child"])
    assert words in rendered("sibling-group", "child-kai").text.replace("\n", " ")
    case.withheld.append(Withholding(field="child_views_for_child", child="child-kai", recipients=["father"]))
    text = render(case, "child-kai").text.replace("\n", " ")
    assert words not in text
    assert "How you feel and what you want" not in text  # no heading left with nothing under it
    assert clean_text(case.child("child-kai").answers["strengths_for_child"]) in text


def test_check_refuses_words_for_the_child_that_name_no_audience(specs):
    """A field that names no audience is the record's only, so words for the child without one would
    vanish from the child's version: the spec is refused, naming the file and the line."""
    path = specs / "sections" / "child_views.yaml"
    edit(
        path,
        "        for_child_of: strengths_interests\n        audience: [family]\n",
        "        for_child_of: strengths_interests\n",
    )
    [found] = problems(specs)
    assert found.startswith(f"sections/child_views.yaml:{line_of(path, '- id: strengths_for_child')}: "), (
        found
    )
    assert found.endswith("words for the child are printed for the family: give them `audience: [family]`")


def test_a_worker_without_a_phone_number_is_not_given_an_empty_one():
    case = load_example("sibling-group")
    assert case.allocation and case.allocation.worker.phone
    worker = case.allocation.worker.model_copy(update={"phone": None})
    case = case.model_copy(update={"allocation": case.allocation.model_copy(update={"worker": worker})})
    text = render(case, "child-kai").text
    assert "Your worker is Joanne Ferris." in text and "phone them on" not in text


# --- the spec: formgen check ------------------------------------------------------------------------


@pytest.fixture
def specs(project_copy):
    return project_copy.spec_dir


def test_check_refuses_a_choice_in_the_childs_version_without_child_wording(project_copy):
    path = project_copy.spec_dir / "sections" / "outcome.yaml"
    wording = (
        "            child_wording: We will make a plan with your family to get you the help you need.\n"
    )
    edit(path, wording, "")
    line = line_of(path, "- value: cin_plan")
    result = CliRunner().invoke(
        main,
        ["check"],
        env={
            "FORMGEN_SPEC_DIR": str(project_copy.spec_dir),
            "FORMGEN_TEMPLATE_DIR": str(project_copy.template_dir),
            "FORMGEN_EXAMPLES_DIR": str(project_copy.examples_dir),
        },
    )
    assert result.exit_code != 0
    assert (
        f"sections/outcome.yaml:{line}: pages[1].fields[0].choices[2]: choice 'cin_plan' needs "
        "`child_wording`: the child's version prints it"
    ) in result.output


def test_check_refuses_a_field_in_the_childs_version_without_child_wording(specs):
    path = specs / "sections" / "child_views.yaml"
    edit(path, "        child_wording: What you are good at and what you enjoy\n", "")
    [found] = problems(specs)
    line = line_of(path, "id: strengths_interests")
    assert found == (
        f"sections/child_views.yaml:{line}: pages[5].fields[0]: "
        "a field in the child's version needs `child_wording`"
    )


def test_check_refuses_free_text_in_the_childs_version_without_words_for_the_child(specs):
    path = specs / "sections" / "child_views.yaml"
    edit(path, "        for_child_of: child_views_text\n", "")
    [found] = problems(specs)
    line = line_of(path, "id: child_views_text")
    assert found.startswith(f"sections/child_views.yaml:{line}: pages[1].fields[0]: ")
    assert found.endswith(
        "a free-text answer in the child's version needs its words for the child: add a field on its "
        "page with `for_child_of: child_views_text` (the notes themselves never print there)"
    )


def test_check_refuses_words_for_the_child_asked_on_another_page(specs):
    path = specs / "sections" / "child_views.yaml"
    edit(path, "for_child_of: strengths_interests", "for_child_of: child_views_text")
    found = problems(specs)
    assert any(
        "for_child_of 'child_views_text' is on another page: ask the child's words beside the notes" in p
        for p in found
    )
    assert any("`for_child_of: strengths_interests`" in p for p in found)  # and those notes lack theirs


def test_check_refuses_words_for_the_child_of_notes_the_childs_version_does_not_print(specs):
    path = specs / "sections" / "child_views.yaml"
    edit(path, "for_child_of: strengths_interests", "for_child_of: identity_culture")
    found = problems(specs)
    assert any(
        "for_child_of 'identity_culture' is not in the child's version: these words would print nowhere"
        in problem
        for problem in found
    )


def test_check_refuses_a_decision_without_its_reason_for_the_child(specs):
    path = specs / "sections" / "outcome.yaml"
    edit(
        path,
        "            child_reason: We did this because you were not safe. You needed help straight away.\n",
        "",
    )
    [found] = problems(specs)
    assert found.startswith(f"sections/outcome.yaml:{line_of(path, '- value: emergency_action')}: ")
    assert found.endswith("choice 'emergency_action' needs `child_reason`: the child's version says why")


def test_an_authoritys_overlay_can_add_a_question_with_its_words_for_the_child(specs):
    overlay = specs / "authorities" / "general.yaml"
    text = overlay.read_text(encoding="utf-8")
    assert "changes:" in text
    addition = """
  - add_field:
      after: child_views_for_child
      field:
        id: child_worries
        type: long_text
        audience: [family]
        label: What worries the child most?
        documents: [record, child]
        child_wording: What worries you
  - add_field:
      after: child_worries
      field:
        id: child_worries_for_child
        type: long_text
        label: How would you tell the child what worries them?
        for_child_of: child_worries
        audience: [family]
"""
    overlay.write_text(_with_changes(text, addition), encoding="utf-8")
    form = load_spec(specs, "general")
    assert form.for_child["child_worries"] == "child_worries_for_child"
    case = copy.deepcopy(load_example("sibling-group"))
    answers = case.child("child-kai").answers
    answers["child_worries"] = "Kai said he worries that his dad is sad."
    answers["child_worries_for_child"] = "You worry that Dad is sad."
    content = render_document(form, TemplateStore(TEMPLATE_DIR), case, "child-kai", "child", today=TODAY)
    text = _all_text(content)
    assert "What worries you" in text and "You worry that Dad is sad." in text
    assert "Kai said he worries" not in text


# --- helpers ----------------------------------------------------------------------------------------


def _assert_every_heading_has_something_under_it(version: Rendered) -> None:
    blocks = version.blocks
    for index, block in enumerate(blocks):
        if not (isinstance(block, Paragraph) and block.style.name.startswith("Heading")):
            continue
        following = next(
            (b for b in blocks[index + 1 :] if isinstance(b, Table) or b.text.strip()),
            None,
        )
        assert following is not None, block.text
        assert isinstance(following, Table) or not following.style.name.startswith("Heading"), block.text


def _withheld_from_anyone(case: CaseFile, child_id: str, step: dict) -> bool:
    return any(
        entry.field == known_fields.PLAN_OF_ACTION and entry.child == child_id and entry.item == step["id"]
        for entry in case.withheld
    )


def _day(text: str):
    from datetime import date

    return date.fromisoformat(text)


def _all_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _with_changes(overlay: str, addition: str) -> str:
    """The overlay with `addition` appended to its list of changes (an empty `changes:` becomes one)."""
    if re.search(r"^changes:\s*(\[\])?\s*$", overlay, re.MULTILINE):
        return re.sub(r"^changes:\s*(\[\])?\s*$", "changes:" + addition.rstrip("\n"), overlay, flags=re.M)
    return overlay.rstrip("\n") + "\n" + addition
