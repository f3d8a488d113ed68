"""The field types a form spec can use: one object each, and nothing else in formgen switches on a type.

A type says which spec keys apply to it; how a page's inputs are read, refusing with a GOV.UK message
what it cannot read (never an exception); how a stored answer is read back and checked; how it reads on
a page or in a document; what the condition language sees; and which GOV.UK Frontend component asks it.
A new field type is one class here, its entry in TYPES and a test.

Pure Python: a web form, a test or an import hands in the raw strings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from formgen import dates
from formgen.conditions import Kind
from formgen.display import clean_text, format_day
from formgen.i18n import N_, _

if TYPE_CHECKING:
    from formgen.spec.model import FormField

People = Mapping[str, str]  # item id -> name, for a field whose choices are the items of a group


@dataclass(frozen=True)
class Parsed:
    """What a page's inputs hold as a stored value (None when left blank), or the message and the part
    of a date to point at."""

    value: Any = None
    error: str | None = None
    part: str | None = None


@dataclass(frozen=True)
class Invalid:
    """A stored answer that does not fit its field, with the message a practitioner sees."""

    message: str


@dataclass(frozen=True)
class Checks:
    """What a field's own rules may look at besides its answer."""

    today: date
    lookup: Callable[[str], Any]  # another answer's typed value by id (an item's own fields first)
    subject_of: Callable[[str], str]  # another field as a message names it
    allowed: Collection[str] | None = None  # the values a choice may take; None: the spec's choices


class FormData(Protocol):
    """A posted form, as Werkzeug's MultiDict gives it."""

    def get(self, key: str, default: Any = ...) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


# --- messages ------------------------------------------------------------------------------------


def subject(field: FormField) -> str:
    """The field as it stands in a message, in the language being spoken: its `name`, or its label
    when it has none."""
    return _(field.name) if field.name else _(field.label).rstrip("?")


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def fill(template: str, field: FormField, **values: str) -> str:
    """A message template with {Name} or {name} for the field's subject, and any other {placeholder}."""
    name = subject(field)
    text = _(template).replace("{Name}", capitalised(name)).replace("{name}", name)
    for key, value in values.items():
        text = text.replace(f"{{{key}}}", value)
    return text


# --- the types -----------------------------------------------------------------------------------


class FieldType:
    """What every type does; each subclass changes what differs."""

    name: ClassVar[str]
    keys: ClassVar[frozenset[str]] = frozenset()  # spec keys that apply to this type and not to all
    component: ClassVar[str | None] = None  # the GOV.UK Frontend macro that asks it
    input_options: ClassVar[Mapping[str, Any]] = {}  # extra parameters for that macro
    default_hint: ClassVar[str | None] = None
    inline: ClassVar[bool] = False  # its options side by side (GOV.UK: two short answers)
    # Prose the practitioner writes: printed as written in a translated copy, marked as their words.
    prose: ClassVar[bool] = False
    missing: ClassVar[str] = N_("Enter {name}")
    invalid: ClassVar[str] = N_("{Name} must be text")
    blank_input: ClassVar[Any] = ""

    # --- the spec

    def spec_problem(self, field: FormField) -> str | None:
        """What is wrong with a field of this type in a spec, beyond keys that do not apply to it."""
        return None

    # --- a page

    def read_input(self, form: FormData, name: str) -> Any:
        """The raw strings a field's inputs submitted."""
        return form.get(name, "")

    def parse(self, field: FormField, raw: Any, allowed: Collection[str] | None = None) -> Parsed:
        """The stored value of what was typed; `allowed` is the choices a page offered, where dynamic."""
        text = clean_text(raw if isinstance(raw, str) else "")
        return Parsed(text if text.strip() else None)

    def to_input(self, value: Any) -> Any:
        """A stored value as the page shows it in its inputs: the inverse of parse."""
        return self.blank_input if value is None else str(value)

    def refused(self, field: FormField) -> Parsed:
        return Parsed(error=fill(self.invalid, field))

    # --- stored answers

    def read_stored(self, raw: Any) -> Any:
        """The typed answer of a stored (JSON) value; TypeError or ValueError when it does not fit."""
        if not isinstance(raw, str):
            raise TypeError(self.name)
        return raw

    def constraint(self, field: FormField, value: Any, checks: Checks) -> str | None:
        """A message when a readable answer breaks one of the field's own rules."""
        return None

    def display(
        self, field: FormField, value: Any, people: People | None = None, *, child: bool = False
    ) -> str:
        """The answer as people read it; `child` asks for the child's wording where the spec gives one."""
        return "" if value is None else clean_text(str(value))

    def kind(self, field: FormField) -> Kind:
        """What the condition language sees."""
        return Kind("text")

    def reveal_value(self, literal: Any) -> str | None:
        """The submitted value of the choice a condition's literal names (a follow-up shown under it)."""
        return None


class _Texts(FieldType):
    keys = frozenset({"max_length", "for_child_of"})

    def constraint(self, field: FormField, value: Any, checks: Checks) -> str | None:
        if field.max_length is not None and len(value) > field.max_length:
            return fill(N_("{Name} must be {n} characters or fewer"), field, n=str(field.max_length))
        return None


class Text(_Texts):
    name = "text"
    component = "govukInput"


class Upn(FieldType):
    """A unique pupil number, stored as the census writes it: spaces out, letters in capitals."""

    name = "upn"
    component = "govukInput"
    input_options: ClassVar[Mapping[str, Any]] = {
        "classes": "govuk-input--width-20",
        "spellcheck": False,
        "autocomplete": "off",
    }

    def parse(self, field: FormField, raw: Any, allowed: Collection[str] | None = None) -> Parsed:
        from formgen.upn import normal

        text = normal(clean_text(raw if isinstance(raw, str) else ""))
        return Parsed(text or None)

    def constraint(self, field: FormField, value: Any, checks: Checks) -> str | None:
        from formgen.upn import upn_problem

        found = upn_problem(value)
        return None if found is None else fill(found[1], field)


class LongText(_Texts):
    name = "long_text"
    prose = True
    component = "govukTextarea"
    input_options: ClassVar[Mapping[str, Any]] = {"rows": 6, "spellcheck": True}


class _Choices(FieldType):
    keys = frozenset({"choices", "choice_list", "choices_from"})
    missing = N_("Select {name}")
    invalid = N_("Select {name}")

    def spec_problem(self, field: FormField) -> str | None:
        sources = [
            key for key in ("choices", "choice_list", "choices_from") if getattr(field, key) is not None
        ]
        if len(sources) != 1:
            return f"a {self.name} field needs exactly one of choices, choice_list, choices_from"
        values = [choice.value for choice in field.choices or []]
        if len(set(values)) != len(values):
            return "choice values must be unique"
        return None

    @staticmethod
    def allowed(field: FormField, allowed: Collection[str] | None) -> Collection[str] | None:
        if field.choices is not None:
            return {choice.value for choice in field.choices}
        return allowed

    def options(self, field: FormField, people: People) -> list[tuple[str, str, str | None]]:
        """Value, label and hint of each choice a page offers."""
        if field.choices_from is not None:
            return [(value, name, None) for value, name in people.items()]
        choices = field.choices or []
        return [
            (choice.value, _(choice.label), _(choice.hint) if choice.hint else None) for choice in choices
        ]

    def stranger(self, field: FormField, chosen: list[str], allowed: Collection[str] | None) -> str | None:
        """The first chosen value that is not one of the choices, if any."""
        allowed = self.allowed(field, allowed)
        return next((value for value in chosen if allowed is not None and value not in allowed), None)

    def parsed(self, field: FormField, chosen: Any, allowed: Collection[str] | None) -> Parsed:
        """What a page sent: a value it never offered (tampered, or a person removed meanwhile) is refused."""
        values = chosen if isinstance(chosen, list) else [chosen]
        return self.refused(field) if self.stranger(field, values, allowed) is not None else Parsed(chosen)

    def not_a_choice(
        self, field: FormField, chosen: list[str], allowed: Collection[str] | None
    ) -> str | None:
        """A stored answer naming a value that is not one of the choices: the message names it."""
        value = self.stranger(field, chosen, allowed)
        return (
            None
            if value is None
            else fill(N_("{Name}: {value} is not one of the choices"), field, value=repr(value))
        )

    def label(self, field: FormField, value: str, people: People | None, child: bool) -> str:
        if field.choices_from is not None:
            return clean_text((people or {}).get(value, value))
        for choice in field.choices or []:
            if choice.value == value:
                return clean_text(_((child and choice.child_wording) or choice.label))
        return clean_text(value)

    def kind_values(self, field: FormField) -> frozenset[str] | None:
        return None if field.choices is None else frozenset(choice.value for choice in field.choices)

    def reveal_value(self, literal: Any) -> str | None:
        return literal if isinstance(literal, str) else None


class SingleChoice(_Choices):
    name = "single_choice"
    component = "govukRadios"

    def parse(self, field: FormField, raw: Any, allowed: Collection[str] | None = None) -> Parsed:
        value = raw if isinstance(raw, str) else ""
        return self.parsed(field, value, allowed) if value else Parsed()

    def constraint(self, field: FormField, value: Any, checks: Checks) -> str | None:
        return self.not_a_choice(field, [value], checks.allowed)

    def display(
        self, field: FormField, value: Any, people: People | None = None, *, child: bool = False
    ) -> str:
        return "" if value is None else self.label(field, value, people, child)

    def kind(self, field: FormField) -> Kind:
        return Kind("choice", self.kind_values(field))


class MultipleChoice(_Choices):
    name = "multiple_choice"
    component = "govukCheckboxes"
    keys = _Choices.keys | {"exclusive"}
    blank_input = []  # noqa: RUF012 - never mutated: to_input hands out copies

    def read_input(self, form: FormData, name: str) -> Any:
        return form.getlist(name)

    def parse(self, field: FormField, raw: Any, allowed: Collection[str] | None = None) -> Parsed:
        chosen = [value for value in raw if isinstance(value, str) and value] if isinstance(raw, list) else []
        return self.parsed(field, list(dict.fromkeys(chosen)), allowed) if chosen else Parsed()

    def to_input(self, value: Any) -> Any:
        return [] if value is None else list(value)

    def read_stored(self, raw: Any) -> Any:
        if not isinstance(raw, list) or not all(isinstance(value, str) for value in raw):
            raise TypeError(self.name)
        return raw

    def constraint(self, field: FormField, value: Any, checks: Checks) -> str | None:
        problem = self.not_a_choice(field, value, checks.allowed)
        if problem:
            return problem
        if len(set(value)) != len(value):
            return fill(N_("{Name}: each choice can be selected only once"), field)
        for exclusive in field.exclusive:
            if exclusive in value and len(value) > 1:
                label = self.label(field, exclusive, None, False)
                message = N_("Select ‘%(label)s’ on its own, or remove it and keep the other answers")
                return _(message, label=label)
        return None

    def display(
        self, field: FormField, value: Any, people: People | None = None, *, child: bool = False
    ) -> str:
        return (
            "" if value is None else "\n".join(self.label(field, choice, people, child) for choice in value)
        )

    def kind(self, field: FormField) -> Kind:
        return Kind("choices", self.kind_values(field))


class YesNo(FieldType):
    name = "yes_no"
    component = "govukRadios"
    inline = True
    missing = N_("Select yes if {name}")
    invalid = N_("Select yes if {name}")
    _VALUES: ClassVar[dict[str, bool]] = {"yes": True, "no": False}

    def parse(self, field: FormField, raw: Any, allowed: Collection[str] | None = None) -> Parsed:
        text = raw if isinstance(raw, str) else ""
        if not text:
            return Parsed()
        # A value the page never offers (a tampered "maybe") is refused, never taken as a cleared answer.
        return Parsed(self._VALUES[text]) if text in self._VALUES else self.refused(field)

    def to_input(self, value: Any) -> Any:
        return "yes" if value is True else "no" if value is False else ""

    def options(self, field: FormField, people: People) -> list[tuple[str, str, str | None]]:
        return [("yes", _("Yes"), None), ("no", _("No"), None)]

    def read_stored(self, raw: Any) -> Any:
        if not isinstance(raw, bool):
            raise TypeError(self.name)
        return raw

    def display(
        self, field: FormField, value: Any, people: People | None = None, *, child: bool = False
    ) -> str:
        return "" if value is None else _("Yes") if value else _("No")

    def kind(self, field: FormField) -> Kind:
        return Kind("bool")

    def reveal_value(self, literal: Any) -> str | None:
        return self.to_input(literal) if isinstance(literal, bool) else None


class Date(FieldType):
    """GOV.UK's date input: day, month and year boxes, month names accepted, the message naming the
    missing part ("must include a month") before an impossible date."""

    name = "date"
    component = "govukDateInput"
    keys = frozenset({"not_future", "within", "chronology"})
    default_hint = N_("For example, 27 3 2025")
    invalid = N_("{Name} must be a real date")
    blank_input: ClassVar[dict] = {}
    PARTS = ("day", "month", "year")
    _MONTHS: ClassVar[dict[str, int]] = {
        name: number
        for number, names in enumerate(
            [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
             ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
             ("oct", "october"), ("nov", "november"), ("dec", "december")],
            start=1,
        )
        for name in names
    }  # fmt: skip
    # ASCII digits only: "²".isdigit() is true, and int() of a 5,000-digit year is refused by Python.
    _DAY_OR_MONTH = re.compile(r"[0-9]{1,2}")
    _YEAR = re.compile(r"[0-9]{4}")
    _MISSING_PARTS: ClassVar[dict[tuple[str, ...], str]] = {
        ("day",): N_("{Name} must include a day"),
        ("month",): N_("{Name} must include a month"),
        ("year",): N_("{Name} must include a year"),
        ("day", "month"): N_("{Name} must include a day and a month"),
        ("day", "year"): N_("{Name} must include a day and a year"),
        ("month", "year"): N_("{Name} must include a month and a year"),
    }

    def read_input(self, form: FormData, name: str) -> Any:
        return {part: form.get(f"{name}-{part}", "") for part in self.PARTS}

    def parse(self, field: FormField, raw: Any, allowed: Collection[str] | None = None) -> Parsed:
        parts = raw if isinstance(raw, Mapping) else {}
        given = {part: str(parts.get(part) or "").strip() for part in self.PARTS}
        missing = [part for part in self.PARTS if not given[part]]
        if len(missing) == len(self.PARTS):
            return Parsed()
        if missing:
            message = fill(self._MISSING_PARTS[tuple(missing)], field)
            return Parsed(error=message, part=missing[0])
        day = int(given["day"]) if self._DAY_OR_MONTH.fullmatch(given["day"]) else None
        month = self._month(given["month"])
        for part, number in (("day", day), ("month", month)):
            if number is None:
                return Parsed(error=fill(self.invalid, field), part=part)
        if not self._YEAR.fullmatch(given["year"]):
            plain = given["year"].isascii() and given["year"].isdigit()
            return Parsed(
                error=_("Year must include 4 numbers") if plain else fill(self.invalid, field), part="year"
            )
        try:
            day_value = date(int(given["year"]), month, day)
        except ValueError:
            return Parsed(error=fill(self.invalid, field), part="day" if 1 <= month <= 12 else "month")
        if not dates.in_range(day_value):
            message = fill(N_("{Name} must be {range}"), field, range=_(dates.RANGE_TEXT))
            return Parsed(error=message, part="year")
        return Parsed(day_value.isoformat())

    def _month(self, text: str) -> int | None:
        if self._DAY_OR_MONTH.fullmatch(text):
            return int(text)
        return self._MONTHS.get(text.lower())

    def to_input(self, value: Any) -> Any:
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            return {}
        return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}

    def read_stored(self, raw: Any) -> Any:
        if not isinstance(raw, str):
            raise TypeError(self.name)
        return dates.checked(date.fromisoformat(raw))

    def constraint(self, field: FormField, value: Any, checks: Checks) -> str | None:
        if field.not_future and value > checks.today:
            return fill(N_("{Name} must be today or in the past"), field)
        within = field.within
        if within is not None:
            other = checks.lookup(within.of)
            if isinstance(other, date) and not (
                dates.add_months(other, -within.months) <= value <= dates.add_months(other, within.months)
            ):
                message = N_("{Name} must be within {n} months of {other}")
                return fill(message, field, n=str(within.months), other=checks.subject_of(within.of))
        return None

    def display(
        self, field: FormField, value: Any, people: People | None = None, *, child: bool = False
    ) -> str:
        return format_day(value)

    def kind(self, field: FormField) -> Kind:
        return Kind("date")


class Time(FieldType):
    name = "time"
    component = "govukInput"
    input_options: ClassVar[Mapping[str, Any]] = {"classes": "govuk-input--width-5", "spellcheck": False}
    default_hint = N_("Use the 24-hour clock, for example 14:30")
    invalid = N_("{Name} must be a real time, like 14:30")
    _TIME = re.compile(r"([0-9]{1,2})[:.]?([0-9]{2})")

    def parse(self, field: FormField, raw: Any, allowed: Collection[str] | None = None) -> Parsed:
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            return Parsed()
        match = self._TIME.fullmatch(text)
        if match:
            hours, minutes = int(match.group(1)), int(match.group(2))
            if hours < 24 and minutes < 60:
                return Parsed(time(hours, minutes).strftime("%H:%M"))
        return self.refused(field)

    def read_stored(self, raw: Any) -> Any:
        if not isinstance(raw, str) or len(raw) != 5:
            raise ValueError(self.name)
        return time.fromisoformat(raw)

    def display(
        self, field: FormField, value: Any, people: People | None = None, *, child: bool = False
    ) -> str:
        return "" if value is None else value.strftime("%H:%M")

    def kind(self, field: FormField) -> Kind:
        return Kind("time")


class Number(FieldType):
    name = "number"
    component = "govukInput"
    keys = frozenset({"min", "max"})
    input_options: ClassVar[Mapping[str, Any]] = {
        "inputmode": "decimal",
        "classes": "govuk-input--width-10",
        "spellcheck": False,
    }
    invalid = N_("{Name} must be a number")
    DIGITS = 15  # what a float holds exactly: more is a typing slip, and would not round-trip
    _NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")

    def parse(self, field: FormField, raw: Any, allowed: Collection[str] | None = None) -> Parsed:
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            return Parsed()
        if not self._NUMBER.fullmatch(text):
            return self.refused(field)
        digits = sum(character.isdigit() for character in text)
        if digits > self.DIGITS:
            return Parsed(error=fill(N_("{Name} must have {n} digits or fewer"), field, n=str(self.DIGITS)))
        plain = text.replace(",", "")
        return Parsed(float(plain) if "." in plain else int(plain))

    def to_input(self, value: Any) -> Any:
        if value is None:
            return ""
        # Every digit the value holds and no exponent, so parse reads back the same number.
        return format(Decimal(repr(value)), "f") if isinstance(value, float) else str(value)

    def read_stored(self, raw: Any) -> Any:
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise TypeError(self.name)
        if not math.isfinite(raw) or abs(raw) >= 10**self.DIGITS:
            raise ValueError(self.name)
        return raw

    def constraint(self, field: FormField, value: Any, checks: Checks) -> str | None:
        if field.min is not None and value < field.min:
            return fill(N_("{Name} must be {n} or more"), field, n=f"{field.min:g}")
        if field.max is not None and value > field.max:
            return fill(N_("{Name} must be {n} or less"), field, n=f"{field.max:g}")
        return None

    def display(
        self, field: FormField, value: Any, people: People | None = None, *, child: bool = False
    ) -> str:
        return self.to_input(value)

    def kind(self, field: FormField) -> Kind:
        return Kind("number")


class Group(FieldType):
    """A repeatable list of items (people, agencies, visits), each answering the group's own fields."""

    name = "group"
    keys = frozenset({"fields", "item_name", "item_label", "columns", "min_items"})
    missing = N_("Add {name}")
    invalid = N_("{Name} must be a list")
    blank_input = []  # noqa: RUF012 - never mutated

    def spec_problem(self, field: FormField) -> str | None:
        return None if field.fields else "a group needs fields: the fields of each item"

    def read_stored(self, raw: Any) -> Any:
        if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
            raise TypeError(self.name)
        return raw

    def display(
        self, field: FormField, value: Any, people: People | None = None, *, child: bool = False
    ) -> str:
        return "" if value is None else str(len(value))

    def kind(self, field: FormField) -> Kind:
        return Kind("group")


TYPES: dict[str, FieldType] = {kind.name: kind for kind in (
    Text(), LongText(), Upn(), YesNo(), SingleChoice(), MultipleChoice(), Date(), Time(), Number(), Group()
)}  # fmt: skip
TYPE_KEYS: frozenset[str] = frozenset().union(*(kind.keys for kind in TYPES.values()))


def field_type(field: FormField) -> FieldType:
    return TYPES[field.type]


# --- stored answers, whatever their type ---------------------------------------------------------


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, list) and not raw)


def typed_value(field: FormField, raw: Any) -> Any:
    """The typed answer (str, bool, date, time, number, list), None when blank, or Invalid."""
    if is_blank(raw):
        return None
    kind = field_type(field)
    try:
        return kind.read_stored(raw)
    except dates.OutOfRange:
        return Invalid(fill(N_("{Name} must be {range}"), field, range=_(dates.RANGE_TEXT)))
    except (TypeError, ValueError):
        return Invalid(fill(kind.invalid, field))


def missing_message(field: FormField) -> str:
    return _(field.error) if field.error else fill(field_type(field).missing, field)


def display(field: FormField, value: Any, people: People | None = None, *, child: bool = False) -> str:
    """A typed answer as text. `people` names the items a `choices_from` field points at."""
    return field_type(field).display(field, value, people, child=child)
