"""Load form_specs/: the manifest, its sections and choice lists, then the authority's overlay; check it all.

Every problem found is collected and reported together, each with its file, line and place, so an
author fixes a spec in one pass rather than one error at a time.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from formgen.conditions import Condition, ConditionError, Kind, UnusableName, check, parse
from formgen.fieldtypes import field_type
from formgen.registry import audiences_of
from formgen.spec import known_fields
from formgen.spec.form import DECISION, DERIVED_ANY, DERIVED_CHILD, CompiledRule, FieldInfo, FormSpec, Origin
from formgen.spec.model import Authority, Choice, FormField, Manifest, Overlay, Section
from formgen.spec.overlay import OverlayApplier
from formgen.spec.problems import PathPart, Problem, SpecError
from formgen.spec.reading import YamlFile, load_yaml, read_choice_list

MANIFEST = "assessment.yaml"
AUTHORITIES = "authorities"
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
NO_AUTHORITY = Authority(name="Local authority")
Model = TypeVar("Model", bound=BaseModel)


def load_spec(spec_dir: Path, authority: str | None = "general") -> FormSpec:
    """Load and check the form in `spec_dir`, adapted by `authorities/<authority>.yaml` (None: base only)."""
    problems: list[Problem] = []
    origins: dict[int, Origin] = {}
    documents: dict[str, YamlFile] = {}
    manifest_file = load_yaml(spec_dir / MANIFEST, MANIFEST)
    manifest = _validated(Manifest, manifest_file, problems)
    if manifest is None:
        raise SpecError(problems)
    sections = []
    for index, name in enumerate(manifest.sections):
        path = _named_file(spec_dir, name, manifest_file, ("sections", index), problems)
        section = None if path is None else _load_section(path, name, origins, documents, problems)
        if section is not None:
            sections.append(section)
    _resolve_choice_lists(spec_dir, manifest, manifest_file, sections, origins, documents, problems)

    overlay, edition = NO_AUTHORITY, None
    if authority is not None:
        label = f"{AUTHORITIES}/{authority}.yaml"
        overlay_file = documents[label] = load_yaml(spec_dir / label, label)
        loaded = _validated(Overlay, overlay_file, problems)
        if loaded is not None:
            overlay, edition = loaded.authority, loaded.edition
            if not problems:  # changes to a form that did not load would report its problems again
                problems.extend(OverlayApplier(sections, origins, overlay_file).apply(loaded.changes))
    if problems:
        raise SpecError(problems)

    form = FormSpec(manifest.title, sections, overlay, authority or "", edition)
    _Checker(form, origins, documents).run()
    return form


def available_authorities(spec_dir: Path) -> list[str]:
    return sorted(path.stem for path in (spec_dir / AUTHORITIES).glob("*.yaml"))


def _validated(model: type[Model], document: YamlFile, problems: list[Problem]) -> Model | None:
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        problems.extend(document.validation_problems(error))
        return None


def _named_file(
    spec_dir: Path, name: str, manifest_file: YamlFile, place: tuple[PathPart, ...], problems: list[Problem]
) -> Path | None:
    """A file the manifest names, if it is a file in the spec folder; otherwise a problem at its entry."""
    path = spec_dir / name
    try:
        inside = path.resolve().is_relative_to(spec_dir.resolve())
        is_file, is_folder = path.is_file(), path.is_dir()
    except (OSError, ValueError):  # a name the system cannot look up: too long, or with a NUL in it
        inside = is_file = is_folder = False
    if not inside:
        problems.append(
            manifest_file.problem(place, f"{name!r} is not in the spec folder: name a file in it")
        )
    elif not is_file:
        problem = f"{name} is a folder, not a file" if is_folder else f"there is no file {name}"
        problems.append(manifest_file.problem(place, problem))
    return path if inside and is_file else None


def _load_section(
    path: Path,
    name: str,
    origins: dict[int, Origin],
    documents: dict[str, YamlFile],
    problems: list[Problem],
) -> Section | None:
    try:
        document = documents[name] = load_yaml(path, name)
    except SpecError as error:
        problems.extend(error.problems)
        return None
    section = _validated(Section, document, problems)
    if section is not None:
        origins[id(section)] = Origin(name, ())
        for page_index, page in enumerate(section.pages):
            for field_index, field in enumerate(page.fields):
                path = ("pages", page_index, "fields", field_index)
                origins[id(field)] = Origin(name, path)
                for item_index, item in enumerate(field.fields or []):
                    origins[id(item)] = Origin(name, (*path, "fields", item_index))
    return section


def _resolve_choice_lists(
    spec_dir: Path,
    manifest: Manifest,
    manifest_file: YamlFile,
    sections: list[Section],
    origins: dict[int, Origin],
    documents: dict[str, YamlFile],
    problems: list[Problem],
) -> None:
    """Turn `choice_list: name` into the list's choices, so overlays and checks see ordinary choices."""
    lists: dict[str, list[Choice]] = {}
    for name, source in manifest.choice_lists.items():
        path = _named_file(spec_dir, source.file, manifest_file, ("choice_lists", name, "file"), problems)
        if path is None:
            continue
        try:
            lists[name] = read_choice_list(path, source.file, source)
        except SpecError as error:
            problems.extend(error.problems)
    for field in _all_fields(sections):
        if field.choice_list is None:
            continue
        if field.choice_list in lists:
            field.choices = [choice.model_copy() for choice in lists[field.choice_list]]
        elif field.choice_list not in manifest.choice_lists:  # a list that did not load is reported
            origin = origins[id(field)]
            problem = f"unknown choice_list {field.choice_list!r}"
            problems.append(documents[origin.file].problem((*origin.path, "choice_list"), problem))


def _all_fields(sections: list[Section]) -> list[FormField]:
    fields = [field for section in sections for page in section.pages for field in page.fields]
    return fields + [item for field in fields for item in field.fields or []]


class _Checker:
    """Index the adapted form and check what a single file cannot: references across the form."""

    def __init__(self, form: FormSpec, origins: dict[int, Origin], files: dict[str, YamlFile]) -> None:
        self.form = form
        self.origins = origins
        self.files = files
        self.problems: list[Problem] = []

    def run(self) -> None:
        self.index()
        for info in self.form.fields.values():
            self.check_field(info)
        for info in self.form.fields.values():
            self.check_child_version(info)
        self.compile_conditions()
        self.check_cycles()
        self.check_known()
        self.check_who_answers()
        self.check_record_labels()
        if self.problems:
            raise SpecError(self.problems)

    def fail(self, origin: Origin, message: str, *extra: str | int) -> None:
        document = self.files.get(origin.file)
        path = (*origin.path, *extra)
        if document is None:
            self.problems.append(Problem(origin.file, None, "", message))
        else:
            self.problems.append(document.problem(path, message))

    def section_origin(self, section: Section) -> Origin:
        return self.origins[id(section)]

    # --- indexing ----------------------------------------------------------------------------

    def index(self) -> None:
        seen_sections: set[str] = set()
        seen_pages: set[str] = set()
        for section in self.form.sections:
            origin = self.section_origin(section)
            if section.id in seen_sections:
                self.fail(origin, f"section id {section.id!r} is used twice", "id")
            seen_sections.add(section.id)
            for page_index, page in enumerate(section.pages):
                if page.id in seen_pages:
                    self.fail(origin, f"page id {page.id!r} is used twice", "pages", page_index, "id")
                seen_pages.add(page.id)
                for field in page.fields:
                    self.add(FieldInfo(field, section, page, None, self.origins[id(field)]))
                    for item in field.fields or []:
                        self.add(FieldInfo(item, section, page, field, self.origins[id(item)]))
                    per_child = tuple(item.id for item in field.fields or [] if item.per_child)
                    if per_child and section.scope == "household":
                        self.form.per_child[field.id] = per_child

    def add(self, info: FieldInfo) -> None:
        if info.key in self.form.fields:
            first = self.form.fields[info.key].origin
            where = f"{first.file} {'.'.join(map(str, first.path))}"
            self.fail(info.origin, f"field id {info.field.id!r} is already used ({where})", "id")
            return
        if info.group is not None and info.field.type == "group":
            self.fail(info.origin, "a group cannot hold another group", "type")
        self.form.fields[info.key] = info

    # --- one field ---------------------------------------------------------------------------

    def check_field(self, info: FieldInfo) -> None:
        field = info.field
        if (field.required or field.required_if) and not (field.name or field.error):
            self.fail(info.origin, "a required field needs `name` (or `error`) for its error message")
        if field.for_child_of is not None:
            self.check_for_child_of(info)
        if field.choices is not None:
            values = {choice.value for choice in field.choices}
            for value in field.exclusive:
                if value not in values:
                    self.fail(
                        info.origin, f"exclusive choice {value!r} is not one of the choices", "exclusive"
                    )
        if field.choices_from is not None:
            self.check_choices_from(info)
        if field.confidential_from is not None:
            self.check_confidential_from(info)
        if field.type == "group":
            self.check_group(info)
        if field.within is not None:
            self.check_within(info)
        if field.chronology:
            names = {item.id for item in info.group.fields or []} if info.group else set()
            self.check_placeholders(info, field.chronology, names, "chronology")
        if field.per_child:
            self.check_per_child(info)

    def check_for_child_of(self, info: FieldInfo) -> None:
        """Words for the child are asked beside the notes they put simply: on the notes' own page."""
        name = info.field.for_child_of or ""
        target = self.form.fields.get(name)
        if info.group is not None:
            message = "for_child_of applies to a question, not to a field of a list's item"
        elif target is None or target.group is not None:
            message = f"for_child_of {name!r} is not a question of the form"
        elif target.page is not info.page:
            message = f"for_child_of {name!r} is on another page: ask the child's words beside the notes"
        elif target.field.type not in ("text", "long_text") or target.field.for_child_of:
            message = f"for_child_of {name!r} must be the free-text answer these words are for"
        elif "child" not in (target.field.documents or target.section.documents):
            message = f"for_child_of {name!r} is not in the child's version: these words would print nowhere"
        elif name in self.form.for_child:
            message = f"{name!r} already has its words for the child in {self.form.for_child[name]!r}"
        else:
            self.form.for_child[name] = info.key
            if audiences_of("child") <= set(info.field.audience or ()):
                return
            # A field that names no audience is the record's only: the child's version would drop it.
            # (The pair stands, so the notes are not also reported as lacking their words.)
            wanted = ", ".join(sorted(audiences_of("child")))
            self.fail(
                info.origin,
                f"words for the child are printed for the family: give them `audience: [{wanted}]`",
                "audience",
            )
            return
        self.fail(info.origin, message, "for_child_of")

    def check_child_version(self, info: FieldInfo) -> None:
        """K3: everything the child's version prints is in words for the child. An answer's heading is
        its `child_wording`; a choice prints its own; free text prints only through the field that holds
        it in words for the child (`for_child_of`), so a practitioner's notes can never print there."""
        field = info.field
        if (
            field.hidden
            or field.type == "group"
            or "child" not in (field.documents or info.section.documents)
        ):
            return
        if not field.child_wording:
            self.fail(info.origin, "a field in the child's version needs `child_wording`")
        for index, choice in enumerate(field.choices or []):
            if not choice.child_wording:
                message = f"choice {choice.value!r} needs `child_wording`: the child's version prints it"
                self.fail(info.origin, message, "choices", index)
            if info.key == known_fields.OUTCOMES and not choice.child_reason:
                message = f"choice {choice.value!r} needs `child_reason`: the child's version says why"
                self.fail(info.origin, message, "choices", index)
        own = info.key in known_fields.CHILD_VERSION_OWN  # asked in the child's words already
        if field.type in ("text", "long_text") and not own and self.form.child_words(info) is None:
            self.fail(
                info.origin,
                "a free-text answer in the child's version needs its words for the child: add a field "
                f"on its page with `for_child_of: {field.id}` (the notes themselves never print there)",
            )

    def check_per_child(self, info: FieldInfo) -> None:
        """`per_child` asks an item's question for each child: only a household list's items have several."""
        if info.group is None:
            message = "per_child applies to a field of a list's item (a group's fields), not to a question"
        elif info.section.scope != "household":
            message = "per_child applies to a household list's item: a child's own list is already theirs"
        elif info.field.answered_by == DECISION:
            message = "per_child cannot be a decision reserved to a manager: it is recorded once per person"
        else:
            return
        self.fail(info.origin, message, "per_child")

    def check_choices_from(self, info: FieldInfo) -> None:
        name = info.field.choices_from
        group = self.form.fields.get(name or "")
        if group is None or group.field.type != "group":
            self.fail(info.origin, f"choices_from {name!r} is not a group", "choices_from")
        elif info.section.scope == "household" and group.section.scope == "child":
            # Each child has their own items: a question answered once for the household cannot name them.
            message = f"choices_from {name!r} is a list of each child's: a household question cannot offer it"
            self.fail(info.origin, message, "choices_from")

    def check_confidential_from(self, info: FieldInfo) -> None:
        target = self.resolve(info.field.confidential_from or "", info)
        if not info.field.confidential:
            self.fail(info.origin, "confidential_from needs `confidential: true`", "confidential_from")
        if target is None or target.field.type != "multiple_choice" or target.field.choices_from is None:
            self.fail(
                info.origin,
                f"confidential_from {info.field.confidential_from!r} must be a multiple_choice of people "
                "(choices_from a group) in the same item or form",
                "confidential_from",
            )

    def check_within(self, info: FieldInfo) -> None:
        other = self.resolve(info.field.within.of, info)
        if other is None or other.field.type != "date":
            self.fail(info.origin, f"within.of {info.field.within.of!r} is not a date field", "within", "of")
        elif info.section.scope == "household" and other.section.scope == "child":
            self.fail(
                info.origin, "within.of names a child's answer: a household field cannot use it", "within"
            )

    def check_group(self, info: FieldInfo) -> None:
        names = {item.id for item in info.field.fields or []}
        for column in info.field.columns or []:
            if column not in names:
                self.fail(info.origin, f"column {column!r} is not a field of the item", "columns")
        if info.field.item_label:
            self.check_placeholders(info, info.field.item_label, names, "item_label")

    def check_placeholders(self, info: FieldInfo, text: str, names: set[str], key: str) -> None:
        for name in PLACEHOLDER.findall(text):
            if name not in names:
                self.fail(info.origin, f"{{{name}}} is not a field of the item", key)

    # --- conditions --------------------------------------------------------------------------

    def resolve(self, name: str, info: FieldInfo | None, section: Section | None = None) -> FieldInfo | None:
        """A name as a condition in `info` sees it: the item's own fields first, then the form's."""
        if info is not None and info.group is not None:
            own = self.form.fields.get(f"{info.group.id}.{name}")
            if own is not None:
                return own
        return self.form.fields.get(name)

    def kind_resolver(self, owner: FieldInfo | None, section: Section):
        household = section.scope == "household"

        def kind_of(name: str) -> Kind | None:
            target = self.resolve(name, owner)
            if target is not None:
                if household and target.section.scope == "child":
                    raise UnusableName(
                        f"{name!r} is answered for each child: a household section cannot use it"
                    )
                if target.field.per_child and not (owner is not None and owner.field.per_child):
                    raise UnusableName(
                        f"{name!r} is answered for each child (per_child): "
                        "a question answered once for the household cannot use it"
                    )
                return field_kind(target.field)
            if name in DERIVED_ANY:
                return Kind(DERIVED_ANY[name])
            if name in DERIVED_CHILD and not household:
                return Kind(DERIVED_CHILD[name])
            return None

        return kind_of

    def compile(self, text: str, owner: FieldInfo | None, section: Section, origin: Origin, *key: str | int):
        try:
            condition = parse(text)
            check(condition, self.kind_resolver(owner, section))
        except ConditionError as error:
            self.fail(origin, str(error), *key)
            return None
        return condition

    def compile_conditions(self) -> None:
        for info in self.form.fields.values():
            if info.field.show_if is not None:
                info.show_if = self.compile(info.field.show_if, info, info.section, info.origin, "show_if")
            if info.field.required_if is not None:
                info.required_if = self.compile(
                    info.field.required_if, info, info.section, info.origin, "required_if"
                )
        for section in self.form.sections:
            origin = self.section_origin(section)
            if section.show_if is not None:
                self.store(
                    self.form.section_conditions, section.id, section.show_if, section, origin, "show_if"
                )
            for index, page in enumerate(section.pages):
                if page.show_if is not None:
                    self.store(
                        self.form.page_conditions,
                        page.id,
                        page.show_if,
                        section,
                        origin,
                        "pages",
                        index,
                        "show_if",
                    )
            for index, rule in enumerate(section.rules):
                if rule.field not in self.form.fields:
                    self.fail(
                        origin, f"rule {rule.id!r} names no field {rule.field!r}", "rules", index, "field"
                    )
                condition = self.compile(rule.error_if, None, section, origin, "rules", index, "error_if")
                if condition is not None:
                    self.form.rules.append(CompiledRule(section, rule, condition))

    def store(
        self, target: dict[str, Condition], key: str, text: str, section: Section, origin: Origin, *path
    ):
        condition = self.compile(text, None, section, origin, *path)
        if condition is not None:
            target[key] = condition

    def check_cycles(self) -> None:
        """A field shown only when a field that depends on it is answered could never appear."""
        state: dict[str, str] = {}

        def visit(info: FieldInfo, trail: list[str]) -> None:
            if state.get(info.key) == "done":
                return
            if state.get(info.key) == "visiting":
                self.fail(info.origin, f"show_if goes round in a circle: {' -> '.join([*trail, info.key])}")
                return
            state[info.key] = "visiting"
            for name in info.show_if.names if info.show_if else ():
                target = self.resolve(name, info)
                if target is not None:
                    visit(target, [*trail, info.key])
            state[info.key] = "done"

        for info in self.form.fields.values():
            visit(info, [])

    def check_who_answers(self) -> None:
        """A section is answered by one capability, so one person's pages; a manager's decisions aside."""
        for section in self.form.sections:
            found = {info.field.answered_by for info in self.form.fields.values() if info.section is section}
            others = sorted(found - {DECISION})
            if len(others) > 1:
                message = f"its questions are answered_by {' and '.join(others)}: a section has one answerer"
                self.problems.append(Problem(self.section_origin(section).file, None, "", message))

    def check_record_labels(self) -> None:
        """Every answer the record prints is named by a statement, not its question (K1). A field
        without one still loads, so a running service is never stopped by it, but `formgen check`
        refuses it."""
        for info in self.form.fields.values():
            documents = (
                info.field.documents
                or (info.group.documents if info.group else None)
                or info.section.documents
            )
            if info.field.hidden or info.field.record_label or "record" not in documents:
                continue
            message = (
                "a field printed in the record needs a `record_label` (a short statement naming the answer)"
            )
            document = self.files.get(info.origin.file)
            if document is None:
                self.form.advice.append(Problem(info.origin.file, None, info.key, message))
            else:
                self.form.advice.append(document.problem((*info.origin.path, "label"), message))

    def check_known(self) -> None:
        """Every field the code reads by name has the type and scope it expects (known_fields)."""
        overlay = f"{AUTHORITIES}/{self.form.authority_id}.yaml"
        for key, known in known_fields.KNOWN.items():
            info = self.form.fields.get(key)
            if info is None:
                if known.essential:
                    message = f"the form needs a field {key!r}: it is read by {known.read_by}"
                    self.problems.append(Problem("form_specs", None, "", message))
            elif info.field.type != known.type or info.section.scope != known.scope:
                wanted = f"a {known.type} field in a {known.scope} section"
                self.fail(info.origin, f"{key!r} must be {wanted}: it is read by {known.read_by}")
            elif info.field.hidden and known.essential:
                self.problems.append(
                    Problem(overlay, None, "", f"{key!r} cannot be hidden: it is read by {known.read_by}")
                )
        for key in known_fields.STANDALONE_PAGES:
            info = self.form.fields.get(key)
            if info is None:
                continue
            if info.page.id in self.form.page_conditions or any(f.type == "group" for f in info.page.fields):
                self.fail(
                    info.origin,
                    f"the page of {key!r} is asked on its own, before the case or child exists: "
                    "it cannot have a show_if or hold a list",
                )


def field_kind(field: FormField) -> Kind:
    """What a field's answer is, for conditions."""
    return field_type(field).kind(field)
