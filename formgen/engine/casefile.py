"""Case files: a household, its children and their answers, as JSON (for examples, import and export).

Their shape is published as docs/case-file.schema.json (`formgen case-schema` writes it); older
formats are converted on reading (formgen.engine.case_formats).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
    field_validator,
)

from formgen.capabilities import Capability
from formgen.display import clean_text
from formgen.engine import written_in
from formgen.engine.assessment import Assessment
from formgen.engine.case_formats import FORMAT, FormatError, upgraded
from formgen.engine.distribution import Interpretation, Recipient, Sending, Withholding
from formgen.engine.interpretations import interpretation_problem
from formgen.engine.review import Allocation, Decision, PlanReview, Review
from formgen.engine.withholding import withholding_problem
from formgen.fieldtypes import Invalid, typed_value
from formgen.spec.form import FieldInfo, FormSpec
from formgen.spec.problems import Problem, SpecError, describe_path

ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Reference = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
# An answer as JSON holds it: what each field type stores (docs/form-specs.md), null for none.
Scalar = StrictStr | StrictBool | StrictInt | Annotated[float, AllowInfNan(False)] | None
ItemAnswers = dict[StrictStr, Scalar | list[StrictStr]]
Answer = Scalar | list[StrictStr] | list[ItemAnswers]
# Beside the answers, under written_in.KEY, the language each free-text answer was said to be in: the
# one object among them, which the published schema allows under that name only.
WrittenIn = dict[StrictStr, Annotated[str, StringConstraints(pattern=written_in.TAG)]]
Answers = Annotated[
    dict[StrictStr, Answer | WrittenIn],
    WithJsonSchema(
        {
            **TypeAdapter(dict[StrictStr, Answer]).json_schema(),
            "properties": {written_in.KEY: TypeAdapter(WrittenIn).json_schema()},
            "title": "Answers",
        }
    ),
]


def _clean(value: Any) -> Any:
    """Answers as the pages would have saved them: text without control characters (see clean_text)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    return value


class ChildRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ItemId
    answers: Answers = Field(default_factory=dict)
    review: Review = Field(default_factory=Review)
    decisions: list[Decision] = Field(default_factory=list)  # who recorded the child's manager decisions

    _clean_answers = field_validator("answers", mode="after")(_clean)


class CaseFile(BaseModel):
    """One household's case: shared household answers and one record of answers per child (B1)."""

    model_config = ConfigDict(extra="forbid", title="formgen case file")

    format: Literal[FORMAT] = FORMAT  # type: ignore[valid-type] - a constant, which Literal takes
    reference: Reference
    allocation: Allocation | None = None  # None in a file that was never allocated (an example)
    household: Answers = Field(default_factory=dict)
    decisions: list[Decision] = Field(default_factory=list)  # who recorded the household's decisions
    plan_reviews: list[PlanReview] = Field(default_factory=list)
    children: list[ChildRecord] = Field(default_factory=list)
    distribution: list[Recipient] = Field(default_factory=list)  # who the plan and outcome go to
    withheld: list[Withholding] = Field(default_factory=list)  # answers kept from named recipients
    circulation: list[Sending] = Field(default_factory=list)  # every copy sent, oldest first
    interpretations: list[Interpretation] = Field(default_factory=list)  # interpreters' translations

    _clean_household = field_validator("household", mode="after")(_clean)

    def child(self, child_id: str) -> ChildRecord:
        for child in self.children:
            if child.id == child_id:
                return child
        known = ", ".join(child.id for child in self.children)
        raise KeyError(f"case {self.reference} has no child {child_id!r} (it has: {known})")

    def recipient(self, recipient_id: str) -> Recipient:
        for recipient in self.distribution:
            if recipient.id == recipient_id:
                return recipient
        known = ", ".join(recipient.id for recipient in self.distribution) or "none"
        raise KeyError(f"case {self.reference} has no recipient {recipient_id!r} (it has: {known})")

    def assessment(self, form: FormSpec, child_id: str, *, today: date) -> Assessment:
        return Assessment(form, self.household, self.child(child_id).answers, today=today)

    def to_json(self) -> str:
        return (
            json.dumps(self.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False) + "\n"
        )


def load_case(path: Path) -> CaseFile:
    """Read a case file; a problem is reported with the file and the place in it."""
    label = str(path)
    try:
        return parse_case(path.read_bytes(), label)
    except FileNotFoundError:
        raise SpecError([Problem(label, None, "", "file not found")]) from None
    except OSError as error:
        raise SpecError([Problem(label, None, "", f"cannot read: {error.strerror}")]) from None


def parse_case(content: bytes, label: str) -> CaseFile:
    """A case file from its bytes, converted from an older format; every problem located in `label`."""
    try:
        data = json.loads(content.decode("utf-8"), parse_constant=_not_json)
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise SpecError([Problem(label, line, "", "not UTF-8 text: save the file as UTF-8")]) from None
    except json.JSONDecodeError as error:
        raise SpecError([Problem(label, error.lineno, "", f"not valid JSON: {error.msg}")]) from None
    except RecursionError:
        raise SpecError([Problem(label, None, "", "not a case file: nested too deeply")]) from None
    if not isinstance(data, dict):
        raise SpecError([Problem(label, 1, "", "not a case file: expected a JSON object")])
    try:
        return CaseFile.model_validate(upgraded(data))
    except FormatError as error:
        raise SpecError([Problem(label, None, "format", str(error))]) from None
    except ValidationError as error:
        problems = [Problem(label, None, describe_path(item["loc"]), item["msg"]) for item in error.errors()]
        raise SpecError(problems) from None


def _not_json(constant: str) -> Any:
    # Python reads NaN and Infinity, which JSON (and PostgreSQL) do not allow.
    raise json.JSONDecodeError(f"{constant} is not a JSON value", constant, 0)


def case_schema() -> dict[str, Any]:
    """The JSON Schema of today's case file, as docs/case-file.schema.json publishes it."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **CaseFile.model_json_schema(),
        "description": f"A household's case in {FORMAT}: shared household answers and each child's answers, "
        "keyed by the form's field ids (docs/form-specs.md). formgen converts older formats on import.",
    }


def answer_problems(form: FormSpec, case: CaseFile, label: str) -> list[Problem]:
    """Answers that do not belong to the form, or cannot be read as their field's type.

    This is about the file's shape, not completeness: an unfinished assessment has no problems here.
    """
    problems = list(_scope_problems(form, case.household, "household", ("household",), label))
    problems.extend(
        _decision_problems(form, case.decisions, case.household, "household", ("decisions",), label)
    )
    seen: set[str] = set()
    for index, child in enumerate(case.children):
        if child.id in seen:
            problems.append(
                Problem(label, None, f"children[{index}].id", f"child id {child.id!r} is used twice")
            )
        seen.add(child.id)
        where = ("children", index, "answers")
        problems.extend(_scope_problems(form, child.answers, "child", where, label, case.household))
        where = ("children", index, "decisions")
        problems.extend(_decision_problems(form, child.decisions, child.answers, "child", where, label))
    problems.extend(_distribution_problems(form, case, label))
    for index, entry in enumerate(case.interpretations):
        problem = interpretation_problem(form, case, entry)
        if problem:
            problems.append(Problem(label, None, describe_path(("interpretations", index)), problem))
    return problems


def _distribution_problems(form: FormSpec, case: CaseFile, label: str) -> Iterator[Problem]:
    """Each recipient once, naming a person and children the case has; each withholding fitting the
    form and the case; each copy sent, a recipient's."""
    people = {str(item.get("id")) for item in case.household.get("household_members") or []}
    children = {child.id for child in case.children}
    ids: set[str] = set()
    for index, recipient in enumerate(case.distribution):
        place = describe_path(("distribution", index))
        if recipient.id in ids:
            yield Problem(label, None, f"{place}.id", f"recipient id {recipient.id!r} is used twice")
        ids.add(recipient.id)
        if recipient.person is not None and recipient.person not in people:
            yield Problem(label, None, f"{place}.person", f"{recipient.person!r} is not in household_members")
        if recipient.person is None and not recipient.name.strip():
            yield Problem(label, None, f"{place}.name", "someone outside the household needs a name")
        for child in recipient.children:
            if child not in children:
                yield Problem(label, None, f"{place}.children", f"the case has no child {child!r}")
    for index, withholding in enumerate(case.withheld):
        problem = withholding_problem(form, case, withholding)
        if problem:
            yield Problem(label, None, describe_path(("withheld", index)), problem)
    for index, sending in enumerate(case.circulation):
        place = describe_path(("circulation", index))
        if sending.recipient not in ids:
            yield Problem(
                label, None, f"{place}.recipient", f"{sending.recipient!r} is not on the distribution list"
            )
        if sending.child not in children:
            yield Problem(label, None, f"{place}.child", f"the case has no child {sending.child!r}")


def _decision_problems(
    form: FormSpec,
    decisions: list[Decision],
    answers: Mapping[str, Any],
    scope: str,
    where: tuple,
    label: str,
) -> Iterator[Problem]:
    """A decision's record must name a manager's decision of its own scope (and an item that exists)."""
    for index, decision in enumerate(decisions):
        place = describe_path((*where, index))
        info = form.fields.get(decision.field)
        if info is None or info.field.answered_by != Capability.RECORD_MANAGER_DECISION:
            yield Problem(label, None, place, f"{decision.field!r} is not a decision reserved to a manager")
        elif info.section.scope != scope:
            yield Problem(label, None, place, f"{decision.field!r} is not answered for the {scope}")
        elif (info.group is None) != (decision.item is None) or (
            info.group is not None
            and decision.item not in {str(item.get("id")) for item in answers.get(info.group.id) or []}
        ):
            yield Problem(
                label,
                None,
                place,
                f"the decision names no item of {info.group.id if info.group else 'a list'}",
            )


def _scope_problems(
    form: FormSpec,
    answers: Mapping[str, Any],
    scope: str,
    where: tuple,
    label: str,
    household: Mapping[str, Any] | None = None,
) -> Iterator[Problem]:
    """`household`, for a child's answers: the household's, whose lists' items a child's answers to the
    `per_child` questions name."""
    fields = {info.field.id: info for info in form.top_fields() if info.section.scope == scope}
    for key, raw in answers.items():
        place = describe_path((*where, key))
        if key == written_in.KEY:
            yield from (Problem(label, None, place, message) for message in written_in.problems(fields, raw))
            continue
        info = fields.get(key)
        if info is None and household is not None and key in form.per_child:
            yield from _per_child_problems(form, form.info(key), raw, household.get(key), place, label)
            continue
        if info is None:
            yield Problem(label, None, place, f"{key!r} is not a question of a {scope} section")
            continue
        yield from _value_problems(form, info, raw, place, label)


def _per_child_problems(
    form: FormSpec, group: FieldInfo, raw: Any, household_items: Any, place: str, label: str
) -> Iterator[Problem]:
    """A child's answers to a household list's `per_child` questions: a list of entries, each naming an
    item of the household's list by its `id`, holding only those questions' answers."""
    if not isinstance(raw, list):
        yield Problem(label, None, place, f"must be a list of this child's answers about {group.field.id}")
        return
    per_child = form.per_child[group.field.id]
    items = {str(item.get("id")) for item in household_items or [] if isinstance(item, Mapping)}
    fields = {info.field.id: info for info in form.item_fields(group.field)}
    ids: set[str] = set()
    for index, entry in enumerate(raw):
        entry_place = f"{place}[{index}]"
        if not isinstance(entry, Mapping):
            yield Problem(label, None, entry_place, "each entry must be an object with the `id` of an item")
            continue
        item_id = entry.get("id")
        if not isinstance(item_id, str) or item_id in ids:
            yield Problem(label, None, entry_place, "each entry needs the text `id` of an item, once")
        elif item_id not in items:
            yield Problem(
                label, None, entry_place, f"{item_id!r} is not an item of the household's {group.field.id}"
            )
        ids.add(str(item_id))
        for key, value in entry.items():
            if key == "id":
                continue
            if key not in per_child:
                message = (
                    f"{key!r} is answered once for the household, not for each child"
                    if key in fields
                    else f"{key!r} is not a field of {group.field.id}"
                )
                yield Problem(label, None, f"{entry_place}.{key}", message)
                continue
            yield from _value_problems(form, fields[key], value, f"{entry_place}.{key}", label)


def _value_problems(form: FormSpec, info: FieldInfo, raw: Any, place: str, label: str) -> Iterator[Problem]:
    value = typed_value(info.field, raw)
    if isinstance(value, Invalid):
        yield Problem(label, None, place, f"{value.message} (found {raw!r})")
        return
    if info.field.type != "group" or value is None:
        return
    item_fields = {item.field.id: item for item in form.item_fields(info.field)}
    ids: set[str] = set()
    for index, item in enumerate(value):
        item_place = f"{place}[{index}]"
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id or item_id in ids:
            yield Problem(label, None, item_place, "each item needs its own text `id`")
        ids.add(str(item_id))
        for key, item_raw in item.items():
            if key == "id":
                continue
            if key not in item_fields:
                yield Problem(
                    label, None, f"{item_place}.{key}", f"{key!r} is not a field of {info.field.id}"
                )
                continue
            if item_fields[key].field.per_child and info.section.scope == "household":
                message = f"{key!r} is answered for each child: it belongs in each child's answers"
                yield Problem(label, None, f"{item_place}.{key}", message)
                continue
            yield from _value_problems(form, item_fields[key], item_raw, f"{item_place}.{key}", label)
