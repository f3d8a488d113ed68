"""The translation catalogs in `translations/<locale>/LC_MESSAGES/messages.po`, and what each says of
itself: who translated it and whether a qualified translator has reviewed it.

The `.po` files are the source, committed; the set-up compiles each to a `.mo` beside it. A `.mo`
missing or older than its `.po` (a catalog edited since the set-up ran) is compiled again in memory, so
nobody is given yesterday's words.

Who translated a catalog and who reviewed it are lines of its header comment, where `pybabel update`
keeps them (Babel drops unknown header fields):

    # Translated by: formgen's developers, drafted with an AI assistant, December 2026
    # Reviewed by a qualified translator: no
"""

from __future__ import annotations

import io
import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import Translations

from formgen.display import PLACEHOLDER
from formgen.i18n import SOURCE_LOCALE, Language
from formgen.settings import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "translations"
DOMAIN = "messages"
TEMPLATE = TRANSLATIONS / f"{DOMAIN}.pot"
_TRANSLATED_BY = re.compile(r"^#?\s*Translated by:\s*(.+)$", re.MULTILINE)
_REVIEWED_BY = re.compile(r"^#?\s*Reviewed by a qualified translator:\s*(.+)$", re.MULTILINE)
_NOT_REVIEWED = {"", "no", "not yet", "none"}
_PERCENT = re.compile(r"%\(([a-z_]+)\)[sd]")


class CatalogError(ValueError):
    """A catalog that cannot be read, named by its file and line."""


@dataclass(frozen=True)
class About:
    """What a catalog's header says of it."""

    code: str
    translated_by: str
    reviewed_by: str | None  # None until a qualified translator has reviewed it
    # Messages whose English changed since they were translated (`pybabel update` marks them fuzzy):
    # their old words are not used.
    stale: frozenset[str] = frozenset()

    @property
    def reviewed(self) -> bool:
        return self.reviewed_by is not None


def translations_dir() -> Path:
    """FORMGEN_TRANSLATIONS_DIR, or the checkout's translations/ (read on each call, as tests set it)."""
    return Path(os.environ.get("FORMGEN_TRANSLATIONS_DIR") or TRANSLATIONS)


def po_path(code: str, directory: Path | None = None) -> Path:
    return (directory or translations_dir()) / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def available(directory: Path | None = None) -> list[str]:
    """The locales with a catalog, in order of their codes."""
    root = directory or translations_dir()
    return sorted(path.parent.parent.name for path in root.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_catalog(path: Path) -> Catalog:
    """A `.po` file read strictly: a broken one names its file and line."""
    try:
        with path.open("rb") as file:
            return read_po(file, abort_invalid=True)
    except PoFileError as error:
        raise CatalogError(f"{path}: {error}") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CatalogError(f"{path}: cannot read the catalog ({error})") from None


def about(catalog: Catalog, code: str) -> About:
    comment = catalog.header_comment or ""
    translated = _TRANSLATED_BY.search(comment)
    reviewed = _REVIEWED_BY.search(comment)
    reviewer = reviewed.group(1).strip() if reviewed else ""
    return About(
        code=code,
        translated_by=translated.group(1).strip() if translated else "not said",
        reviewed_by=None if reviewer.lower().rstrip(".") in _NOT_REVIEWED else reviewer,
        stale=frozenset(_key(message) for message in catalog if message.id and message.fuzzy),
    )


def _key(message: Message) -> str:
    return message.id[0] if isinstance(message.id, tuple) else message.id


def placeholders(text: str) -> frozenset[str]:
    """The names a text fills in: `%(name)s` from our code, `{name}` from a spec's item label."""
    return frozenset(_PERCENT.findall(text)) | frozenset(PLACEHOLDER.findall(text))


def mismatches(catalog: Catalog) -> list[Message]:
    """Translations that do not fill in exactly the names their English does: used, they would fail
    or leave a detail out, so they are never used."""
    wrong = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = placeholders(sources[-1]) | placeholders(sources[0])
        if any(string and placeholders(string) != wanted for string in strings):
            wrong.append(message)
    return wrong


def compile_catalog(po: Path) -> bytes:
    """The `.mo` of a catalog: without its stale (fuzzy) entries, as `pybabel compile` leaves them out,
    and without any translation whose placeholders differ from its English."""
    catalog = read_catalog(po)
    for message in mismatches(catalog):
        catalog.delete(message.id, context=message.context)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    return compiled.getvalue()


def compile_all(directory: Path | None = None) -> list[Path]:
    """Compile every catalog to its `.mo` (the set-up runs this); returns the files written."""
    written = []
    for code in available(directory):
        po = po_path(code, directory)
        mo = po.with_suffix(".mo")
        temporary = mo.with_suffix(".mo.part")
        temporary.write_bytes(compile_catalog(po))
        temporary.replace(mo)
        written.append(mo)
    return written


def _translations(po: Path) -> Translations:
    mo = po.with_suffix(".mo")
    if mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as file:
            return Translations(file, domain=DOMAIN)
    return Translations(io.BytesIO(compile_catalog(po)), domain=DOMAIN)


_loaded: dict[tuple[Path, str], tuple[Translations, About]] = {}
_lock = threading.Lock()


def _load(code: str, directory: Path | None) -> tuple[Translations, About]:
    directory = directory or translations_dir()
    with _lock:
        key = (directory, code)
        if key not in _loaded:
            po = po_path(code, directory)
            if not po.is_file():
                raise CatalogError(f"There is no catalog for {code!r}: {po} does not exist")
            _loaded[key] = (_translations(po), about(read_catalog(po), code))
        return _loaded[key]


def language(code: str, directory: Path | None = None) -> Language:
    """A fresh `Language` for `code` (its own record of missing messages); English needs no catalog."""
    if code == SOURCE_LOCALE:
        return Language(code)
    translations, _about = _load(code, directory)
    return Language(code, translations)


def about_language(code: str, directory: Path | None = None) -> About:
    """What the catalog of `code` says of itself (English, the source, needs no translator)."""
    if code == SOURCE_LOCALE:
        return About(code, translated_by="the source", reviewed_by="the source")
    return _load(code, directory)[1]


if __name__ == "__main__":  # scripts/translations.sh compile
    for path in compile_all():
        sys.stdout.write(f"Compiled {path.relative_to(PROJECT_ROOT)}\n")
