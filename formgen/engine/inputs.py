"""What a person typed into a question page, turned into the stored JSON answer (or a GOV.UK message).

Pure Python: a web form, a test or an import hands in the raw strings; nothing here knows of Flask.
Dates follow the GOV.UK date input pattern: day, month and year boxes, month names accepted, the
message naming the missing part ("must include a month") before an impossible date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from formgen.engine.values import capitalised, subject
from formgen.spec.model import FormField

DATE_PARTS = ("day", "month", "year")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}  # fmt: skip
_TIME = re.compile(r"^(\d{1,2})[:.]?(\d{2})$")


@dataclass(frozen=True)
class Parsed:
    """A stored value (None when left blank), or the message and the part of a date to point at."""

    value: Any = None
    error: str | None = None
    part: str | None = None


def parse(field: FormField, raw: Any) -> Parsed:
    """`raw` is a string; a list of strings for a multiple choice; a dict of day/month/year for a date."""
    match field.type:
        case "date":
            return _date(field, raw or {})
        case "yes_no":
            return Parsed({"yes": True, "no": False}.get(str(raw or "").strip().lower()))
        case "multiple_choice":
            return Parsed([value for value in raw or [] if value] or None)
        case "number":
            return _number(field, str(raw or "").strip())
        case "time":
            return _time(field, str(raw or "").strip())
    text = str(raw or "")
    return Parsed(text if text.strip() else None)


def to_raw(field: FormField, value: Any) -> Any:
    """A stored value as the page shows it in its inputs: the inverse of parse."""
    if value is None:
        return {} if field.type == "date" else ([] if field.type == "multiple_choice" else "")
    match field.type:
        case "date":
            try:
                day = date.fromisoformat(value)
            except (TypeError, ValueError):
                return {}
            return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
        case "yes_no":
            return "yes" if value is True else "no" if value is False else ""
        case "multiple_choice":
            return list(value)
        case "number":
            return f"{value:g}" if isinstance(value, float) else str(value)
    return str(value)


def _name(field: FormField) -> str:
    return capitalised(subject(field))


def _date(field: FormField, parts: dict[str, str]) -> Parsed:
    given = {part: str(parts.get(part) or "").strip() for part in DATE_PARTS}
    missing = [part for part in DATE_PARTS if not given[part]]
    if len(missing) == len(DATE_PARTS):
        return Parsed()
    if missing:
        return Parsed(error=f"{_name(field)} must include a {' and a '.join(missing)}", part=missing[0])
    day, month, year = _number_or_none(given["day"]), _month(given["month"]), _number_or_none(given["year"])
    for part, number in (("day", day), ("month", month), ("year", year)):
        if number is None:
            return Parsed(error=f"{_name(field)} must be a real date", part=part)
    if len(given["year"]) != 4:
        return Parsed(error="Year must include 4 numbers", part="year")
    try:
        return Parsed(date(year, month, day).isoformat())
    except ValueError:
        return Parsed(
            error=f"{_name(field)} must be a real date", part="day" if 1 <= month <= 12 else "month"
        )


def _number_or_none(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _month(text: str) -> int | None:
    return _number_or_none(text) or _MONTHS.get(text.lower())


def _number(field: FormField, text: str) -> Parsed:
    if not text:
        return Parsed()
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        return Parsed(error=f"{_name(field)} must be a number")
    return Parsed(int(number) if number.is_integer() and "." not in text else number)


def _time(field: FormField, text: str) -> Parsed:
    if not text:
        return Parsed()
    match = _TIME.match(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours < 24 and minutes < 60:
            return Parsed(time(hours, minutes).strftime("%H:%M"))
    return Parsed(error=f"{_name(field)} must be a real time, like 14:30")
