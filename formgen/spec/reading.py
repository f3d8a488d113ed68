"""Reading spec files: the text, the YAML of specs and overlays, the CSV of choice lists.

A damaged or hand-mangled file must end in a Problem that names the file and line, never in a traceback,
and must load in bounded time. PyYAML's SafeLoader is safe from running code but not from the rest: a
repeated key silently replaces the first; merge keys copy without limit (24 lines took 93 seconds) and
aliases build data small in memory but vast to walk (a "billion laughs"); each level of nesting costs
Python stack up to the recursion limit; an unquoted date such as 2026-02-30 raises ValueError.
SpecLoader refuses or bounds each of these.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import yaml
from pydantic import ValidationError

from formgen.spec.model import Choice, ChoiceListSource
from formgen.spec.problems import PathPart, Problem, SpecError, describe_path

# The deepest shipped file nests 9 levels (section, page, field, group item, choices); 20 leaves room
# for any real spec while keeping the composer's recursion far from Python's limit.
MAX_DEPTH = 20
# A control character breaks YAML, the web page and the Word document alike; YAML's own rule finds them.
_CONTROL = yaml.reader.Reader.NON_PRINTABLE
_MERGE = "tag:yaml.org,2002:merge"
# Kept as strings: pydantic checks a date where a date belongs and says where it is wrong, rather than
# YAML raising ValueError on 2026-02-30; a lone "=" is text, not YAML 1.1's obscure "value" type.
_AS_STRINGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value"}

ANCHORS = (
    "anchors and aliases (&name, *name) cannot be used in a spec: write the value out in full where it is "
    "needed"
)
MERGE_KEYS = "merge keys (<<) cannot be used in a spec: write the keys out in full"
TAGS = "tags (such as !!str) cannot be used in a spec: remove the tag, and quote a value that must be text"
TOO_DEEP = f"lists and mappings nest more than {MAX_DEPTH} levels deep here: no spec needs this many"


class _Refused(yaml.MarkedYAMLError):
    """YAML that parses but that specs do not allow, with the place it starts."""

    def __init__(self, problem: str, mark: yaml.Mark) -> None:
        super().__init__(problem=problem, problem_mark=mark)


class SpecLoader(yaml.SafeLoader):
    """SafeLoader for hand-written specs: no duplicate keys, anchors, merge keys or tags; bounded nesting.

    Anchors and aliases are refused rather than their expansion bounded: no spec uses them, a value
    written out is easier to read and to change, and once refused no alias or merge-key bomb can start.
    """

    yaml_implicit_resolvers: ClassVar = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in _AS_STRINGS]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or event.anchor is not None:
            raise _Refused(ANCHORS, event.start_mark)
        if event.tag is not None:
            raise _Refused(TAGS, event.start_mark)
        if isinstance(event, yaml.ScalarEvent):
            # The file's text has none; a double-quoted escape such as "\0" can still make one.
            if found := _CONTROL.search(event.value):
                raise _Refused(_control_message(found.group()), event.start_mark)
            return super().compose_node(parent, index)
        if self._depth == MAX_DEPTH:
            raise _Refused(TOO_DEEP, event.start_mark)
        self._depth += 1
        node = super().compose_node(parent, index)
        self._depth -= 1
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        first_lines: dict[Hashable, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                raise _Refused(MERGE_KEYS, key_node.start_mark)
            key = self.construct_object(key_node)
            if not isinstance(key, Hashable):
                break  # SafeConstructor refuses it, with its place
            if key in first_lines:
                raise _Refused(
                    f"{key!r} is given twice (first on line {first_lines[key]}): remove one",
                    key_node.start_mark,
                )
            first_lines[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # more digits than Python converts
            raise _Refused("this number is too long", node.start_mark) from None


SpecLoader.add_constructor("tag:yaml.org,2002:int", SpecLoader.construct_yaml_int)


@dataclass(frozen=True)
class YamlFile:
    """A spec or overlay file's data (a mapping) together with the line of every node in it."""

    label: str
    root: yaml.MappingNode
    data: dict

    def line(self, path: Sequence[PathPart]) -> int:
        """The line of the deepest node that `path` reaches (1-based)."""
        node: yaml.Node = self.root
        for part in path:
            child = _child(node, part)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1

    def problem(self, path: Sequence[PathPart], message: str) -> Problem:
        return Problem(self.label, self.line(path), describe_path(path), message)

    def validation_problems(self, error: ValidationError, prefix: Sequence[PathPart] = ()) -> list[Problem]:
        return [
            self.problem([*prefix, *(part for part in item["loc"] if part != "__root__")], item["msg"])
            for item in error.errors()
        ]


def _child(node: yaml.Node, part: PathPart) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part:
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


def load_yaml(path: Path, label: str) -> YamlFile:
    """Read a spec or overlay file, whose top level is a mapping; raise SpecError saying where it is not."""
    text = read_text(path, label)
    loader = SpecLoader(text)
    try:
        root = loader.get_single_node()
        data = None if root is None else loader.construct_document(root)
    except _Refused as error:
        raise SpecError([Problem(label, error.problem_mark.line + 1, "", error.problem)]) from None
    except yaml.MarkedYAMLError as error:  # read_text has already refused what the YAML reader would
        raise SpecError([_syntax_problem(label, error)]) from None
    finally:
        loader.dispose()
    if root is None:
        raise SpecError([Problem(label, None, "", "the file is empty")])
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
        message = f"the file holds {kind}: it should hold `key: value` lines"
        raise SpecError([Problem(label, root.start_mark.line + 1, "", message)])
    return YamlFile(label, root, data)


def _syntax_problem(label: str, error: yaml.MarkedYAMLError) -> Problem:
    context = error.context or ""
    # An unclosed bracket or quote is noticed where the file goes on without it: where it opened is
    # more use. Anything else is at its problem mark ("while parsing a block mapping" marks the start
    # of the mapping, which may be far above the mistake).
    unclosed = context.startswith(("while parsing a flow", "while scanning a quoted"))
    mark = error.context_mark if unclosed else error.problem_mark
    problem = error.problem if not context or context.startswith("while") else f"{context}, {error.problem}"
    return Problem(label, mark.line + 1 if mark else None, "", f"not valid YAML: {problem}")


def read_text(path: Path, label: str) -> str:
    """A spec file's text: UTF-8 (a byte order mark is allowed) without control characters."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SpecError([Problem(label, None, "", "file not found")]) from None
    except IsADirectoryError:
        raise SpecError([Problem(label, None, "", "this is a folder, not a file")]) from None
    except OSError as error:
        raise SpecError([Problem(label, None, "", f"cannot be read: {error.strerror}")]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        raise SpecError(
            [Problem(label, line, "", f"not UTF-8 text (the byte 0x{byte:02X}): save the file as UTF-8")]
        ) from None
    if found := _CONTROL.search(text):
        line = text.count("\n", 0, found.start()) + 1
        raise SpecError([Problem(label, line, "", _control_message(found.group()))])
    return text


def _control_message(character: str) -> str:
    return f"a control character (U+{ord(character):04X}) cannot be in a spec: remove it"


# --- choice lists --------------------------------------------------------------------------------


def read_choice_list(path: Path, label: str, source: ChoiceListSource) -> list[Choice]:
    """The choices of a CSV file, one a row; raise SpecError naming every bad row by its line."""
    reader = csv.DictReader(io.StringIO(read_text(path, label), newline=""))
    try:
        header = reader.fieldnames
        if not header:
            raise SpecError([Problem(label, None, "", "the file is empty")])
        columns = [column for column in (source.value, source.label, source.hint) if column is not None]
        if missing := [column for column in columns if column not in header]:
            names = ", ".join(repr(column) for column in missing)
            problem = f"there is no column {names} (the columns are {', '.join(header)})"
            raise SpecError([Problem(label, 1, "", problem)])
        return _choices(reader, label, source)
    except csv.Error as error:
        raise SpecError([Problem(label, reader.line_num, "", f"not valid CSV: {error}")]) from None


def _choices(reader: csv.DictReader, label: str, source: ChoiceListSource) -> list[Choice]:
    choices: list[Choice] = []
    problems: list[Problem] = []
    first_lines: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        value, text = row[source.value], row[source.label]
        if None in row or None in row.values():
            problems.append(Problem(label, line, "", "this row does not have one cell for each column"))
        elif not value.strip() or not text.strip():
            column = source.label if value.strip() else source.value
            problems.append(Problem(label, line, "", f"the {column!r} cell is empty"))
        elif value in first_lines:
            problems.append(
                Problem(label, line, "", f"the value {value!r} is already used on line {first_lines[value]}")
            )
        else:
            first_lines[value] = line
            choices.append(
                Choice(value=value, label=text, hint=(row[source.hint] or None) if source.hint else None)
            )
    if problems:
        raise SpecError(problems)
    return choices
