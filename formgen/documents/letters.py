"""The fixed sentences of the letters that go with a plan and an outcome, in one place.

Kept apart from the templates so that a family's copy can be in their language from one template:
each sentence is a whole message of the catalog, its `%(names)s` filled from the context (already
cleaned). A sentence that differs when a detail is missing is two messages, never a fragment glued on,
because other languages do not build sentences the way English does.
"""

from __future__ import annotations

from formgen.i18n import _


def letter(
    *, child: str, worker: str, worker_phone: str, authority: str, authority_phone: str
) -> dict[str, str]:
    """Every fixed sentence, in the current language, with its details filled."""
    return {
        "opening": _(
            "We have finished our assessment of %(child)s. This letter tells you what we decided and why, "
            "what will happen next, and who will do it.",
            child=child,
        ),
        "withheld": _(
            "Thank you for your referral about %(child)s. We have finished our assessment. We cannot share "
            "its outcome with you at the moment, because doing so could put the child at risk or affect "
            "an enquiry that is still going on. We will tell you more when we can.",
            child=child,
        ),
        "contact": _contact(worker, worker_phone, authority, authority_phone),
        "closing": _(
            "You can ask for this letter in another language or format, such as large print. You can also "
            "ask for someone to explain it to you."
        ),
        "signoff": _("Yours sincerely,"),
        "plan_opening": _(
            "This is the plan for our assessment of %(child)s. It says what we will look at, who will take "
            "part, and when we will do it. We will send you a new copy if the plan changes.",
            child=child,
        ),
    }


def _contact(worker: str, worker_phone: str, authority: str, authority_phone: str) -> str:
    """The sentence for the details there are; all four are asked for, so that the catalog is known
    to have each before any letter needs it."""
    nobody_named = _("your social worker")  # asked whether needed or not, as the sentences are
    details = {
        "worker": worker or nobody_named,
        "worker_phone": worker_phone,
        "authority": authority,
        "authority_phone": authority_phone,
    }
    sentences = {
        (True, True): _(
            "If you have any questions, or think something in this letter is wrong, please contact "
            "%(worker)s on %(worker_phone)s, or %(authority)s on %(authority_phone)s.",
            **details,
        ),
        (False, True): _(
            "If you have any questions, or think something in this letter is wrong, please contact "
            "%(worker)s, or %(authority)s on %(authority_phone)s.",
            **details,
        ),
        (True, False): _(
            "If you have any questions, or think something in this letter is wrong, please contact "
            "%(worker)s on %(worker_phone)s, or %(authority)s on the number above.",
            **details,
        ),
        (False, False): _(
            "If you have any questions, or think something in this letter is wrong, please contact "
            "%(worker)s, or %(authority)s on the number above.",
            **details,
        ),
    }
    return sentences[bool(worker_phone), bool(authority_phone)]
