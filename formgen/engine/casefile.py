"""Case files: a household, its children and their answers, as JSON (for examples, import and export)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from formgen.engine.assessment import Assessment
from formgen.fieldtypes import Invalid, typed_value
from formgen.spec.form import FieldInfo, FormSpec
from formgen.spec.problems import Problem, SpecError, describe_path

FORMAT = "formgen-case/1"
ItemId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class ChildRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: ItemId
    answers: dict[str, Any] = Field(default_factory=dict)


class CaseFile(BaseModel):
    """One household's case: shared household answers and one record of answers per child (B1)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["formgen-case/1"] = FORMAT
    reference: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    household: dict[str, Any] = Field(default_factory=dict)
    children: list[ChildRecord] = Field(min_length=1)

    def child(self, child_id: str) -> ChildRecord:
        for child in self.children:
            if child.id == child_id:
                return child
        known = ", ".join(child.id for child in self.children)
        raise KeyError(f"case {self.reference} has no child {child_id!r} (it has: {known})")

    def assessment(self, form: FormSpec, child_id: str, *, today: date) -> Assessment:
        return Assessment(form, self.household, self.child(child_id).answers, today=today)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def load_case(path: Path) -> CaseFile:
    """Read a case file; a problem is reported with the file and the place in it."""
    label = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError([Problem(label, None, "", "file not found")]) from None
    except json.JSONDecodeError as error:
        raise SpecError([Problem(label, error.lineno, "", f"not valid JSON: {error.msg}")]) from None
    try:
        return CaseFile.model_validate(data)
    except ValidationError as error:
        problems = [Problem(label, None, describe_path(item["loc"]), item["msg"]) for item in error.errors()]
        raise SpecError(problems) from None


def answer_problems(form: FormSpec, case: CaseFile, label: str) -> list[Problem]:
    """Answers that do not belong to the form, or cannot be read as their field's type.

    This is about the file's shape, not completeness: an unfinished assessment has no problems here.
    """
    problems = list(_scope_problems(form, case.household, "household", ("household",), label))
    seen: set[str] = set()
    for index, child in enumerate(case.children):
        if child.id in seen:
            problems.append(
                Problem(label, None, f"children[{index}].id", f"child id {child.id!r} is used twice")
            )
        seen.add(child.id)
        problems.extend(_scope_problems(form, child.answers, "child", ("children", index, "answers"), label))
    return problems


def _scope_problems(
    form: FormSpec, answers: Mapping[str, Any], scope: str, where: tuple, label: str
) -> Iterator[Problem]:
    fields = {info.field.id: info for info in form.top_fields() if info.section.scope == scope}
    for key, raw in answers.items():
        place = describe_path((*where, key))
        info = fields.get(key)
        if info is None:
            yield Problem(label, None, place, f"{key!r} is not a question of a {scope} section")
            continue
        yield from _value_problems(form, info, raw, place, label)


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
            yield from _value_problems(form, item_fields[key], item_raw, f"{item_place}.{key}", label)
