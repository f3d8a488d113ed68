"""Answers as stored (plain JSON) turned into typed values, with a GOV.UK-style message when that fails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from formgen.spec.model import FormField


@dataclass(frozen=True)
class Invalid:
    """A stored answer that does not fit its field, with the message a practitioner sees."""

    message: str


def subject(field: FormField) -> str:
    """The field as it stands in a message: its `name`, or its label when it has none."""
    return field.name or field.label.rstrip("?")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list) and not raw)


def typed_value(field: FormField, raw: Any) -> Any:
    """The typed answer (str, bool, date, time, number, list), None when blank, or Invalid."""
    if is_blank(raw):
        return None
    converter = _CONVERTERS[field.type]
    try:
        return converter(raw)
    except (TypeError, ValueError) as error:
        return Invalid(_invalid_message(field, str(error)))


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise TypeError("text")
    return raw


def _yes_no(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise TypeError("yes_no")
    return raw


def _choices(raw: Any) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(value, str) for value in raw):
        raise TypeError("choices")
    return raw


def _date(raw: Any) -> date:
    if not isinstance(raw, str):
        raise TypeError("date")
    return date.fromisoformat(raw)


def _time(raw: Any) -> time:
    if not isinstance(raw, str) or len(raw) != 5:
        raise ValueError("time")
    return time.fromisoformat(raw)


def _number(raw: Any) -> int | float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise TypeError("number")
    return raw


def _group(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise TypeError("group")
    return raw


_CONVERTERS = {
    "text": _text,
    "long_text": _text,
    "yes_no": _yes_no,
    "single_choice": _text,
    "multiple_choice": _choices,
    "date": _date,
    "time": _time,
    "number": _number,
    "group": _group,
}

_INVALID = {
    "date": "{Name} must be a real date",
    "time": "{Name} must be a real time, like 14:30",
    "number": "{Name} must be a number",
    "yes_no": "Select yes if {name}",
    "single_choice": "Select {name}",
    "multiple_choice": "Select {name}",
    "group": "{Name} must be a list",
}

MISSING = {
    "text": "Enter {name}",
    "long_text": "Enter {name}",
    "number": "Enter {name}",
    "date": "Enter {name}",
    "time": "Enter {name}",
    "yes_no": "Select yes if {name}",
    "single_choice": "Select {name}",
    "multiple_choice": "Select {name}",
    "group": "Add {name}",
}


def _invalid_message(field: FormField, _detail: str) -> str:
    template = _INVALID.get(field.type, "{Name} must be text")
    return fill(template, field)


def fill(template: str, field: FormField) -> str:
    name = subject(field)
    return template.replace("{Name}", capitalised(name)).replace("{name}", name)


def missing_message(field: FormField) -> str:
    return field.error or fill(MISSING[field.type], field)
