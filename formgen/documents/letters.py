"""The fixed sentences of the letters that go with a plan and an outcome, in one place.

Kept apart from the templates so that the family's copies can be given in their language (one
catalog per language, next) without a second template per language; `{placeholders}` are filled
from the context, already cleaned.
"""

from __future__ import annotations

from collections.abc import Mapping

LETTER: dict[str, str] = {
    "opening": (
        "We have finished our assessment of {child}. This letter tells you what we decided and why, "
        "what will happen next, and who will do it."
    ),
    "withheld": (
        "Thank you for your referral about {child}. We have finished our assessment. We cannot share "
        "its outcome with you at the moment, because doing so could put the child at risk or affect "
        "an enquiry that is still going on. We will tell you more when we can."
    ),
    "contact": (
        "If you have any questions, or think something in this letter is wrong, please contact {worker}"
        "{worker_phone}, or {authority} on {authority_phone}."
    ),
    "closing": (
        "You can ask for this letter in another language or format, such as large print. You can also "
        "ask for someone to explain it to you."
    ),
    "signoff": "Yours sincerely,",
    "plan_opening": (
        "This is the plan for our assessment of {child}. It says what we will look at, who will take "
        "part, and when we will do it. We will send you a new copy if the plan changes."
    ),
}


def letter(values: Mapping[str, str]) -> dict[str, str]:
    """Every fixed sentence with its placeholders filled."""
    return {key: text.format_map(values) for key, text in LETTER.items()}
