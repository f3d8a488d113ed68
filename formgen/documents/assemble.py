"""Every document of a case: which ones a child gets, rendering them, and writing them safely to disk."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from formgen.documents.context import DOCUMENTS, build_context
from formgen.documents.render import TemplateStore
from formgen.engine.casefile import CaseFile
from formgen.spec import known_fields as known
from formgen.spec.form import FormSpec

_UNSAFE_IN_FILE_NAMES = re.compile(r"[^A-Za-z0-9_-]+")


class NoSuchDocument(ValueError):
    """A document that this child does not get (the child's version of an unborn baby)."""


def documents_for(form: FormSpec, case: CaseFile, child_id: str, *, today: date) -> list[str]:
    """The documents a child's assessment produces: an unborn baby gets no child's version."""
    unborn = case.assessment(form, child_id, today=today).value(known.UNBORN) is True
    return [kind for kind in DOCUMENTS if not (kind == "child" and unborn)]


def render_document(
    form: FormSpec,
    store: TemplateStore,
    case: CaseFile,
    child_id: str,
    kind: str,
    *,
    today: date,
    recipient: str | None = None,
    version: str | None = None,
) -> bytes:
    if kind not in documents_for(form, case, child_id, today=today):
        raise NoSuchDocument(f"child {child_id!r} is not yet born, so there is no child's version")
    context = build_context(form, case, child_id, kind, today=today, recipient=recipient, version=version)
    return store.render(DOCUMENTS[kind].template, context)


def file_name(case: CaseFile, child_id: str, kind: str) -> str:
    return (
        "-".join(_UNSAFE_IN_FILE_NAMES.sub("_", part) for part in (case.reference, child_id, kind)) + ".docx"
    )


def write_documents(
    form: FormSpec,
    store: TemplateStore,
    case: CaseFile,
    out_dir: Path,
    *,
    today: date,
    kinds: Iterable[str] | None = None,
    child_ids: Iterable[str] | None = None,
) -> list[Path]:
    """Render and write the chosen documents; return their paths in the order written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    chosen_children = list(child_ids) if child_ids is not None else [child.id for child in case.children]
    written = []
    wanted_kinds = list(kinds) if kinds is not None else None
    for child_id in chosen_children:
        case.child(child_id)  # an unknown child is an error, not an empty result
        available = documents_for(form, case, child_id, today=today)
        for kind in wanted_kinds or available:
            if kind not in available and child_ids is None:
                continue  # asked for every child: the unborn baby simply has no child's version
            document = render_document(form, store, case, child_id, kind, today=today)
            written.append(write_atomically(out_dir / file_name(case, child_id, kind), document))
    return written


def write_atomically(path: Path, content: bytes) -> Path:
    """Write beside the target and rename, so a crash never leaves half a document where a good one was."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
