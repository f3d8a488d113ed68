"""The service's own pages in a language: the messages they need, how many of them a catalog has, and
the languages the service is offered in.

A page needs every message of the catalog template that is not only a document's (a docx template, the
document context, the statutory returns): the pages' and views' own words, and every text of the form
spec, which the wizard asks. A language is offered once its catalog has words for all of them, so that
adding a catalog is all it takes to add a language, and nobody is given a page half in English.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from babel import Locale

from formgen.i18n import SOURCE_LOCALE, catalogs

# Where the messages only documents need are written (paths as the catalog template gives them).
_DOCUMENT_ONLY = (
    "templates_docx/",
    "formgen/documents/context.py",
    "formgen/documents/letters.py",
    "formgen/returns/",
)


@dataclass(frozen=True)
class ServiceCoverage:
    code: str
    needed: int
    translated: int
    first_missing: str | None

    @property
    def complete(self) -> bool:
        return self.translated == self.needed

    @property
    def percent(self) -> int:
        return 100 * self.translated // self.needed if self.needed else 100


def _page_message(locations: list[tuple[str, int | None]]) -> bool:
    return any(not path.startswith(_DOCUMENT_ONLY) for path, _line in locations)


_cache: dict[tuple[Path, str, float, float], ServiceCoverage] = {}
_lock = threading.Lock()


def coverage(code: str, directory: Path | None = None) -> ServiceCoverage:
    """How many of the pages' messages the catalog of `code` has words for (not stale ones)."""
    directory = directory or catalogs.translations_dir()
    template = directory / catalogs.TEMPLATE.name
    template = template if template.is_file() else catalogs.TEMPLATE  # a folder of catalogs alone
    po = catalogs.po_path(code, directory)
    key = (directory, code, template.stat().st_mtime, po.stat().st_mtime)
    with _lock:
        if key in _cache:
            return _cache[key]
    needed = [
        message.id
        for message in catalogs.read_catalog(template)
        if message.id and _page_message(message.locations)
    ]
    catalog = catalogs.read_catalog(po)
    missing = []
    for message_id in needed:
        found = catalog.get(message_id)
        strings = () if found is None else found.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not all(strings):
            missing.append(message_id[0] if isinstance(message_id, tuple) else message_id)
    result = ServiceCoverage(code, len(needed), len(needed) - len(missing), missing[0] if missing else None)
    with _lock:
        _cache[key] = result
    return result


def offered(directory: Path | None = None) -> list[str]:
    """English and every language whose catalog covers the service's pages."""
    directory = directory or catalogs.translations_dir()
    return [SOURCE_LOCALE] + [
        code for code in catalogs.available(directory) if coverage(code, directory).complete
    ]


def own_name(code: str) -> str:
    """A language's name in itself, as a toggle offers it ("Cymraeg", "English")."""
    name = Locale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_")) or code
    return name[:1].upper() + name[1:]
