"""Babel extractors for what Babel cannot read itself: the Word templates, the form specs and overlays
(YAML) and the specs' choice lists (CSV). `babel.cfg` names them; `scripts/translations.sh extract`
runs `pybabel extract` with it.

One Word template serves every language: its fixed text is written `{{ _('Timescale') }}` and found
here after docxtpl's own clean-up of the XML (which joins a tag Word split across runs and turns smart
quotes back), as FIELD-NOTES "Languages" measured.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

import yaml
from docxtpl import DocxTemplate
from jinja2.ext import babel_extract

Extracted = Iterator[tuple[int, str, str | tuple[str, ...], list[str]]]

# The spec keys whose text people read: questions, record labels, hints, choice labels, messages, the
# child's words, and the authority's name and address. Identifiers, conditions and dates are not.
SPEC_TEXT_KEYS = frozenset(
    {
        "title",
        "task",
        "label",
        "record_label",
        "hint",
        "name",
        "error",
        "message",
        "child_wording",
        "child_reason",
        "item_name",
        "item_label",
        "chronology",
        "address",
    }
)
_PARTS = re.compile(r"word/(document|header[0-9]*|footer[0-9]*)\.xml")


def extract_docx(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Extracted:
    """The `_()` calls of a Word template's body, headers and footers."""
    with zipfile.ZipFile(io.BytesIO(fileobj.read())) as docx:
        names = sorted(name for name in docx.namelist() if _PARTS.fullmatch(name))
        parts = [docx.read(name).decode("utf-8") for name in names]
    cleaner = DocxTemplate.__new__(DocxTemplate)  # patch_xml uses no state of the template
    for xml in parts:
        text = cleaner.patch_xml(xml)
        yield from babel_extract(io.BytesIO(text.encode("utf-8")), keywords, comment_tags, options)


def extract_yaml(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Extracted:
    """Every text under one of SPEC_TEXT_KEYS, at its line."""
    node = yaml.compose(fileobj.read().decode("utf-8"), Loader=yaml.SafeLoader)
    if node is not None:
        yield from _texts(node)


def _texts(node: yaml.Node) -> Extracted:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "choice_lists":
                continue  # the lists' `label:` and `hint:` name their files' columns; the CSV holds the words
            if (
                isinstance(value, yaml.ScalarNode)
                and key.value in SPEC_TEXT_KEYS
                and value.tag == "tag:yaml.org,2002:str"
                and value.value.strip()
            ):
                yield value.start_mark.line + 1, "_", value.value, []
            else:
                yield from _texts(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _texts(item)


def extract_csv(fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Extracted:
    """Every cell of a choice list but its codes (the `skip` option names those columns)."""
    skip = {column.strip() for column in options.get("skip", "code").split(",")}
    rows = csv.DictReader(io.StringIO(fileobj.read().decode("utf-8-sig")))
    for line, row in enumerate(rows, start=2):
        for column, text in row.items():
            if column not in skip and text and text.strip():
                yield line, "_", text, []
