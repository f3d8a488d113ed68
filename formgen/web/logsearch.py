"""Searching the access log: by child (an id, or part of a name as the log recorded it), by account and
by days in the UK; newest first, a page at a time, or all of it as CSV.

Each filter is one indexed condition where it can be: the event's time, its account, a child's id.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from formgen import dates
from formgen.display import format_day
from formgen.engine.review import UK
from formgen.i18n import ENGLISH, N_, _
from formgen.web.audit import ACTION_LABELS, Action
from formgen.web.extensions import db
from formgen.web.models import AccessedChild, AccessEvent, User, aware, normal_email
from formgen.web.security import without_control_characters

PAGE_SIZE = 100
TEXT_LENGTH = 254
DATE_PARTS = ("day", "month", "year")
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_HEADER = ["When (UK time)", "Who", "Their email address", "What", "Case", "Children", "Detail"]
# What a filter's day is told when it cannot be read, by the filter's name as callers give it (whole
# sentences: in Welsh the day's name changes with the sentence around it).
DAY_MESSAGES: dict[str, dict[str, str]] = {
    "The first day": {
        "day": N_("The first day must include a day"),
        "month": N_("The first day must include a month"),
        "year": N_("The first day must include a year"),
        "real": N_("The first day must be a real date, for example 27 11 2026"),
        "range": N_("The first day must be %(range)s"),
    },
    "The last day": {
        "day": N_("The last day must include a day"),
        "month": N_("The last day must include a month"),
        "year": N_("The last day must include a year"),
        "real": N_("The last day must be a real date, for example 27 11 2026"),
        "range": N_("The last day must be %(range)s"),
    },
}


@dataclass
class Search:
    """What the search form sent, as typed, and what it means once read."""

    child: str = ""
    email: str = ""
    dates: dict[str, dict[str, str]] = field(default_factory=dict)  # "from"/"to": day, month, year
    first: date | None = None
    last: date | None = None
    child_id: int | None = None
    account: User | None = None
    errors: list[dict[str, str]] = field(default_factory=list)

    @property
    def filtered(self) -> bool:
        return bool(self.child or self.email or self.first or self.last)

    def args(self) -> dict[str, str]:
        """The search as a query string's values: for the next page's link and the CSV's."""
        sent = {"child": self.child, "user": self.email}
        for name, parts in self.dates.items():
            sent.update({f"{name}-{part}": value for part, value in parts.items()})
        return {name: value for name, value in sent.items() if value}

    def describe(self) -> str:
        """The search in words, for the log's own entry."""
        said = []
        if self.child:
            said.append(f"child {self.child}")
        if self.email:
            said.append(f"account {self.email}")
        if self.first:
            said.append(f"from {self.first.isoformat()}")
        if self.last:
            said.append(f"to {self.last.isoformat()}")
        return "; ".join(said) if said else "everything"


def read_search(sent: Mapping[str, str]) -> Search:
    """The search the form sent, with a message for each filter that cannot be read."""
    search = Search(
        child=_text(sent.get("child")),
        email=_text(sent.get("user")),
        dates={
            name: {part: _text(sent.get(f"{name}-{part}"))[:4] for part in DATE_PARTS}
            for name in ("from", "to")
        },
    )
    if search.child.isdigit():
        search.child_id = int(search.child) if len(search.child) < 10 else -1  # beyond any id
    if search.email:
        search.account = db.session.scalar(select(User).where(User.email == normal_email(search.email)))
        if search.account is None:
            search.errors.append(
                {"text": _("No account has the email address %(email)s", email=search.email), "href": "#user"}
            )
    search.first = _day(search, "from", "The first day")
    search.last = _day(search, "to", "The last day")
    if search.first and search.last and search.last < search.first:
        search.errors.append(
            {"text": _("The last day must be the same as or after the first day"), "href": "#to-day"}
        )
    return search


def _text(value: str | None) -> str:
    return without_control_characters(value or "").strip()[:TEXT_LENGTH]


def _day(search: Search, name: str, called: str) -> date | None:
    return typed_day(search.dates[name], name, called, search.errors)


def typed_day(parts: Mapping[str, str], name: str, called: str, errors: list[dict[str, str]]) -> date | None:
    """A filter's day from its date input's parts (`name`-day, -month, -year), or None, with a message
    in `errors` for one that cannot be read, in the language being spoken; none typed is no filter.
    `called` is the day's name in DAY_MESSAGES: "The first day" or "The last day"."""
    messages = DAY_MESSAGES[called]
    if not any(parts.values()):
        return None
    missing = [part for part in DATE_PARTS if not parts[part]]
    if missing:
        errors.append({"text": _(messages[missing[0]]), "href": f"#{name}-{missing[0]}"})
        return None
    try:
        if not all(re.fullmatch(r"\d{1,4}", value) for value in parts.values()):
            raise ValueError
        day = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    except ValueError:
        unreadable = messages["real"]  # not inside _(): babel would take the key for a message
        errors.append({"text": _(unreadable), "href": f"#{name}-day"})
        return None
    if not dates.in_range(day):
        outside = messages["range"]
        errors.append({"text": _(outside, range=_(dates.RANGE_TEXT)), "href": f"#{name}-year"})
        return None
    return day


def _start_of(day: date) -> datetime:
    """Midnight at the start of a UK day, in UTC as the log stores it."""
    return datetime.combine(day, time(), tzinfo=UK).astimezone(UTC)


def conditions(search: Search) -> list:
    found = []
    if search.child_id is not None:
        found.append(AccessEvent.children.any(AccessedChild.child_id == search.child_id))
    elif search.child:
        name = search.child.lower()
        found.append(AccessEvent.children.any(func.lower(AccessedChild.name).contains(name, autoescape=True)))
    if search.account is not None:
        found.append(AccessEvent.user_id == search.account.id)
    if search.first is not None:
        found.append(AccessEvent.at >= _start_of(search.first))
    if search.last is not None:
        found.append(AccessEvent.at < _start_of(search.last + timedelta(days=1)))
    return found


def events(search: Search) -> Select:
    """The events the search finds, newest first, with their accounts and children."""
    return (
        select(AccessEvent)
        .where(*conditions(search))
        .options(joinedload(AccessEvent.user), selectinload(AccessEvent.children))
        .order_by(AccessEvent.at.desc(), AccessEvent.id.desc())
    )


def count(search: Search) -> int:
    return db.session.scalar(select(func.count(AccessEvent.id)).where(*conditions(search))) or 0


def page_of(search: Search, number: int) -> list[AccessEvent]:
    statement = events(search).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)
    return list(db.session.scalars(statement).unique())


def page_number(value: str | None, total: int) -> int:
    """The page asked for, within the pages there are (the first, for anything else)."""
    pages = max(1, -(-total // PAGE_SIZE))
    number = int(value) if value and value.isdigit() and len(value) < 7 else 1
    return min(max(number, 1), pages)


# --- how an event reads ---------------------------------------------------------------------------


def when(event: AccessEvent) -> datetime:
    return aware(event.at).astimezone(UK)


def when_words(event: AccessEvent) -> str:
    moment = when(event)
    return f"{format_day(moment.date())}, {moment:%H:%M:%S}"


def who(event: AccessEvent, say: Callable[..., str] = _) -> str:
    return event.user.name if event.user is not None else say(N_("No account"))


def action_label(event: AccessEvent, say: Callable[..., str] = _) -> str:
    try:
        return say(ACTION_LABELS[Action(event.action)])
    except ValueError:
        return event.action


def children_named(event: AccessEvent, say: Callable[..., str] = _) -> str:
    return "; ".join(
        say(N_("%(name)s (child %(id)s)"), name=child.name, id=child.child_id) for child in event.children
    )


def row(event: AccessEvent, say: Callable[..., str] = _) -> dict[str, str]:
    """An event as the page shows it, in the language being spoken (`say=ENGLISH.gettext`: as the CSV
    shows it). Its detail is as the log stored it, in English."""
    return {
        "when": when_words(event),
        "who": who(event, say),
        "email": event.user.email if event.user is not None else "",
        "action": action_label(event, say),
        "case": event.case_reference or "",
        "children": children_named(event, say),
        "detail": event.detail,
    }


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def as_csv(found: Iterable[AccessEvent]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for event in found:
        cells = row(event, ENGLISH.gettext)  # in English, as its header and detail are
        cells["when"] = f"{when(event):%Y-%m-%d %H:%M:%S}"
        writer.writerow([safe_cell(value) for value in cells.values()])
    return out.getvalue()
