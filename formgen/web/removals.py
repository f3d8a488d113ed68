"""What a removal's confirmation page says goes with it, in the words of the form (engine.removal)."""

from __future__ import annotations

from flask import url_for

from formgen.engine import Assessment
from formgen.engine.removal import Removal
from formgen.fieldtypes import subject as subject_of
from formgen.i18n import N_, _
from formgen.spec.form import FieldInfo
from formgen.web.models import Case, Child
from formgen.web.pages import Subject, assessment_of
from formgen.web.services import services


def _assessment(case: Case, child_key: str | None) -> Assessment:
    return assessment_of(case, case.child(child_key) if child_key else None)


def _whose(case: Case, child_key: str | None, household: str, childs: str, **values: str) -> str:
    """The sentence (marked N_) of an answer of the household's, or of a child's, which names the child
    whose assessment it is."""
    if child_key:
        return _(childs, child=_assessment(case, child_key).child_name, **values)
    return _(household, **values)


def effects(subject: Subject, name: str, plan: Removal) -> list[str]:
    """Each other answer the removal changes, as a sentence."""
    form = services().form
    sentences = []
    for consequence in plan.consequences:
        question = _(consequence.field.field.label)
        child = consequence.child
        if consequence.entry is None:
            sentences.append(
                _whose(
                    subject.case,
                    child,
                    N_("%(name)s is taken off ‘%(question)s’"),
                    N_("%(name)s is taken off ‘%(question)s’ in %(child)s’s assessment"),
                    name=name,
                    question=question,
                )
            )
            continue
        group = form.info(consequence.field.group.id)
        entry = _assessment(subject.case, child).item_label(group, consequence.entry)
        if consequence.removes_entry:
            sentences.append(
                _whose(
                    subject.case,
                    child,
                    N_("%(entry)s is removed from ‘%(list)s’, with everything recorded there"),
                    N_(
                        "%(entry)s is removed from ‘%(list)s’ in %(child)s’s assessment, "
                        "with everything recorded there"
                    ),
                    entry=entry,
                    list=_(group.field.label),
                )
            )
        else:
            sentences.append(
                _whose(
                    subject.case,
                    child,
                    N_("%(name)s is taken off ‘%(question)s’ for %(entry)s"),
                    N_("%(name)s is taken off ‘%(question)s’ for %(entry)s in %(child)s’s assessment"),
                    name=name,
                    question=question,
                    entry=entry,
                )
            )
    for info in plan.dropped:
        sentences.append(
            _(
                "The manager’s decision recorded about %(name)s, %(decision)s, is removed",
                name=name,
                decision=subject_of(info.field),
            )
        )
    return sentences


def exposures(subject: Subject, plan: Removal) -> list[dict[str, str]]:
    """The confidential details the removal would leave withheld from nobody, each with where to change it."""
    found = []
    for exposure in plan.exposures:
        assessment = _assessment(subject.case, exposure.child)
        question = _(exposure.detail.field.label)
        if exposure.entry is None:
            text = _whose(
                subject.case,
                exposure.child,
                N_("‘%(question)s’"),
                N_("‘%(question)s’ in %(child)s’s assessment"),
                question=question,
            )
        else:
            group = services().form.info(exposure.detail.group.id)
            text = _whose(
                subject.case,
                exposure.child,
                N_("‘%(question)s’ for %(entry)s"),
                N_("‘%(question)s’ for %(entry)s in %(child)s’s assessment"),
                question=question,
                entry=assessment.item_label(group, exposure.entry),
            )
        found.append({"text": text, "href": _change_url(subject, exposure)})
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
    sections = [section for section in services().form.sections if section.scope == "child"]
    counts = {
        "started": sum(1 for section in sections if assessment.has_answers(section)),
        "of": len(sections),
    }
    if assessment.child_name:
        deleted = _(
            "%(name)s’s whole assessment is deleted: every answer recorded for %(name)s "
            "(%(started)s of %(of)s sections started)",
            name=assessment.child_name,
            **counts,
        )
    else:
        deleted = _(
            "this child’s whole assessment is deleted: every answer recorded for this child "
            "(%(started)s of %(of)s sections started)",
            **counts,
        )
    sentences = [deleted]
    if len(case.children) > 1:
        sentences.append(_("The household’s answers stay: the other children’s assessments share them"))
    return sentences
