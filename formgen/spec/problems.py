"""Problems in spec files, each named by file, line and place, so an author can go straight to it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import ValidationError

PathPart = str | int


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    place: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        place = f" {self.place}:" if self.place else ""
        return f"{where}:{place} {self.message}"


class SpecError(Exception):
    """One or more problems that stop a spec, overlay or case file from loading."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = list(problems)


def describe_path(path: Iterable[PathPart]) -> str:
    """('pages', 2, 'fields', 0, 'type') -> 'pages[2].fields[0].type'."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class YamlFile:
    """A YAML file's data together with the line of every node in it."""

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label
        self.text = path.read_text(encoding="utf-8")

    @cached_property
    def data(self) -> object:
        return yaml.safe_load(self.text)

    @cached_property
    def _root(self) -> yaml.Node | None:
        return yaml.compose(self.text)

    def line(self, path: Sequence[PathPart]) -> int | None:
        """The line of the deepest node that `path` reaches (1-based)."""
        node = self._root
        if node is None:
            return None
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
    """Read a YAML file, turning a syntax error into a located Problem."""
    try:
        document = YamlFile(path, label)
        document.data  # noqa: B018 - parse now so a syntax error is reported here
    except FileNotFoundError:
        raise SpecError([Problem(label, None, "", "file not found")]) from None
    except yaml.MarkedYAMLError as error:
        # An unclosed bracket or quote is reported at the end of the file; where it opened is more use.
        mark = error.context_mark or error.problem_mark
        line = mark.line + 1 if mark else None
        raise SpecError([Problem(label, line, "", f"not valid YAML: {error.problem}")]) from None
    return document
