"""The thin field layer: a spec field as its govuk-frontend-jinja component's parameters.

The field's type (formgen.fieldtypes) names the component and its options; Python builds the
parameters (tested without a browser) and `templates/macros/fields.html` only hands them to the macro.
No `required` attributes (the server validates), no empty hints, and a date's error links to its first
wrong part.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from formgen.fieldtypes import Date, field_type
from formgen.i18n import N_, _
from formgen.spec.form import FieldInfo
from formgen.spec.model import FormField

FIELDSETS = {"govukRadios", "govukCheckboxes", "govukDateInput"}  # asked with a legend, not a label
_PART_LABELS = {"day": N_("Day"), "month": N_("Month"), "year": N_("Year")}


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
    lang: str | None = None  # the language its answer was written in, when not the page's

    @property
    def field(self) -> FormField:
        return self.info.field

    @property
    def id(self) -> str:
        return f"{self.id_prefix}{self.field.id}"

    @property
    def component(self) -> str | None:
        return field_type(self.field).component

    @property
    def anchor(self) -> str:
        """Where the error summary links: a date's first wrong part, else the first input."""
        if self.component == "govukDateInput":
            return f"{self.id}-{self.error_part or 'day'}"
        return self.id


def read_raw(field: FormField, form: MultiDict, name: str) -> Any:
    """The raw strings a field's inputs submitted, as its type's parse takes them."""
    return field_type(field).read_input(form, name)


def params(view: FieldView, render: Callable[[FieldView], Markup]) -> dict[str, Any]:
    """The component's parameters; `render` turns a revealed field into its HTML."""
    field = view.field
    kind = field_type(field)
    common: dict[str, Any] = {"id": view.id, "name": view.id}
    hint = field.hint or kind.default_hint
    if hint:
        common["hint"] = {"text": _(hint)}
    if view.error:
        common["errorMessage"] = {"text": view.error, "visuallyHiddenText": _("Error")}
    if kind.component in {"govukRadios", "govukCheckboxes"}:
        return _choices(view, common, render)
    if kind.component == "govukDateInput":
        return _date(view, common)
    label = {"text": label_text(field), "isPageHeading": view.heading, "classes": _label_size(view, "label")}
    if view.lang:
        common["attributes"] = {"lang": view.lang}
    return {**common, "label": label, "value": view.raw or "", **kind.input_options}


def _label_size(view: FieldView, kind: str) -> str:
    size = "l" if view.heading else "m" if view.component in FIELDSETS else "s"
    return f"govuk-{kind}--{size}" if kind == "label" else f"govuk-fieldset__legend--{size}"


def label_text(field: FormField) -> str:
    """The question as its label shows it, in the language being spoken: GOV.UK marks a question that
    needs no answer "(optional)"."""
    optional = not field.required and field.required_if is None and field.type != "group"
    label = _(field.label)
    return _("%(question)s (optional)", question=label) if optional else label


def _fieldset(view: FieldView) -> dict[str, Any]:
    return {
        "legend": {
            "text": label_text(view.field),
            "isPageHeading": view.heading,
            "classes": _label_size(view, "legend"),
        }
    }


def _choices(
    view: FieldView, common: dict[str, Any], render: Callable[[FieldView], Markup]
) -> dict[str, Any]:
    field = view.field
    options = field_type(field).options(field, view.people)
    chosen = view.raw if isinstance(view.raw, list) else [view.raw]
    items: list[dict[str, Any]] = []
    for value, text, hint in options:
        if value in field.exclusive and items:
            items.append({"divider": _("or")})
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
    if field_type(field).inline and not view.reveals:
        result["classes"] = "govuk-radios--inline"
    return result


def _date(view: FieldView, common: dict[str, Any]) -> dict[str, Any]:
    raw = view.raw if isinstance(view.raw, dict) else {}
    widths = {"day": 2, "month": 2, "year": 4}
    items = []
    for part in Date.PARTS:
        wrong = view.error is not None and view.error_part in (None, part)
        classes = f"govuk-input--width-{widths[part]}" + (" govuk-input--error" if wrong else "")
        items.append(
            {"name": part, "label": _(_PART_LABELS[part]), "classes": classes, "value": raw.get(part, "")}
        )
    return {**common, "namePrefix": view.id, "fieldset": _fieldset(view), "items": items}
