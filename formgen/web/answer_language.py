"""The question a page of free-text answers ends with: which language the person wrote them in, kept
with the answers (formgen.engine.written_in) so that each is marked with its own `lang` wherever it is
shown.

It is asked where a person may well write in either language: for a council in Wales, or on a page shown
in a language other than English; and only while the service is offered in more than one. It starts at
what the page's answers were said to be in before, else at no choice: an answer typed earlier, in
whatever language, is never recorded as the page's merely because Continue was pressed, and a page sent
without a choice keeps the languages as they were.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from formgen.engine import Assessment, written_in
from formgen.fieldtypes import Parsed
from formgen.i18n import N_, _, current, service
from formgen.spec.form import FieldInfo, FormSpec

NAME = "written-in"  # the radios' name, beside the page's questions' (whose ids have no hyphen)
QUESTION = N_("Which language have you written in on this page?")
HINT = N_("Screen readers and spelling checkers then read your answers in that language.")
MISSING = N_("Select the language you have written in")


class AnswerLanguage:
    """The question on one page: its free-text questions, and the languages to choose from."""

    def __init__(self, form: FormSpec, infos: list[FieldInfo]) -> None:
        self.offered = service.offered()
        asked = len(self.offered) > 1 and (form.authority.nation == "WLS" or not current().is_source)
        self.infos = [info for info in infos if written_in.written(info)] if asked else []

    def read(self, sent: MultiDict, answers: dict[str, Any], on_screen: set[str]) -> dict[str, Any]:
        """The answers with the language chosen for each free-text answer on screen (none chosen, or one
        not offered: the languages kept before)."""
        code = sent.get(NAME)
        if not self.infos or code not in self.offered:
            return answers
        shown = [info.field.id for info in self.infos if info.field.id in on_screen]
        return written_in.said(answers, shown, code)

    def errors(self, sent: MultiDict) -> dict[str, Parsed]:
        """The question's message when what was sent is not one of its choices."""
        code = sent.get(NAME)
        if self.infos and code is not None and code not in self.offered:
            return {NAME: Parsed(error=_(MISSING))}
        return {}

    def question(self, assessment: Assessment, errors: dict[str, Parsed]) -> dict[str, Any] | None:
        """The radios' parameters, or None when the page does not ask."""
        if not self.infos:
            return None
        kept = (assessment.written_in(info) for info in self.infos)
        chosen = next((code for code in kept if code is not None), None)
        error = errors.get(NAME)
        return {
            "name": NAME,
            "idPrefix": NAME,
            "classes": "govuk-radios--inline",
            "fieldset": {"legend": {"text": _(QUESTION), "classes": "govuk-fieldset__legend--s"}},
            "hint": {"text": _(HINT)},
            "items": [
                {
                    "value": code,
                    "text": service.own_name(code),
                    "label": {"attributes": {"lang": code}},
                    "checked": code == chosen,
                }
                for code in self.offered
            ],
            "errorMessage": {"text": error.error, "visuallyHiddenText": _("Error")} if error else None,
        }
