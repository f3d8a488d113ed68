"""The shape of a form specification, validated when the YAML loads (see docs/form-specs.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from formgen import dates
from formgen.capabilities import Capability
from formgen.conditions import EMPTY_CONDITION
from formgen.fieldtypes import TYPE_KEYS, TYPES
from formgen.registry import DOCUMENTS, Audience


def _a_condition(value: object) -> object:
    """`show_if: ""` (or `show_if:` with nothing) is a slip, not a way of saying "always"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(EMPTY_CONDITION)
    return value


Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
RequirementId = Annotated[str, StringConstraints(pattern=r"^[A-K][0-9]+$")]
Text = Annotated[str, StringConstraints(min_length=1)]
FieldTypeName = Literal[tuple(TYPES)]  # the names in the one table of field types
ConditionText = Annotated[str, BeforeValidator(_a_condition)]
# The check runs before None is allowed: only a key left out means "no condition".
OptionalCondition = Annotated[str | None, BeforeValidator(_a_condition)]
# The capabilities that answer questions: a practitioner's, the manager's review, a manager's decision.
Answerer = Annotated[
    Literal["edit_assessment", "approve", "record_manager_decision"], AfterValidator(Capability)
]
DocumentKind = Literal[tuple(DOCUMENTS)]  # the documents of the one registry
AudienceName = Literal[tuple(Audience)]
Scope = Literal["child", "household"]
Nation = Literal["ENG", "WLS", "SCT", "NIR"]


def _accepted(day: date) -> date:
    if not dates.in_range(day):
        raise ValueError(f"{day.isoformat()} is not {dates.RANGE_TEXT}")
    return day


AcceptedDate = Annotated[date, AfterValidator(_accepted)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Choice(_Strict):
    value: Text
    label: Text
    hint: str | None = None
    child_wording: str | None = None
    # Why a decision of this choice was made, in words for the child: their version prints it (K3).
    child_reason: str | None = None


class Within(_Strict):
    """A date that must fall within some months either side of another date (`of`, a field id)."""

    months: int = Field(gt=0, le=120)
    of: Identifier


class FormField(_Strict):
    id: Identifier
    type: FieldTypeName
    label: Text
    # The statement that names the answer in documents and summaries ("Lead practitioner's phone"),
    # and heads its column when the field is a list item's: one label for every place an answer is
    # printed without its question. Without one the question is printed, and `formgen check` says so.
    record_label: Annotated[str, StringConstraints(min_length=1, max_length=80)] | None = None
    hint: str | None = None
    name: str | None = None
    error: str | None = None
    required: bool = False
    required_if: OptionalCondition = None
    show_if: OptionalCondition = None
    hidden: bool = False  # set by an authority overlay: never asked, checked or printed
    req: list[RequirementId] = Field(default_factory=list)
    documents: list[DocumentKind] | None = None
    # Who a document that leaves the authority may print it for; none given: the record only (F5, I5).
    audience: list[AudienceName] | None = None
    child_wording: str | None = None
    # This free-text answer is, in words for the child, what the named field on its page says: the
    # child's version prints it in that field's place, so the practitioner's notes never reach them (K3).
    for_child_of: Identifier | None = None
    answered_by: Answerer = Capability.EDIT_ASSESSMENT  # who answers: a practitioner unless the spec says
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
    within: Within | None = None
    fields: list[FormField] | None = None
    item_name: str | None = None
    item_label: str | None = None
    columns: list[Identifier] | None = None
    min_items: int | None = Field(default=None, ge=0)
    # An item's question answered for each child of the household (their relationship to each), not once.
    per_child: bool = False

    @property
    def document_label(self) -> str:
        """How documents name the answer: its record label, or (until it has one) its question."""
        return self.record_label or self.label

    @model_validator(mode="after")
    def _keys_fit_the_type(self) -> FormField:
        if self.required and self.required_if:
            raise ValueError("give either required or required_if, not both")
        kind = TYPES[self.type]
        for key in sorted(TYPE_KEYS - kind.keys):
            if getattr(self, key) not in (None, False, []):
                raise ValueError(f"{key!r} does not apply to a {self.type} field")
        problem = kind.spec_problem(self)
        if problem:
            raise ValueError(problem)
        return self


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
    # The DfE's 3-digit local authority number, the Children in Need census's <LEA> (England only).
    la_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{3}$")] | None = None
    closure_days: list[AcceptedDate] = Field(default_factory=list)
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
