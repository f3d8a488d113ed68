"""Jinja as the pages use it: govuk-frontend-jinja's macros, and what makes calling them cheap.

Each govuk-frontend-jinja macro imports the macros it uses inside its own body
(`{% from ".../label/macro.html" import govukLabel %}`), so every call of it, once per field on a
page, imports them again. An import without context gets the imported template's cached module,
after Jinja has checked that the importing context holds no global the imported template lacks (a
template with globals of its own gets a fresh module, so that the imported macros can see them). Jinja
makes that check as `set - ChainMap.keys()`, one ChainMap lookup and one generator per global: measured
on a question page, about a tenth of the request's time and a quarter of the rendering's.
`ImportingTemplate` makes the same check as one subset test and keeps Jinja's behaviour otherwise
(tests/web/test_templating.py).
"""

from __future__ import annotations

from flask import Flask
from jinja2 import Template
from jinja2.runtime import Context


class ImportingTemplate(Template):
    def _get_default_module(self, ctx: Context | None = None):
        if ctx is not None and not ctx.globals_keys.issubset(self.globals.keys()):
            return super()._get_default_module(ctx)  # globals the module must see: a module of its own
        return super()._get_default_module()  # the one cached module, as Jinja returns when none


def preload(app: Flask) -> None:
    """Compile every template now, before a server forks its workers: each worker starts with them
    compiled (shared by the fork) instead of compiling them in its first requests."""
    environment = app.jinja_env
    for name in environment.list_templates(extensions=["html"]):
        environment.get_template(name)
