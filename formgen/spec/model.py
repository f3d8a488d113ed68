"""The shape of a form specification, validated when the YAML loads (see docs/form-specs.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from formgen.conditions import EMPTY_CONDITION


def _a_condition(value: object) -> object:
    """`show_if: ""` (or `show_if:` with nothing) is a slip, not a way of saying "always"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(EMPTY_CONDITION)
    return value


Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
RequirementId = Annotated[str, StringConstraints(pattern=r"^[A-K][0-9]+$")]
Text = Annotated[str, StringConstraints(min_length=1)]
ConditionText = Annotated[str, BeforeValidator(_a_condition)]
# The check runs before None is allowed: only a key left out means "no condition".
OptionalCondition = Annotated[str | None, BeforeValidator(_a_condition)]
FieldType = Literal[
    "text", "long_text", "yes_no", "single_choice", "multiple_choice", "date", "time", "number", "group"
]
DocumentKind = Literal["record", "plan", "child"]
Scope = Literal["child", "household"]
Nation = Literal["ENG", "WLS", "SCT", "NIR"]

CHOICE_TYPES = {"single_choice", "multiple_choice"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Choice(_Strict):
    value: Text
    label: Text
    hint: str | None = None
    child_wording: str | None = None


class FormField(_Strict):
    id: Identifier
    type: FieldType
    label: Text
    short_label: str | None = None  # a column heading in documents' tables, where a question is too long
    hint: str | None = None
    name: str | None = None
    error: str | None = None
    required: bool = False
    required_if: OptionalCondition = None
    show_if: OptionalCondition = None
    hidden: bool = False  # set by an authority overlay: never asked, checked or printed
    req: list[RequirementId] = Field(default_factory=list)
    documents: list[DocumentKind] | None = None
    child_wording: str | None = None
    manager_only: bool = False
    confidential: bool = False
    confidential_from: Identifier | None = None
    chronology: str | None = None
    choices: list[Choice] | None = None
    choice_list: Identifier | None = None
    choices_from: Identifier | None = None
    exclusive: list[str] = Field(default_factory=list)
    min: float | None = None
    max: float | None = None
    max_length: int | None = Field(default=None, gt=0)
    not_future: bool = False
    fields: list[FormField] | None = None
    item_name: str | None = None
    item_label: str | None = None
    columns: list[Identifier] | None = None
    min_items: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _keys_fit_the_type(self) -> FormField:
        if self.required and self.required_if:
            raise ValueError("give either required or required_if, not both")
        sources = [
            key for key in ("choices", "choice_list", "choices_from") if getattr(self, key) is not None
        ]
        if self.type in CHOICE_TYPES and len(sources) != 1:
            raise ValueError(f"a {self.type} field needs exactly one of choices, choice_list, choices_from")
        _only_for(self, self.type in CHOICE_TYPES, "choices", "choice_list", "choices_from")
        _only_for(self, self.type == "multiple_choice", "exclusive")
        _only_for(self, self.type == "number", "min", "max")
        _only_for(self, self.type in {"text", "long_text"}, "max_length")
        _only_for(self, self.type == "date", "not_future", "chronology")
        _only_for(self, self.type == "group", "item_name", "item_label", "columns", "min_items")
        if self.type == "group" and not self.fields:
            raise ValueError("a group needs fields: the fields of each item")
        _only_for(self, self.type == "group", "fields")
        if self.choices is not None:
            values = [choice.value for choice in self.choices]
            if len(set(values)) != len(values):
                raise ValueError("choice values must be unique")
        return self


def _only_for(field: FormField, allowed: bool, *keys: str) -> None:
    if allowed:
        return
    for key in keys:
        value = getattr(field, key)
        if value not in (None, False, []):
            raise ValueError(f"{key!r} does not apply to a {field.type} field")


class Page(_Strict):
    id: Identifier
    title: Text
    show_if: OptionalCondition = None
    fields: list[FormField] = Field(min_length=1)


class Rule(_Strict):
    id: Identifier
    field: Identifier
    error_if: ConditionText
    message: Text
    req: list[RequirementId] = Field(default_factory=list)


class Section(_Strict):
    id: Identifier
    title: Text
    task: str | None = None
    scope: Scope
    show_if: OptionalCondition = None
    documents: list[DocumentKind] = Field(default_factory=lambda: ["record"])
    req: list[RequirementId] = Field(default_factory=list)
    pages: list[Page] = Field(min_length=1)
    rules: list[Rule] = Field(default_factory=list)


class ChoiceListSource(_Strict):
    file: Text
    value: Text
    label: Text
    hint: str | None = None


class Manifest(_Strict):
    id: Identifier
    title: Text
    sections: list[Text] = Field(min_length=1)
    choice_lists: dict[Identifier, ChoiceListSource] = Field(default_factory=dict)


class Authority(_Strict):
    name: Text
    nation: Nation = "ENG"
    closure_days: list[date] = Field(default_factory=list)
    phone: str = ""
    email: str = ""
    address: str = ""


class Overlay(_Strict):
    authority: Authority
    edition: str | None = None
    changes: list[dict] = Field(default_factory=list)

    @field_validator("changes", mode="before")
    @classmethod
    def _no_changes(cls, value: object) -> object:
        return [] if value is None else value  # `changes:` left empty means none
