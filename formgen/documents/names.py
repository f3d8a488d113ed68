"""The names of the documents people download: for the person and the document, as someone saving,
attaching or finding a copy reads them ("Assessment plan - Kai Dacres - for Marcus Dacres.docx").

The command line keeps its names of ids (formgen.documents.assemble.file_name), which sort and script
well. Names hold whatever a spec author or practitioner typed, so every part is made safe for any
file system: the characters Windows and Unix refuse, control characters and the direction marks that
could show a name other than it is are replaced; letters of every language (Welsh, Arabic) are kept,
and the web app sends them as RFC 5987 (Flask's `download_name`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

from formgen.display import join_words
from formgen.registry import DOCUMENTS

_REFUSED = re.compile(r'[/\\:*?"<>|]')
# Control characters, line and paragraph separators, and format characters: the direction marks that
# can show a name reversed, zero-width spaces and joiners, the byte order mark. A lone surrogate (JSON
# can carry one) is no character at all, and could not be written as UTF-8.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# Bytes of UTF-8 in one person's name: a document's name holds two (the child's and the recipient's)
# and at most 53 bytes besides, and must stay within the 255 bytes a file system allows a name.
_LONGEST_PART = 80
# Bytes of the children's names in a pack's name: past this it names the first and counts the others,
# as a list of six names is no longer read.
_LONGEST_LIST = 100
_ELLIPSIS = "…"
SEPARATOR = " - "


def safe_part(text: str, *, longest: int = _LONGEST_PART) -> str:
    """One part of a file name: refused characters replaced by "_", invisible ones by a space, runs of
    spaces made one, no dots or spaces at either end (Windows drops trailing ones; a leading dot hides
    a file), and at most `longest` bytes of UTF-8 (shortened with "…" between two characters)."""
    text = _REFUSED.sub("_", unicodedata.normalize("NFC", text))
    text = "".join(" " if unicodedata.category(c) in _INVISIBLE else c for c in text)
    text = " ".join(text.split())
    if len(text.encode("utf-8")) > longest:
        room = longest - len(_ELLIPSIS.encode("utf-8"))
        # Cut in bytes, dropping what is left of a character cut in two.
        kept = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
        text = kept.rstrip() + _ELLIPSIS
    return text.strip(" .")


def download_name(
    kind: str,
    child: str,
    *,
    made_on: date | None = None,
    for_whom: str | None = None,
    extension: str = ".docx",
    large_print: bool = False,
    in_english: bool = False,
) -> str:
    """'Assessment record - Kai Dacres - 2026-12-01.docx', or for one recipient's copy
    'Assessment plan - Kai Dacres - for Marcus Dacres.docx' ('... (large print).docx' in large print:
    a Word file like the others, which whoever prints it must tell apart; '... (English).docx' for the
    English copy that goes with one in the reader's language)."""
    parts = [DOCUMENTS[kind].short_name, safe_part(child) or "Unnamed child"]
    if for_whom is not None:
        parts.append(f"for {safe_part(for_whom) or 'unnamed recipient'}")
    elif made_on is not None:
        parts.append(made_on.isoformat())
    marks = [mark for mark, wanted in (("English", in_english), ("large print", large_print)) if wanted]
    return SEPARATOR.join(parts) + "".join(f" ({mark})" for mark in marks) + extension


def pack_name(children: Sequence[str], made_on: date, *, what: str = "Plans and outcomes") -> str:
    """The zip of a case's copies: 'Plans and outcomes - Kai Dacres and Tilly Dacres - 2026-12-01.zip'
    (or 'Kai Dacres and 3 others' when the names would make it too long for a file system)."""
    names = [safe_part(child) or "Unnamed child" for child in children]
    who = join_words(names)
    if len(who.encode("utf-8")) > _LONGEST_LIST and len(names) > 1:
        others = len(names) - 1
        who = f"{names[0]} and {others} other{'s' if others > 1 else ''}"
    return SEPARATOR.join([what, who or "no children", made_on.isoformat()]) + ".zip"


def unique(names: Iterable[str]) -> list[str]:
    """The names in order, a later one that repeats an earlier (ignoring case, as Windows and macOS do
    when the zip is unpacked) given " (2)", " (3)" before its extension."""
    taken: set[str] = set()
    found = []
    for name in names:
        stem, dot, extension = name.rpartition(".")
        stem, dot = (stem, dot) if dot else (name, "")
        candidate, count = name, 1
        while candidate.casefold() in taken:
            count += 1
            candidate = f"{stem} ({count}){dot}{extension if dot else ''}"
        taken.add(candidate.casefold())
        found.append(candidate)
    return found
