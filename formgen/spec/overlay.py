"""Authority overlays: relabel, rehint, hide or add fields and choices without touching the base spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from formgen.spec.form import Origin
from formgen.spec.model import Choice, FormField, Identifier, Page, Section, Text, _Strict
from formgen.spec.problems import Problem
from formgen.spec.reading import YamlFile


class Relabel(_Strict):
    field: str
    label: Text | None = None
    record_label: Text | None = None
    child_wording: Text | None = None


class Rehint(_Strict):
    field: str
    hint: str


class Hide(_Strict):
    field: str


class AddChoice(_Strict):
    field: str
    choice: Choice
    after: str | None = None


class HideChoice(_Strict):
    field: str
    value: str


class AddField(_Strict):
    field: FormField
    after: str | None = None  # a field id: the new field follows it
    page: Identifier | None = None  # a page id: the new field ends the page


OPERATIONS: dict[str, type[_Strict]] = {
    "relabel": Relabel,
    "rehint": Rehint,
    "hide": Hide,
    "add_choice": AddChoice,
    "hide_choice": HideChoice,
    "add_field": AddField,
}


class _Target(Exception):
    """A change names something the form does not have."""


class OverlayApplier:
    """Applies an overlay's changes in order; each bad change becomes a located Problem."""

    def __init__(self, sections: list[Section], origins: dict[int, Origin], document: YamlFile) -> None:
        self.sections = sections
        self.origins = origins
        self.document = document
        self.problems: list[Problem] = []

    def apply(self, changes: list[dict[str, Any]]) -> list[Problem]:
        for index, change in enumerate(changes):
            path: list[str | int] = ["changes", index]
            if not isinstance(change, dict) or len(change) != 1:
                self._fail(path, f"each change is one of: {', '.join(OPERATIONS)}")
                continue
            ((name, arguments),) = change.items()
            if name not in OPERATIONS:
                self._fail(path, f"unknown change {name!r} (known: {', '.join(OPERATIONS)})")
                continue
            path.append(name)
            try:
                operation = OPERATIONS[name].model_validate(arguments)
            except ValidationError as error:
                self.problems.extend(self.document.validation_problems(error, path))
                continue
            try:
                getattr(self, f"_{name}")(operation, path)
            except _Target as error:
                self._fail(path, str(error))
        return self.problems

    def _fail(self, path: list[str | int], message: str) -> None:
        self.problems.append(self.document.problem(path, message))

    # --- finding things -----------------------------------------------------------------------

    def _field(self, reference: str) -> FormField:
        """A field by id, or a group item's field as 'group.field'."""
        group_id, _, field_id = reference.rpartition(".")
        for page in self._pages():
            for field in page.fields:
                if not group_id and field.id == field_id:
                    return field
                if group_id and field.id == group_id:
                    for item in field.fields or []:
                        if item.id == field_id:
                            return item
        raise _Target(f"the form has no field {reference!r}")

    def _pages(self) -> list[Page]:
        return [page for section in self.sections for page in section.pages]

    def _choice_field(self, reference: str) -> FormField:
        field = self._field(reference)
        if field.choices is None:
            raise _Target(f"{reference!r} has no fixed list of choices to change")
        return field

    # --- the operations -----------------------------------------------------------------------

    def _relabel(self, change: Relabel, path: list[str | int]) -> None:
        field = self._field(change.field)
        field.label = change.label or field.label
        field.record_label = change.record_label or field.record_label
        field.child_wording = change.child_wording or field.child_wording

    def _rehint(self, change: Rehint, path: list[str | int]) -> None:
        self._field(change.field).hint = change.hint or None

    def _hide(self, change: Hide, path: list[str | int]) -> None:
        self._field(change.field).hidden = True

    def _add_choice(self, change: AddChoice, path: list[str | int]) -> None:
        field = self._choice_field(change.field)
        choices = field.choices or []
        if any(choice.value == change.choice.value for choice in choices):
            raise _Target(f"{change.field!r} already has the choice {change.choice.value!r}")
        position = len(choices)
        if change.after is not None:
            position = self._position(choices, change.after, change.field) + 1
        choices.insert(position, change.choice)

    def _hide_choice(self, change: HideChoice, path: list[str | int]) -> None:
        field = self._choice_field(change.field)
        choices = field.choices or []
        del choices[self._position(choices, change.value, change.field)]

    @staticmethod
    def _position(choices: list[Choice], value: str, field_id: str) -> int:
        for index, choice in enumerate(choices):
            if choice.value == value:
                return index
        raise _Target(f"{field_id!r} has no choice {value!r}")

    def _add_field(self, change: AddField, path: list[str | int]) -> None:
        if (change.after is None) == (change.page is None):
            raise _Target("say where the field goes: either after (a field id) or page (a page id)")
        self.origins[id(change.field)] = Origin(self.document.label, (*path, "field"))
        for item_index, item in enumerate(change.field.fields or []):
            self.origins[id(item)] = Origin(self.document.label, (*path, "field", "fields", item_index))
        insert = self._after_field(change.after) if change.after else self._end_of_page(change.page or "")
        insert(change.field)

    def _after_field(self, field_id: str) -> Callable[[FormField], None]:
        for page in self._pages():
            for index, field in enumerate(page.fields):
                if field.id == field_id:
                    return lambda new, fields=page.fields, at=index + 1: fields.insert(at, new)
        raise _Target(f"the form has no top-level field {field_id!r} to add after")

    def _end_of_page(self, page_id: str) -> Callable[[FormField], None]:
        for page in self._pages():
            if page.id == page_id:
                return page.fields.append
        raise _Target(f"the form has no page {page_id!r}")
