"""What a removal's confirmation page says goes with it, in the words of the form (engine.removal)."""

from __future__ import annotations

from flask import url_for

from formgen.engine import Assessment
from formgen.engine.removal import Removal
from formgen.fieldtypes import subject as subject_of
from formgen.spec.form import FieldInfo
from formgen.web.models import Case, Child
from formgen.web.pages import Subject, assessment_of
from formgen.web.services import services


def _assessment(case: Case, child_key: str | None) -> Assessment:
    return assessment_of(case, case.child(child_key) if child_key else None)


def _whose(case: Case, child_key: str | None) -> str:
    return f" in {_assessment(case, child_key).child_name}’s assessment" if child_key else ""


def effects(subject: Subject, name: str, plan: Removal) -> list[str]:
    """Each other answer the removal changes, as a sentence."""
    form = services().form
    sentences = []
    for consequence in plan.consequences:
        question = f"‘{consequence.field.field.label}’"
        where = _whose(subject.case, consequence.child)
        if consequence.entry is None:
            sentences.append(f"{name} is taken off {question}{where}")
            continue
        group = form.info(consequence.field.group.id)
        entry = _assessment(subject.case, consequence.child).item_label(group, consequence.entry)
        if consequence.removes_entry:
            sentences.append(
                f"{entry} is removed from ‘{group.field.label}’{where}, with everything recorded there"
            )
        else:
            sentences.append(f"{name} is taken off {question} for {entry}{where}")
    for info in plan.dropped:
        sentences.append(
            f"The manager’s decision recorded about {name}, {subject_of(info.field)}, is removed"
        )
    return sentences


def exposures(subject: Subject, plan: Removal) -> list[dict[str, str]]:
    """The confidential details the removal would leave withheld from nobody, each with where to change it."""
    found = []
    for exposure in plan.exposures:
        assessment = _assessment(subject.case, exposure.child)
        detail = f"‘{exposure.detail.field.label}’"
        if exposure.entry is not None:
            group = services().form.info(exposure.detail.group.id)
            detail += f" for {assessment.item_label(group, exposure.entry)}"
        found.append(
            {"text": detail + _whose(subject.case, exposure.child), "href": _change_url(subject, exposure)}
        )
    return found


def _change_url(subject: Subject, exposure) -> str:
    info: FieldInfo = exposure.detail
    key = exposure.child
    if exposure.entry is None:
        target = {"section_id": info.section.id, "page_id": info.page.id}
        return url_for("wizard.question", reference=subject.case.reference, key=key, **target)
    group = services().form.info(info.group.id)
    target = {"section_id": group.section.id, "page_id": group.page.id, "group_id": group.field.id}
    return url_for(
        "wizard.item", reference=subject.case.reference, key=key, item_id=exposure.entry.get("id"), **target
    )


def child_effects(case: Case, child: Child) -> list[str]:
    """Removing a child deletes their whole assessment: say so, and how much of it there is."""
    assessment = _assessment(case, child.key)
    name = assessment.child_name or "this child"
    sections = [section for section in services().form.sections if section.scope == "child"]
    started = sum(1 for section in sections if assessment.has_answers(section))
    sentences = [
        f"{name}’s whole assessment is deleted: every answer recorded for {name} "
        f"({started} of {len(sections)} sections started)"
    ]
    if len(case.children) > 1:
        sentences.append("The household’s answers stay: the other children’s assessments share them")
    return sentences
