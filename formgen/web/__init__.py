"""The web wizard: an app factory, one blueprint per area, pages generated from the form spec."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from markupsafe import Markup, escape

from formgen.documents import TemplateStore
from formgen.i18n import current
from formgen.settings import Settings
from formgen.spec import load_spec
from formgen.web import audit, config, database
from formgen.web.extensions import csrf, db
from formgen.web.languages import init_languages
from formgen.web.security import init_security
from formgen.web.services import Services, services
from formgen.web.templating import ImportingTemplate


def create_app(overrides: dict[str, Any] | None = None, instance_path: Path | None = None) -> Flask:
    """The app; its instance folder (database, secret key) is FORMGEN_INSTANCE_PATH, or Flask's default."""
    if instance_path is None and os.environ.get("FORMGEN_INSTANCE_PATH"):
        instance_path = Path(os.environ["FORMGEN_INSTANCE_PATH"])
    app = Flask(
        __name__, instance_path=str(instance_path) if instance_path else None, instance_relative_config=True
    )
    # The instance folder holds the database and the secret key: readable by the service alone.
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    app.config.update(config.from_environment(Path(app.instance_path)))
    app.config.update(overrides or {})
    settings: Settings = app.config["FORMGEN_SETTINGS"]
    app.extensions["formgen"] = Services(
        settings,
        load_spec(settings.spec_dir, settings.authority),
        TemplateStore(settings.template_dir, settings.authority),
    )
    app.jinja_loader = ChoiceLoader(
        [app.jinja_loader, PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")})]
    )
    app.jinja_env.template_class = ImportingTemplate
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    _install_translations(app)
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            database.prepare(engine, app.config["SQLITE_SYNCHRONOUS"])
    init_security(app)  # before CSRF's own check, so even its error page has a nonce and a user
    init_languages(app)  # after the user is known, whose language it may be
    csrf.init_app(app)
    app.after_request(audit.log_request)
    _keep_lists_current(app)
    _register_blueprints(app)
    _register_errors(app)
    app.add_url_rule("/healthz", "healthz", healthz)
    return app


def _install_translations(app: Flask) -> None:
    """`_` and `ngettext` in every template, in the language of the request (formgen.web.languages).
    Jinja marks what they return as safe and escapes only the values put into it, so the words are
    escaped here: a catalog's words are text, never markup."""
    from jinja2.ext import i18n

    def gettext(message: str) -> Markup:
        return escape(current().words(message))

    def ngettext(singular: str, plural: str, n: int) -> Markup:
        return escape(current().plural_words(singular, plural, n))

    app.jinja_env.add_extension(i18n)
    app.jinja_env.add_extension("jinja2.ext.do")  # `{% do list.append(...) %}`: `_` is the translation
    app.jinja_env.install_gettext_callables(gettext, ngettext, newstyle=True)


def healthz() -> tuple[str, int, dict[str, str]]:
    """That the server answers: a short text, without the database, the session or a template (so a
    load balancer's checks cost nothing, and the benchmarks' baseline is Flask and the server alone)."""
    return "formgen is running\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


def _keep_lists_current(app: Flask) -> None:
    """The lists' summaries were worked out with some form: at the first request, those of another
    (or none) are worked out again with this one (formgen.web.summaries)."""
    from formgen.web import summaries

    app.config.setdefault("FORMGEN_REFRESH_LISTS", "now" if app.config.get("TESTING") else "background")
    summaries.current_hash(app)  # the hash of the files as this app loaded them
    pending, lock = [True], threading.Lock()

    @app.before_request
    def refresh_lists() -> None:
        if pending and request.endpoint not in ("healthz", "static"):  # these touch no database
            with lock:
                if not pending:
                    return
                pending.clear()
            summaries.refresh_at_start(app)


def _register_blueprints(app: Flask) -> None:
    from formgen.web import (
        administration,
        approval,
        auth,
        cases,
        chronology,
        circulation,
        distribution,
        history,
        interpreting,
        returns,
        withholding,
        wizard,
    )

    blueprints = (
        auth,
        cases,
        wizard,
        approval,
        history,
        chronology,
        withholding,
        distribution,
        circulation,
        interpreting,
        administration,
        returns,
    )
    for module in blueprints:
        app.register_blueprint(module.blueprint)

    @app.context_processor
    def layout() -> dict[str, Any]:
        return {"authority": services().form.authority}

    _register_template_helpers(app)


def _register_template_helpers(app: Flask) -> None:
    from flask import get_template_attribute

    from formgen.display import article, format_day, format_moment
    from formgen.web.fields import label_text, params
    from formgen.web.links import url
    from formgen.web.pages import task_status

    def field_params(view):
        return params(view, get_template_attribute("macros/fields.html", "field"))

    app.jinja_env.globals.update(
        field_params=field_params,
        url=url,
        format_day=format_day,
        format_moment=format_moment,
        article=article,
        task_status=task_status,
        label_text=label_text,
    )


def _register_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_template("errors/csrf.html"), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/forbidden.html"), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/not_found.html"), 404

    @app.errorhandler(500)
    def server_error(error):
        # Whatever the request had not committed is rolled back: the last saved answers stand. The
        # page shows no account details, which may need the database that has just failed.
        db.session.rollback()
        g.user = None
        return render_template("errors/server_error.html"), 500
