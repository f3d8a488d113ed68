"""The `formgen` command line: thin wrappers over the engine, the documents and the checks."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from formgen.check import check_everything
from formgen.documents import DOCUMENTS, NoSuchDocument, TemplateError, TemplateStore, write_documents
from formgen.engine.casefile import answer_problems, load_case
from formgen.settings import Settings
from formgen.spec import SpecError, load_spec
from formgen.timescales import NATIONS, WorkingCalendar, assessment_timescale

EXAMPLE_DEFAULT = "sibling-group"


def _date(_context: click.Context, _parameter: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
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
    problems = check_everything(settings, today=date.today())
    if problems:
        _fail([str(problem) for problem in problems] + [f"{len(problems)} problem(s) found"])
    click.echo("All specs, overlays, examples and templates are valid.")


@main.command()
@click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--all", "every_document", is_flag=True, help="Every document for every child.")
@click.option(
    "--document", "kinds", multiple=True, type=click.Choice(list(DOCUMENTS)), help="Only this document."
)
@click.option("--child", "child_ids", multiple=True, help="Only this child (by id in the case file).")
@click.option("--out-dir", required=True, type=click.Path(path_type=Path, file_okay=False))
@click.pass_obj
def render(
    settings: Settings,
    case_file: Path,
    every_document: bool,
    kinds: tuple[str, ...],
    child_ids: tuple[str, ...],
    out_dir: Path,
) -> None:
    """Write the documents of a case file into OUT_DIR and print their paths."""
    if not every_document and not kinds:
        raise click.UsageError("say which documents: --all, or --document record|plan|child")
    try:
        form = load_spec(settings.spec_dir, settings.authority)
        case = load_case(case_file)
        problems = answer_problems(form, case, str(case_file))
        if problems:
            _fail([str(problem) for problem in problems])
        paths = write_documents(
            form,
            TemplateStore(settings.template_dir),
            case,
            out_dir,
            today=date.today(),
            kinds=kinds or None,
            child_ids=child_ids or None,
        )
    except SpecError as error:
        _fail([str(problem) for problem in error.problems])
    except (TemplateError, NoSuchDocument, KeyError) as error:
        _fail(str(error).strip("'\""))
    for path in paths:
        click.echo(path)


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


@main.command()
@click.option("--referral", required=True, callback=_date, help="Referral date (day 0), YYYY-MM-DD.")
@click.option("--nation", type=click.Choice(NATIONS), default="ENG", show_default=True)
@click.option("--expected-delivery", callback=_date, help="Pre-birth: the expected delivery date.")
@click.option(
    "--closure", "closures", multiple=True, callback=_dates, help="A local closure day (repeatable)."
)
@click.option(
    "--on", "on", callback=_date, help="Report working days used and left on this date (default today)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def timescales(
    referral: date,
    nation: str,
    expected_delivery: date | None,
    closures: tuple[date, ...],
    on: date | None,
    as_json: bool,
) -> None:
    """The 45-working-day timescale of an assessment (C2, C3)."""
    calendar = WorkingCalendar(nation, frozenset(closures))
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
