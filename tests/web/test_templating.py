"""The pages' templates import govuk-frontend-jinja's macros as Jinja does, only more cheaply, and a
server compiles every template before its workers start (formgen.web.templating)."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from formgen.web.templating import ImportingTemplate, preload

MODULE = "{% macro show() %}[{{ colour }}|{{ 23 }}]{% endmacro %}"
PAGE = (
    '{% macro outer() %}{% from "module" import show %}{{ show() }}{% endmacro %}{{ outer() }}{{ outer() }}'
)


def environment() -> Environment:
    env = Environment(loader=DictLoader({"module": MODULE, "page": PAGE}))
    env.template_class = ImportingTemplate
    return env


def test_an_import_inside_a_macro_reuses_the_imported_templates_one_module():
    env = environment()
    made = []
    module = env.get_template("module")
    original = module.make_module
    module.make_module = lambda *args, **kwargs: made.append(args) or original(*args, **kwargs)
    page = env.get_template("page")
    assert page.render() == "[|23][|23]" and page.render() == "[|23][|23]"
    assert len(made) == 1  # four imports, one module


def test_an_imported_macro_sees_the_globals_of_the_template_that_imports_it():
    env = environment()
    assert env.get_template("page").render() == "[|23][|23]"  # the imported module, cached now
    page = env.from_string(PAGE, globals={"colour": "green"})
    assert page.render() == "[green|23][green|23]"  # a module of its own, which sees them
    assert env.get_template("page").render() == "[|23][|23]"


def test_the_apps_templates_are_importing_templates(app):
    with app.app_context():
        assert isinstance(app.jinja_env.get_template("wizard/page.html"), ImportingTemplate)


def test_preloading_compiles_every_page_and_govuk_template(app):
    preload(app)
    cached = {name for _, name in app.jinja_env.cache}
    assert {"wizard/page.html", "base.html", "govuk_frontend_jinja/components/radios/macro.html"} <= cached
    assert cached >= set(app.jinja_env.list_templates(extensions=["html"]))
