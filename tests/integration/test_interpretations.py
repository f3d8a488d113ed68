"""An interpreter's translation of what the practitioner wrote (K4): printed beside the original in the
family's copies in that language while the answer still reads as it did, and nowhere else."""

from __future__ import annotations

from formgen.documents import render_document
from formgen.documents.context import INTERPRETED
from formgen.engine.casefile import answer_problems
from formgen.i18n import catalogs
from tests.integration.test_languages import _text
from tests.support import TODAY, load_example

CHILD = "child-tilly"


def _copy(form, store, case, recipient_id: str, **options) -> str:
    recipient = case.recipient(recipient_id)
    return _text(
        render_document(form, store, case, CHILD, "plan", today=TODAY, recipient=recipient, **options)
    )


def test_the_interpreters_translation_follows_the_practitioners_words_marked_as_theirs(form, store):
    case = load_example("sibling-group")
    (entry,) = case.interpretations
    assert case.recipient("family-friend").language == entry.language == "pl"
    polish = _copy(form, store, case, "family-friend")
    marked = catalogs.language("pl").gettext_or_none(INTERPRETED) % {"name": entry.interpreter}
    assert "Ewa Nowicka" in marked and "Translated by" not in marked
    # The practitioner's words first, as written, then the interpreter's, under their name.
    assert polish.index(entry.original) < polish.index(marked) < polish.index(entry.text)
    # In English, and in another language, the answer reads as it was written, alone.
    for text in (
        _copy(form, store, case, "mother"),
        _copy(form, store, case, "family-friend", language="cy"),
    ):
        assert entry.original in text and entry.text not in text and "Ewa Nowicka" not in text


def test_a_translation_of_words_the_practitioner_has_since_changed_is_left_out(form, store):
    case = load_example("sibling-group")
    (entry,) = case.interpretations
    rewritten = f"{entry.original} To agree contact arrangements with Mr Dacres."
    changed = case.model_copy(update={"household": {**case.household, "assessment_aims": rewritten}})
    polish = _copy(form, store, changed, "family-friend")
    assert rewritten in polish and entry.text not in polish and "Ewa Nowicka" not in polish


def test_a_case_file_names_a_translation_that_fits_no_answer(form):
    case = load_example("sibling-group")
    (entry,) = case.interpretations
    wrong = [
        entry.model_copy(update={"field": "ethnicity", "child": CHILD}),  # a choice, not the worker's words
        entry.model_copy(update={"child": CHILD}),  # the household's answer, given to a child
        entry.model_copy(update={"field": "no_such_question"}),
    ]
    found = [
        (problem.place, problem.message)
        for problem in answer_problems(form, case.model_copy(update={"interpretations": wrong}), "case.json")
    ]
    assert found == [
        ("interpretations[0]", "'ethnicity' is not a free-text answer printed in the family's documents"),
        ("interpretations[1]", "'assessment_aims' is answered for the household, not for one child"),
        (
            "interpretations[2]",
            "'no_such_question' is not a free-text answer printed in the family's documents",
        ),
    ]
    assert answer_problems(form, case, "case.json") == []
