"""An interpreter's translations of what the practitioner wrote (K4), entered by whoever circulates the
family's copies: one page per case and language, one box per answer, printed beside the original in
that family's plan and outcome.

Which answers may be translated and when a translation no longer matches its answer are the engine's
(formgen.engine.interpretations); the documents print them (formgen.documents.context).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from formgen.capabilities import Capability
from formgen.display import clean_text
from formgen.engine.casefile import CaseFile
from formgen.engine.distribution import Interpretation
from formgen.engine.interpretations import Translatable, family_languages, replaced, to_translate, without
from formgen.engine.recipients import language_name
from formgen.i18n import ENGLISH, N_, _, catalogs, speaking
from formgen.spec import known_fields as known
from formgen.web import audit, summaries
from formgen.web.access import needs, visible_case
from formgen.web.extensions import db
from formgen.web.models import Case, now
from formgen.web.runner import kept, sent_version
from formgen.web.security import require_sign_in
from formgen.web.services import services

blueprint = Blueprint("interpreting", __name__, url_prefix="/cases/<reference>/interpreter")
blueprint.before_request(require_sign_in)  # every page here shows a child's data

INTERPRETER = "interpreter"  # the field naming who translated
LONGEST_TEXT = 20_000  # as formgen.engine.distribution.Interpretation holds them
LONGEST_NAME = 300
STALE = N_(
    "Someone changed this case after you opened the page, so this was not saved. The answers show "
    "what is saved now and the boxes what you typed: check them, then save again"
)


def box_name(answer: Translatable) -> str:
    """The form field of one answer's translation."""
    return f"t-{answer.info.field.id}-{answer.child or 'household'}"


@blueprint.route("/<language>", methods=["GET", "POST"])
@needs(Capability.CIRCULATE)
def translations(reference: str, language: str):
    """Type an interpreter's translation under each answer; a box left empty translates nothing."""
    case = visible_case(reference)
    case_file = case.to_case_file()
    if language not in family_languages(case_file):
        abort(404)  # nobody on the list reads it
    answers = to_translate(services().form, case_file, language)
    audit.about(audit.Action.VIEWED, f"into {_logged_name(language)}")
    typed = {box_name(answer): _saved_text(answer) for answer in answers}
    typed[INTERPRETER] = ""
    version, errors, status = case.version, [], 200
    held = kept() if request.method == "GET" else None
    if held is not None:  # sent as the session ended: shown as typed then, to be saved knowingly
        typed, version = _typed(held, answers), sent_version(held)
    if request.method == "POST":
        typed = _typed(request.form, answers)
        changed = _changes(answers, typed)
        errors, status = _errors(typed[INTERPRETER], changed), 400
        if not errors and not changed:
            flash(_("No translation was changed."))
            return redirect(url_for("circulation.circulation", reference=reference))
        if (
            not errors
            and sent_version(request.form) == case.version
            and _save(case, case_file, changed, typed[INTERPRETER], language)
        ):
            _said_saved(language, len(changed))
            return redirect(url_for("circulation.circulation", reference=reference))
        if not errors:  # someone saved the case first: show its answers now, keep what was typed
            case_file = case.to_case_file()
            answers = to_translate(services().form, case_file, language)
            errors, status = [{"text": _(STALE), "href": "#answers"}], 409
        version = case.version if status == 409 else sent_version(request.form)
    return render_template(
        "interpreting/translations.html",
        case=case,
        language=catalogs.language(language),
        language_name=language_name(language),
        groups=_grouped(case_file, [_shown(case_file, answer, typed, errors) for answer in answers]),
        interpreter=typed[INTERPRETER],
        errors=errors,
        held=held is not None,
        version=version,
        back=url_for("circulation.circulation", reference=reference),
    ), status


def _saved_text(answer: Translatable) -> str:
    """What an answer's box starts with: its translation, unless the answer has changed since."""
    return "" if answer.translation is None or answer.stale else answer.translation.text


def _typed(sent: MultiDict, answers: list[Translatable]) -> dict[str, str]:
    typed = {box_name(answer): clean_text(sent.get(box_name(answer), "")).strip() for answer in answers}
    typed[INTERPRETER] = clean_text(sent.get(INTERPRETER, "")).strip()
    return typed


def _changes(answers: list[Translatable], typed: dict[str, str]) -> list[tuple[Translatable, str]]:
    """Each answer whose box now says something other than its saved translation, with what it says."""
    return [
        (answer, typed[box_name(answer)])
        for answer in answers
        if typed[box_name(answer)] != _saved_text(answer)
    ]


def _errors(name: str, changed: list[tuple[Translatable, str]]) -> list[dict[str, str]]:
    """What stops the page being saved, each naming its box (GOV.UK's error summary links to them)."""
    errors = []
    if changed and any(text for _answer, text in changed) and not name:
        errors.append(
            {"text": _("Enter the name of the interpreter who translated it"), "href": f"#{INTERPRETER}"}
        )
    elif len(name) > LONGEST_NAME:
        errors.append(
            {
                "text": _("The interpreter’s name must be %(limit)s characters or fewer", limit=LONGEST_NAME),
                "href": f"#{INTERPRETER}",
            }
        )
    for answer, text in changed:
        if len(text) > LONGEST_TEXT:
            errors.append(
                {
                    "text": _(
                        "The translation of ‘%(question)s’ must be %(limit)s characters or fewer",
                        question=_(answer.info.field.label),
                        limit=f"{LONGEST_TEXT:,}",
                    ),
                    "href": f"#{box_name(answer)}",
                }
            )
    return errors


def _save(
    case: Case, case_file: CaseFile, changed: list[tuple[Translatable, str]], interpreter: str, language: str
) -> bool:
    """Keep the translations typed (an emptied box drops its answer's), unless another save came first."""
    kept_now = case_file.interpretations
    for answer, text in changed:
        field, child = answer.info.field.id, answer.child
        if not text:
            kept_now = without(kept_now, field, child, language)
            continue
        entry = Interpretation(
            field=field,
            child=child,
            language=language,
            original=answer.answer,
            text=text,
            interpreter=interpreter,
            by=g.user.as_person(),
            at=now(),
        )
        kept_now = replaced(kept_now, entry)
    case.interpretations = [entry.model_dump(mode="json", exclude_none=True) for entry in kept_now]
    try:
        summaries.refresh(case)  # a family's copy sent before the translation is to be sent again
        db.session.commit()
    except StaleDataError:
        db.session.rollback()  # the case reads as saved now
        return False
    return True


def _logged_name(language: str) -> str:
    """The language's name as the access log keeps it: in English, whatever the page is in."""
    with speaking(ENGLISH):
        return language_name(language)


def _said_saved(language: str, changed: int) -> None:
    logged = _logged_name(language)
    audit.about(audit.Action.INTERPRETED, f"into {logged}, {changed} answer{'s' if changed != 1 else ''}")
    flash(
        _(
            "Saved. The interpreter’s translations print in the family’s copies in %(language)s.",
            language=language_name(language),
        )
    )


def _shown(case_file: CaseFile, answer: Translatable, typed: dict[str, str], errors) -> dict[str, Any]:
    """One answer as the page shows it: whose it is, what the practitioner wrote and the box."""
    whose = _("The household")
    if answer.child is not None:
        child = next(record for record in case_file.children if record.id == answer.child)
        given = child.answers.get(known.CHILD_NAME)
        whose = given.strip() if isinstance(given, str) and given.strip() else _("Unnamed child")
    name = box_name(answer)
    return {
        "child": answer.child,
        "name": name,
        "question": _(answer.info.field.label),
        "whose": whose,
        "answer": answer.answer,
        "earlier": answer.translation.text if answer.stale else None,
        "interpreter": answer.translation.interpreter if answer.translation else None,
        "value": typed[name],
        "error": next((error["text"] for error in errors if error["href"] == f"#{name}"), None),
    }


def _grouped(case_file: CaseFile, shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The answers under whose they are: the household's first, then each child's, in the form's order."""
    groups = []
    for child in [None, *(record.id for record in case_file.children)]:
        theirs = [answer for answer in shown if answer["child"] == child]
        if theirs:
            groups.append({"whose": theirs[0]["whose"], "answers": theirs})
    return groups
