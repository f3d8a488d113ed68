"""The thin field layer: each spec field type mapped to its govuk-frontend-jinja component.

Python builds the component's parameters (tested without a browser); `templates/macros/fields.html`
only hands them to the macro. No `required` attributes (the server validates), no empty hints, and a
date's error links to its first wrong part.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from formgen.engine.inputs import DATE_PARTS
from formgen.spec.form import FieldInfo
from formgen.spec.model import FormField

COMPONENTS = {
    "text": "govukInput",
    "number": "govukInput",
    "time": "govukInput",
    "long_text": "govukTextarea",
    "yes_no": "govukRadios",
    "single_choice": "govukRadios",
    "multiple_choice": "govukCheckboxes",
    "date": "govukDateInput",
}


@dataclass
class FieldView:
    """One question as a page shows it: what is typed in it, its message, and what is revealed under it."""

    info: FieldInfo
    raw: Any
    error: str | None = None
    error_part: str | None = None
    heading: bool = False
    id_prefix: str = ""
    reveals: dict[str, list[FieldView]] = field(default_factory=dict)
    people: Mapping[str, str] = field(default_factory=dict)  # item id -> name, for choices_from

    @property
    def field(self) -> FormField:
        return self.info.field

    @property
    def id(self) -> str:
        return f"{self.id_prefix}{self.field.id}"

    @property
    def component(self) -> str:
        return COMPONENTS[self.field.type]

    @property
    def anchor(self) -> str:
        """Where the error summary links: a date's first wrong part, else the first input."""
        if self.field.type == "date":
            return f"{self.id}-{self.error_part or 'day'}"
        return self.id


def read_raw(field: FormField, form: MultiDict, name: str) -> Any:
    """The raw strings a field's inputs submitted, as engine.inputs.parse takes them."""
    if field.type == "date":
        return {part: form.get(f"{name}-{part}", "") for part in DATE_PARTS}
    if field.type == "multiple_choice":
        return form.getlist(name)
    return form.get(name, "")


def params(view: FieldView, render: Callable[[FieldView], Markup]) -> dict[str, Any]:
    """The component's parameters; `render` turns a revealed field into its HTML."""
    field = view.field
    common: dict[str, Any] = {"id": view.id, "name": view.id}
    if field.hint:
        common["hint"] = {"text": field.hint}
    if view.error:
        common["errorMessage"] = {"text": view.error}
    if field.type in {"yes_no", "single_choice", "multiple_choice"}:
        return _choices(view, common, render)
    if field.type == "date":
        return _date(view, common)
    label = {"text": field.label, "isPageHeading": view.heading, "classes": _label_size(view, "label")}
    extra: dict[str, Any] = {"label": label, "value": view.raw or ""}
    if field.type == "long_text":
        extra["rows"] = 6
        extra["spellcheck"] = True
    elif field.type == "number":
        extra.update(inputmode="decimal", classes="govuk-input--width-10", spellcheck=False)
    elif field.type == "time":
        extra.update(classes="govuk-input--width-5", spellcheck=False)
        common.setdefault("hint", {"text": "Use the 24-hour clock, for example 14:30"})
    return {**common, **extra}


def _label_size(view: FieldView, kind: str) -> str:
    size = (
        "l"
        if view.heading
        else "m"
        if view.field.type in {"yes_no", "single_choice", "multiple_choice", "date"}
        else "s"
    )
    return f"govuk-{kind}--{size}" if kind == "label" else f"govuk-fieldset__legend--{size}"


def _fieldset(view: FieldView) -> dict[str, Any]:
    return {
        "legend": {
            "text": view.field.label,
            "isPageHeading": view.heading,
            "classes": _label_size(view, "legend"),
        }
    }


def _choices(
    view: FieldView, common: dict[str, Any], render: Callable[[FieldView], Markup]
) -> dict[str, Any]:
    field = view.field
    if field.type == "yes_no":
        options = [("yes", "Yes", None), ("no", "No", None)]
    elif field.choices_from is not None:
        options = [(value, name, None) for value, name in view.people.items()]
    else:
        options = [(choice.value, choice.label, choice.hint) for choice in field.choices or []]
    chosen = view.raw if isinstance(view.raw, list) else [view.raw]
    items: list[dict[str, Any]] = []
    for value, text, hint in options:
        if value in field.exclusive and items:
            items.append({"divider": "or"})
        item: dict[str, Any] = {"value": value, "text": text, "checked": value in chosen}
        if hint:
            item["hint"] = {"text": hint}
        if value in field.exclusive:
            item["behaviour"] = "exclusive"
        revealed = view.reveals.get(value)
        if revealed:
            item["conditional"] = {"html": Markup("").join(render(child) for child in revealed)}
        items.append(item)
    result = {**common, "idPrefix": view.id, "fieldset": _fieldset(view), "items": items}
    del result["id"]
    if field.type == "yes_no" and not view.reveals:
        result["classes"] = "govuk-radios--inline"
    return result


def _date(view: FieldView, common: dict[str, Any]) -> dict[str, Any]:
    raw = view.raw if isinstance(view.raw, dict) else {}
    widths = {"day": 2, "month": 2, "year": 4}
    items = []
    for part in DATE_PARTS:
        wrong = view.error is not None and view.error_part in (None, part)
        classes = f"govuk-input--width-{widths[part]}" + (" govuk-input--error" if wrong else "")
        items.append(
            {"name": part, "label": part.capitalize(), "classes": classes, "value": raw.get(part, "")}
        )
    common.setdefault("hint", {"text": "For example, 27 3 2025"})
    return {**common, "namePrefix": view.id, "fieldset": _fieldset(view), "items": items}
