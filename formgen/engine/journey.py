"""The way through a section: which pages are asked, what comes next, and which follow-ups are revealed
under the answer they hang on. Pure Python over an Assessment.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from formgen.capabilities import Capability
from formgen.conditions import Compare, In, Literal, Name
from formgen.engine.assessment import PRACTITIONER, Assessment
from formgen.fieldtypes import field_type, is_blank
from formgen.spec.form import FieldInfo, FormSpec
from formgen.spec.model import Page, Section


@dataclass(frozen=True)
class Reveal:
    """A follow-up shown under one choice of a question on the same page."""

    controller: str  # the question's field id
    value: str  # the choice's value as the page submits it ("yes"/"no" for a yes/no question)


def pages(assessment: Assessment, section: Section) -> list[Page]:
    """The section's pages that are asked, given the answers so far."""
    return [page for page in section.pages if assessment.page_visible(section, page.id)]


def next_page(assessment: Assessment, section: Section, page_id: str) -> Page | None:
    """The next asked page after `page_id`, or None at the end of the section."""
    position = [page.id for page in section.pages].index(page_id)
    return next(
        (page for page in section.pages[position + 1 :] if assessment.page_visible(section, page.id)), None
    )


def first_unanswered_page(
    assessment: Assessment, section: Section, answering: Collection[Capability] = PRACTITIONER
) -> Page | None:
    """The first asked page with a required question of `answering`'s still unanswered (a new follow-up,
    after a change)."""
    missing = {error.field for error in assessment.errors(section, answering=answering)}
    for page in pages(assessment, section):
        for field in page.fields:
            info = assessment.form.info(field.id)
            if field.id in missing and assessment.is_visible(info) and is_blank(assessment.raw(info)):
                return page
    return None


def reveal(form: FormSpec, info: FieldInfo) -> Reveal | None:
    """The question and choice a field hangs on, when both are on its page (or its list item's page)."""
    condition = info.show_if
    if condition is None or info.field.type == "group":
        return None
    match condition.tree:
        case (
            Compare(op="=", left=Name(name=name), right=Literal(value=value))
            | Compare(op="=", left=Literal(value=value), right=Name(name=name))
        ):
            pass
        case In(item=Literal(value=value, kind="string"), collection=Name(name=name)):
            pass
        case _:
            return None
    if info.group is not None:
        controller = form.fields.get(f"{info.group.id}.{name}")
    else:
        controller = form.fields.get(name)
        if controller is not None and controller.page is not info.page:
            controller = None
    if controller is None or controller.group is not info.group:
        return None
    submitted = field_type(controller.field).reveal_value(value)
    return None if submitted is None else Reveal(name, submitted)
