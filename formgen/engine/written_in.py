"""The language a person said they wrote an answer in (the Welsh Language Standards): an answer typed in
Welsh keeps its own language on an English page, and an English one on a Welsh page, so that a screen
reader speaks it in the right voice and a spelling checker reads it as what it is.

Only answers written in words have a language: a top-level free-text question (a name, an address or a
choice is in no language). The languages are kept in the record beside its answers, under `KEY`, by
question id, so that a revision keeps the answers and their languages together. An answer with none
kept was typed before anyone said, and is shown with no language of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from formgen.fieldtypes import field_type, is_blank
from formgen.spec.form import FieldInfo

KEY = "_written_in"
TAG = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$"  # a BCP 47 language tag, as `lang` takes it


def written(info: FieldInfo) -> bool:
    """Whether an answer to this question is written in a language: top-level free text."""
    return info.group is None and field_type(info.field).prose


def is_language_tag(code: Any) -> bool:
    """Whether `code` may stand in a `lang` attribute (and the case file's schema)."""
    return isinstance(code, str) and re.fullmatch(TAG, code) is not None


def language_of(record: Mapping[str, Any], field_id: str) -> str | None:
    """The language the answer to `field_id` was said to be written in, if it has an answer and one."""
    kept = record.get(KEY)
    code = kept.get(field_id) if isinstance(kept, Mapping) else None
    return code if is_language_tag(code) and not is_blank(record.get(field_id)) else None


def said(record: Mapping[str, Any], field_ids: Iterable[str], code: str) -> dict[str, Any]:
    """The record with each of `field_ids` that has an answer written in `code`, and no language kept
    for one that has none."""
    kept = record.get(KEY)
    languages = dict(kept) if isinstance(kept, Mapping) else {}
    for field_id in field_ids:
        if is_blank(record.get(field_id)):
            languages.pop(field_id, None)
        else:
            languages[field_id] = code
    updated = dict(record)
    if languages:
        updated[KEY] = languages
    else:
        updated.pop(KEY, None)
    return updated


def problems(fields: Mapping[str, FieldInfo], kept: Any) -> Iterator[str]:
    """What is wrong with a record's `KEY` entry, given the questions of its scope by id."""
    if not isinstance(kept, Mapping):
        yield "must map free-text questions to the language each answer is written in"
        return
    for field_id, code in kept.items():
        info = fields.get(field_id)
        if info is None or not written(info):
            yield f"{field_id!r} is not a free-text question of this record"
        elif not is_language_tag(code):
            yield f"{field_id!r}: {code!r} is not a language code such as 'cy' or 'en'"
