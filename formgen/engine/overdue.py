"""What the assessment plan said would be done by now and has not been (C5): actions past their due
date and not done, and review dates passed with no review of the plan recorded since.

Pure Python over an Assessment, so the home pages and the task list flag the same things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from formgen.engine.assessment import Assessment
from formgen.engine.review import UK, PlanReview
from formgen.i18n import N_, _
from formgen.spec import known_fields as known


@dataclass(frozen=True)
class Overdue:
    what: str  # the action as typed, or REVIEW
    due: date

    @property
    def words(self) -> str:
        """What is overdue, in the language being spoken: a typed action as it was typed."""
        return _(REVIEW) if self.what == REVIEW else self.what


REVIEW = N_("Review of the assessment plan")


def overdue(assessment: Assessment, reviews: Sequence[PlanReview]) -> list[Overdue]:
    """Everything the plan set a date for that has passed undone, soonest first."""
    return [late for late in outstanding(assessment, reviews) if late.due < assessment.today]


def outstanding(assessment: Assessment, reviews: Sequence[PlanReview]) -> list[Overdue]:
    """Everything the plan set a date for that is not done, whether or not the day has passed, soonest
    first: the lists keep the first day and compare it with the day they are read on."""
    return sorted([*_actions(assessment), *_reviews(assessment, reviews)], key=lambda late: late.due)


def _actions(assessment: Assessment) -> list[Overdue]:
    if known.ACTIONS not in assessment.form.fields:
        return []
    due, done, what = (
        assessment.form.fields.get(f"{known.ACTIONS}.{name}")
        for name in (known.ACTION_DUE, known.ACTION_DONE, known.ACTION_WHAT)
    )
    late = []
    for index, item in enumerate(assessment.items(known.ACTIONS)):
        day = assessment.item_value(due, item, index) if due else None
        finished = assessment.item_value(done, item, index) if done else None
        if day is not None and finished is not True:
            late.append(Overdue(str(assessment.item_value(what, item, index) or "An action"), day))
    return late


def _reviews(assessment: Assessment, reviews: Sequence[PlanReview]) -> list[Overdue]:
    field = assessment.form.fields.get(f"{known.REVIEW_DATES}.{known.REVIEW_DATE}")
    if field is None:
        return []
    reviewed = [review.at.astimezone(UK).date() for review in reviews]
    late = []
    for index, item in enumerate(assessment.items(known.REVIEW_DATES)):
        day = assessment.item_value(field, item, index)
        if day is not None and not any(on >= day for on in reviewed):
            late.append(Overdue(REVIEW, day))
    return late
