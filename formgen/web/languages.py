"""The language of the service's pages: the toggle on every page, and the choice kept for each person.

Each request speaks one language (formgen.i18n): the signed-in person's choice, kept with their account
so it follows them to any computer; before signing in, the choice made in this browser (a cookie of its
own, so that signing out, which clears the session, keeps it); else the browser's own preference among
the languages offered; else English. The toggle is a link, as HMRC's is, so it works without JavaScript
and from any page, and comes back to the page it was chosen on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, abort, g, redirect, request, url_for

from formgen.i18n import SOURCE_LOCALE, catalogs, service, start_speaking, stop_speaking
from formgen.web.extensions import db
from formgen.web.security import safe_next

blueprint = Blueprint("language", __name__)
COOKIE = "formgen_language"
COOKIE_SECONDS = 400 * 24 * 3600  # the longest a browser keeps a cookie


@dataclass(frozen=True)
class Choice:
    """A language the toggle offers."""

    code: str
    name: str  # in itself: "Cymraeg"
    url: str
    current: bool


@blueprint.route("/language/<code>")
def choose(code: str) -> Response:
    """The toggle's link: this language from now on, for this person and in this browser."""
    if code not in service.offered():
        abort(404)
    if g.user is not None and g.user.language != code:
        g.user.language = code
        db.session.commit()
    response = redirect(safe_next(request.args.get("next")))
    _remember(response, code)
    return response


def chosen_code() -> str:
    """The language this request speaks (g.user is loaded before this runs)."""
    offered = service.offered()
    user = g.get("user")
    for code in (user.language if user else None, request.cookies.get(COOKIE)):
        if code in offered:
            return code
    return request.accept_languages.best_match(offered) or SOURCE_LOCALE


def speak() -> None:
    g.language = catalogs.language(chosen_code())
    g.language_token = start_speaking(g.language)


def stop(_error: BaseException | None = None) -> None:
    token = g.pop("language_token", None)
    if token is not None:
        stop_speaking(token)


def keep_in_browser(response: Response) -> Response:
    """A choice kept with the account is kept in the browser too, for the pages before signing in."""
    language = g.get("language")
    if language is not None and g.get("user") is not None and request.cookies.get(COOKIE) != language.code:
        _remember(response, language.code)
    return response


def _remember(response: Response, code: str) -> None:
    response.set_cookie(
        COOKIE, code, max_age=COOKIE_SECONDS, secure=request.is_secure, httponly=True, samesite="Lax"
    )


def toggle() -> dict[str, Any]:
    """For every page: its language, and a link to it in each language offered."""
    language = g.get("language") or catalogs.language(SOURCE_LOCALE)
    here = request.full_path.rstrip("?") if request.endpoint else url_for("cases.home")
    choices = [
        Choice(
            code,
            service.own_name(code),
            url_for("language.choose", code=code, next=here),
            code == language.code,
        )
        for code in service.offered()
    ]
    about = catalogs.about_language(language.code)
    return {
        "ui_language": language,
        "html_lang": "en-GB" if language.is_source else language.code,
        "language_choices": choices if len(choices) > 1 else [],
        "ui_translation_unreviewed": not about.reviewed,
        "ui_translated_by": about.translated_by,
    }


def init_languages(app: Flask) -> None:
    """After the user is loaded (formgen.web.security): the language can be theirs."""
    app.before_request(speak)
    app.teardown_request(stop)
    app.after_request(keep_in_browser)
    app.context_processor(toggle)
    app.register_blueprint(blueprint)
