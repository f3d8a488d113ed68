"""The `formgen` command line: thin wrappers over the engine, the documents and the checks.

Each command imports what it uses when it runs, so `formgen --help` imports click and little else,
and `formgen timescales` the spec and the calendar but neither the documents nor the web app
(tests/unit/test_cli_imports.py holds it to that). Only what the options themselves name is imported
here: light modules of the standard library and formgen's own constants.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from formgen.capabilities import Role
from formgen.dates import OutOfRange, checked
from formgen.registry import DOCUMENTS, CopyFormat
from formgen.settings import Settings
from formgen.timescales import NATIONS

if TYPE_CHECKING:
    from formgen.engine.casefile import CaseFile
    from formgen.returns.nations import EnglishReturn
    from formgen.spec.form import FormSpec

EXAMPLE_DEFAULT = "sibling-group"
DOCUMENT_KINDS = tuple(DOCUMENTS)  # the registry is plain data: it imports no document module


def _date(_context: click.Context, _parameter: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return checked(date.fromisoformat(value))
    except OutOfRange as error:
        raise click.BadParameter(str(error)) from None
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2025-03-14") from None


def _dates(context: click.Context, parameter: click.Parameter, values: tuple[str, ...]) -> tuple[date, ...]:
    return tuple(_date(context, parameter, value) for value in values)


def _fail(lines: list[str] | str) -> None:
    for line in [lines] if isinstance(lines, str) else lines:
        click.echo(line, err=True)
    sys.exit(1)


@click.group()
@click.option("--authority", help="The authority overlay to use (default: FORMGEN_AUTHORITY or 'general').")
@click.pass_context
def main(context: click.Context, authority: str | None) -> None:
    """Complete a child's assessment once; get every document the procedure asks for."""
    settings = Settings.from_environment()
    if authority:
        settings = Settings(settings.spec_dir, settings.template_dir, settings.examples_dir, authority)
    context.obj = settings


@main.command()
@click.pass_obj
def check(settings: Settings) -> None:
    """Check every spec, overlay, example and template; list each problem with its file and place."""
    from formgen.check import check_everything, external_fields
    from formgen.spec import load_spec

    problems = check_everything(settings, today=date.today())
    if problems:
        _fail([str(problem) for problem in problems] + [f"{len(problems)} problem(s) found"])
    click.echo("What each document that leaves the authority can print, and for whom:")
    for line in external_fields(load_spec(settings.spec_dir, settings.authority)):
        click.echo(f"  {line}")
    click.echo("All specs, overlays, examples and templates are valid.")


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--all", "every_document", is_flag=True, help="Every document for every child.")
@click.option(
    "--document", "kinds", multiple=True, type=click.Choice(DOCUMENT_KINDS), help="Only this document."
)
@click.option("--child", "child_ids", multiple=True, help="Only this child (by id in the case file).")
@click.option(
    "--recipient",
    "recipient_ids",
    multiple=True,
    help="Only this recipient's plans and outcomes (by id in the case file's distribution list).",
)
@click.option("--out-dir", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--format",
    "copy_format",
    type=click.Choice([each.value for each in CopyFormat]),
    help="Every document in this format (by default each recipient's copy in the format they asked "
    "for, the others in Word). PDF needs the converter that scripts/setup.sh installs.",
)
@click.option(
    "--language",
    metavar="CODE",
    help="Every plan and outcome in this language, such as cy or ar (by default each family member's "
    "copy in their own language, and the rest in English). See formgen languages.",
)
@click.pass_obj
def render(
    settings: Settings,
    case_file: Path,
    every_document: bool,
    kinds: tuple[str, ...],
    child_ids: tuple[str, ...],
    recipient_ids: tuple[str, ...],
    out_dir: Path,
    copy_format: str | None,
    language: str | None,
) -> None:
    """Write the documents of a case file into OUT_DIR and print their paths.

    The plan and the outcome are written once for each recipient on the case's distribution list
    (REF-CHILD-plan-RECIPIENT.docx), each holding only what that recipient may see.
    """
    if not every_document and not kinds and not recipient_ids:
        raise click.UsageError(
            f"say which documents: --all, --document {'|'.join(DOCUMENTS)}, or --recipient ID"
        )
    translated = [kind for kind in DOCUMENTS.values() if kind.in_family_language]
    if language and kinds and not any(DOCUMENTS[kind] in translated for kind in kinds):
        raise click.UsageError(
            f"--language is for {' and '.join(kind.id for kind in translated)}: the other documents are "
            "written in English"
        )
    from formgen.documents import NoSuchDocument, TemplateError, TemplateStore, write_documents
    from formgen.documents.formats import FormatError
    from formgen.engine.casefile import answer_problems, load_case
    from formgen.spec import SpecError, load_spec

    # A PDF that cannot be made is reported below with the details the server's log would hold:
    # without a handler of its own, the converter's log would print them a second time.
    logging.getLogger("formgen.documents.converter").addHandler(logging.NullHandler())
    untranslated: list[str] = []  # copies not made in their reader's language: said, the rest made
    try:
        form = load_spec(settings.spec_dir, settings.authority)
        case = load_case(case_file)
        problems = answer_problems(form, case, str(case_file))
        if problems:
            _fail([str(problem) for problem in problems])
        paths = write_documents(
            form,
            TemplateStore(settings.template_dir, settings.authority),
            case,
            out_dir,
            today=date.today(),
            kinds=kinds or None,
            child_ids=child_ids or None,
            recipient_ids=recipient_ids or None,
            copy_format=CopyFormat(copy_format) if copy_format else None,
            language=language,
            untranslated=untranslated,
        )
    except SpecError as error:
        _fail([str(problem) for problem in error.problems])
    except FormatError as error:  # whoever runs the command runs the server: the details are theirs
        _fail(error.for_administrator())
    except (TemplateError, NoSuchDocument, KeyError) as error:
        _fail(str(error).strip("'\""))
    if not case.children:
        _fail(f"case {case.reference} has no children yet, so it has no documents")
    for path in paths:
        click.echo(path)
    for note in _translation_notes(case, language, kinds, recipient_ids):
        click.echo(note, err=True)
    if untranslated:
        _fail(
            [f"Not made: {line}" for line in untranslated]
            + ["Each can be made in English: --recipient ID --language en."]
        )


def _translation_notes(
    case: CaseFile, language: str | None, kinds: tuple[str, ...], recipient_ids: tuple[str, ...]
) -> list[str]:
    """What the worker must know of the translations this run used: none of ours is reviewed yet."""
    from formgen.engine.distribution import Audience
    from formgen.engine.recipients import language_name
    from formgen.i18n import catalogs

    if kinds and not any(DOCUMENTS[kind].in_family_language for kind in kinds):
        return []
    readers = [r for r in case.distribution if not recipient_ids or r.id in recipient_ids]
    used = {language} if language else {r.language for r in readers if r.audience is Audience.FAMILY}
    return [
        f"Note: the {language_name(code)} copies are not yet reviewed by a qualified translator "
        f"(translated by {about.translated_by}): check them with the family or an interpreter."
        for code in sorted(used & set(catalogs.available()))
        if not (about := catalogs.about_language(code)).reviewed
    ]


@main.command()
@click.pass_obj
def languages(settings: Settings) -> None:
    """Each language's catalog: who translated it, whether a qualified translator has reviewed it,
    how much of each family document (the plan and the outcome) it can write, and how much of the
    service's own pages (a language is offered on them once it has all their words)."""
    from formgen.documents import TemplateStore
    from formgen.documents.languages import coverage, family_documents, needed_messages
    from formgen.engine.casefile import load_case
    from formgen.engine.recipients import language_name
    from formgen.i18n import catalogs, service
    from formgen.spec import SpecError, load_spec

    try:
        form = load_spec(settings.spec_dir, settings.authority)
        store = TemplateStore(settings.template_dir, settings.authority)
        examples = [load_case(path) for path in sorted(settings.examples_dir.glob("*.json"))]
        needs = {kind: needed_messages(form, store, examples, kind) for kind in family_documents()}
        for code in catalogs.available():
            about = catalogs.about_language(code)
            reviewed = (
                f"reviewed by {about.reviewed_by}"
                if about.reviewed
                else "not yet reviewed by a qualified translator"
            )
            click.echo(f"{code}  {language_name(code)}: translated by {about.translated_by}; {reviewed}")
            for kind, needed in needs.items():
                found = coverage(needed, code)
                line = f"    {DOCUMENTS[kind].title}: {found.percent}% ({found.translated} of {found.needed})"
                if found.stale:
                    line += f", {found.stale} out of date"
                if found.first_missing:
                    line += f"; not yet translated: {found.first_missing[:60]!r}"
                click.echo(line)
            pages = service.coverage(code)
            line = f"    The service's pages: {pages.percent}% ({pages.translated} of {pages.needed})"
            if pages.complete:
                line += ", offered on the language toggle"
            else:
                line += f"; not yet translated: {pages.first_missing[:60]!r}"
            click.echo(line)
    except SpecError as error:
        _fail([str(problem) for problem in error.problems])
    except catalogs.CatalogError as error:
        _fail(str(error))


@main.command()
@click.option("--name", default=EXAMPLE_DEFAULT, show_default=True, help="Which example case to write.")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of stdout.")
@click.pass_obj
def example(settings: Settings, name: str, out: Path | None) -> None:
    """Write a complete fictional case file to start from."""
    available = sorted(path.stem for path in settings.examples_dir.glob("*.json"))
    if name not in available:
        _fail(f"no example {name!r}; choose from: {', '.join(available)}")
    text = (settings.examples_dir / f"{name}.json").read_text(encoding="utf-8")
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(out)


@main.command("case-schema")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write here instead of stdout.")
def case_schema(out: Path | None) -> None:
    """The JSON Schema of a case file (published as docs/case-file.schema.json)."""
    from formgen.engine import casefile

    text = json.dumps(casefile.case_schema(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(out)


@main.command()
@click.option("--referral", required=True, callback=_date, help="Referral date (day 0), YYYY-MM-DD.")
@click.option(
    "--nation",
    type=click.Choice(NATIONS),
    help="Count this nation's bank holidays (default: the authority's).",
)
@click.option("--expected-delivery", callback=_date, help="Pre-birth: the expected delivery date.")
@click.option(
    "--closure",
    "closures",
    multiple=True,
    callback=_dates,
    help="A closure day besides the authority's (repeatable).",
)
@click.option(
    "--on", "on", callback=_date, help="Report working days used and left on this date (default today)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_obj
def timescales(
    settings: Settings,
    referral: date,
    nation: str | None,
    expected_delivery: date | None,
    closures: tuple[date, ...],
    on: date | None,
    as_json: bool,
) -> None:
    """The 45-working-day timescale of an assessment (C2, C3), by the authority's nation and closure days."""
    from formgen.spec import SpecError, load_spec
    from formgen.timescales import WorkingCalendar, assessment_timescale

    try:
        form = load_spec(settings.spec_dir, settings.authority)
    except SpecError as error:
        _fail([str(problem) for problem in error.problems])
    calendar = WorkingCalendar(nation or form.authority.nation, form.closure_days() | set(closures))
    timescale = assessment_timescale(
        referral, calendar, on=on or date.today(), expected_delivery_date=expected_delivery
    )
    if as_json:
        click.echo(json.dumps(timescale.to_json(), indent=2))
        return
    click.echo(f"Due {timescale.due_date:%A %d %B %Y} ({timescale.due_rule}).")
    click.echo(
        f"On {timescale.on:%d %B %Y}: {timescale.working_days_used} working days used, "
        f"{timescale.working_days_left} left{' - OVERDUE' if timescale.overdue else ''}."
    )


# --- the web app ---------------------------------------------------------------------------------


@main.group()
def export() -> None:
    """Make a statutory return from the assessments."""


@export.command("cin")
@click.option(
    "--year",
    required=True,
    type=click.IntRange(2000, 2100),
    help="The year of the collection's reference date, 31 March: 2026 is the 2025-26 return.",
)
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False), help="The XML file.")
@click.option(
    "--skip-invalid", is_flag=True, help="Leave out each child whose answers break a rule, and say who."
)
@click.argument("case_files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def export_cin(
    settings: Settings, year: int, out: Path, skip_invalid: bool, case_files: tuple[Path, ...]
) -> None:
    """Write the Children in Need census of CASE_FILES, or of every case in the database when none are
    named. A child whose answers would break one of the DfE's rules is listed with the rule and the
    answer to change, and nothing is written unless --skip-invalid leaves them out."""
    from formgen.returns.cin import CENSUS, build_return
    from formgen.returns.nations import NotThisNation

    form, cases = _return_cases(settings, CENSUS, case_files)
    if form.authority.la_code is None:
        _fail(
            f"The overlay authorities/{settings.authority}.yaml gives no la_code: add the authority's DfE "
            "local authority number (3 digits) under authority:, for the census's header."
        )
    try:
        made = build_return(
            form,
            cases,
            year=year,
            la_code=form.authority.la_code,
            today=date.today(),
            skip_invalid=skip_invalid,
        )
    except NotThisNation as error:
        _fail(str(error))
    for problem in made.problems:
        click.echo(str(problem), err=True)
    if made.xml is None:
        _fail(
            f"{len(made.problems)} problem(s): nothing was written. Change those answers, "
            "or run again with --skip-invalid to leave those children out."
        )
    out.write_bytes(made.xml)
    for left in made.left_out:
        click.echo(f"Left out: {left}", err=True)
    click.echo(
        f"Wrote the {year - 1}-{year % 100:02d} Children in Need census of {made.children} child"
        f"{'' if made.children == 1 else 'ren'} to {out}"
    )


@export.command("annex-a")
@click.option("--from", "start", required=True, callback=_date, help="The range's first day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, callback=_date, help="The range's last day, YYYY-MM-DD.")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False), help="The .xlsx file.")
@click.argument("case_files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.pass_obj
def export_annex_a(
    settings: Settings, start: date, end: date, out: Path, case_files: tuple[Path, ...]
) -> None:
    """Write Ofsted's Annex A list 4 (assessments) of CASE_FILES, or of every case in the database when
    none are named: each child's assessment open at some time from --from to --to. An answer a column
    needs that is missing leaves its cell blank and is listed with the answer to give."""
    from formgen.returns.annex_a import ANNEX_A, build_annex_a, range_problem

    if wrong := range_problem(start, end):
        raise click.BadParameter(wrong, param_hint="'--from'")
    form, cases = _return_cases(settings, ANNEX_A, case_files)
    made = build_annex_a(form, cases, start=start, end=end, today=date.today())
    for problem in made.problems:
        click.echo(str(problem), err=True)
    out.write_bytes(made.xlsx)
    click.echo(
        f"Wrote Ofsted's Annex A list 4: {made.rows} assessment{'' if made.rows == 1 else 's'} open from "
        f"{start:%d/%m/%Y} to {end:%d/%m/%Y}, to {out}"
        + (f" ({len(made.problems)} blank answer(s) listed above)" if made.problems else "")
    )


def _return_cases(
    settings: Settings, made: EnglishReturn, case_files: tuple[Path, ...]
) -> tuple[FormSpec, list[CaseFile]]:
    """The form and the cases a return is made from: the case files named, or every case in the
    database; exit 1 with the reasons when the authority makes no such return or a file is wrong."""
    from formgen.engine.casefile import answer_problems, load_case
    from formgen.spec import SpecError, load_spec

    try:
        form = load_spec(settings.spec_dir, settings.authority)
        if refusal := made.refusal(form.authority.nation):
            _fail(refusal)  # before the cases are read: they cannot change the answer
        if case_files:
            cases = [load_case(path) for path in case_files]
            problems = [
                p
                for path, case in zip(case_files, cases, strict=True)
                for p in answer_problems(form, case, str(path))
            ]
            if problems:
                _fail([str(problem) for problem in problems])
        else:
            cases = _web().cases_for_return(_app())
    except SpecError as error:
        _fail([str(problem) for problem in error.problems])
    return form, cases


def _web():
    from formgen.web import commands

    return commands


def _app():
    """The web app for a command, or why not and exit 1: a broken spec or database never starts it."""
    from sqlalchemy.exc import OperationalError

    from formgen.spec import SpecError
    from formgen.web.config import SettingError

    try:
        return _web().app_for_commands()
    except SpecError as error:
        _fail(
            [str(problem) for problem in error.problems]
            + ["The form specs did not load, so formgen did not start."]
        )
    except OperationalError as error:
        _fail(f"formgen cannot use its database: {error.orig}. Check DATABASE_URL or FORMGEN_INSTANCE_PATH.")
    except SettingError as error:
        _fail(f"formgen did not start: {error}")


@main.command("db-upgrade")
def db_upgrade() -> None:
    """Create the database, or bring it up to date with the newest migrations."""
    app = _app()
    click.echo(f"Database is up to date ({app.config['SQLALCHEMY_DATABASE_URI'].split(':', 1)[0]}).")


@main.command("refresh-lists")
def refresh_lists() -> None:
    """Work out again the lists' figures of every assessment whose figures are missing or were worked
    out with another form (a changed spec, overlay or closure days); the app does it at its first
    request too."""
    from formgen.web import summaries

    refreshed = summaries.refresh_stale(_app())
    click.echo(f"Worked out the lists' figures of {refreshed} case{'' if refreshed == 1 else 's'} again.")


@main.command("create-team")
@click.option("--name", required=True, help="The team's name, as people see it.")
def create_team(name: str) -> None:
    """Add a team: practitioners and the managers who approve their assessments."""
    commands = _web()
    try:
        commands.create_team(_app(), name)
    except commands.CommandError as error:
        _fail(str(error))
    click.echo(f"Created the team {name.strip()}.")


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    default=Role.PRACTITIONER.value,
    show_default=True,
    type=click.Choice([role.value for role in Role]),
    help="practitioner: completes assessments; manager: approves them and records the decisions "
    "reserved to a manager; business_support: produces plans; administrator: accounts, teams and the "
    "access log; auditor: searches the access log; performance: makes the statutory returns.",
)
@click.option("--team", help="The team (see create-team); needed for a manager or business support.")
@click.option("--phone", help="Printed as the lead practitioner's phone in the documents.")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
def create_user(
    email: str, name: str, role: str, team: str | None, phone: str | None, password_stdin: bool
) -> None:
    """Add a local account (the password is read from standard input, never from the command line)."""
    commands = _web()
    password = sys.stdin.readline().rstrip("\n")
    try:
        commands.create_user(_app(), email, name, role, password, team=team, phone=phone)
    except commands.CommandError as error:
        _fail(str(error))
    click.echo(f"Created {role} account for {email.strip().lower()}.")


@main.command("set-team")
@click.option("--email", required=True)
@click.option("--team", required=True, help="The team (see create-team).")
def set_team(email: str, team: str) -> None:
    """Move an account into a team; its cases that have no team yet go with it."""
    commands = _web()
    try:
        moved = commands.set_team(_app(), email, team)
    except commands.CommandError as error:
        _fail(str(error))
    click.echo(
        f"{commands.normal_email(email)} is in the team {team.strip()}; {moved} case(s) moved with them."
    )


@main.command("unlock-user")
@click.option("--email", required=True)
def unlock_user(email: str) -> None:
    """Let an account that failed to sign in too often try again now (run with the server's settings)."""
    commands = _web()
    try:
        locked = commands.unlock_user(_app(), email)
    except commands.CommandError as error:
        _fail(str(error))
    address = commands.normal_email(email)
    click.echo(f"Unlocked {address}: they can sign in now." if locked else f"{address} was not locked out.")


@main.command("import")
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--user", "email", required=True, help="The account that holds the case.")
def import_case(case_file: Path, email: str) -> None:
    """Load a case file (the examples' format) into the web app for a user."""
    from formgen.engine.casefile import load_case
    from formgen.spec import SpecError

    commands = _web()
    try:
        reference = commands.import_case(_app(), load_case(case_file), email, str(case_file))
    except SpecError as error:
        _fail([str(problem) for problem in error.problems])
    except commands.CommandError as error:
        _fail(str(error))
    click.echo(f"Imported case {reference} for {email}.")


@main.command()
@click.pass_obj
def demo(settings: Settings) -> None:
    """Make a team with an account in each role and load the example cases, once, so that a new
    installation can be tried at once from every side."""
    from formgen.engine.casefile import load_case

    commands = _web()
    app = _app()
    accounts = commands.demo_accounts(app)
    practitioner = accounts[0][1]
    present = commands.case_references(app)
    for path in sorted(settings.examples_dir.glob("*.json")):
        case = load_case(path)
        if case.reference not in present:
            commands.import_case(app, case, practitioner, str(path))
    click.echo(f"The example cases are allocated to {practitioner} in the {commands.DEMO_TEAM}. Sign in as:")
    for role, email, password in accounts:
        click.echo(f"  {role}: {email} with the password {password}")
    click.echo(f"(kept in {Path(app.instance_path) / commands.DEMO_PASSWORDS}; readable by you alone)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes: one per core the server may use.",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(min=1),
    help="Threads in each worker: requests a worker answers at once while others wait on the database.",
)
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web app with a production WSGI server (gunicorn, threaded worker processes)."""
    from formgen.web.server import serve as serve_app

    app = _app()
    # Sign-in outcomes (the formgen.security logger) and the server's own messages, on standard error.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"formgen is running at http://{host}:{port}/ (press Ctrl+C to stop)")
    serve_app(app, host, port, workers, threads)
