"""Every sentence people read goes through `_` (or `ngettext`), in the language being spoken.

The language is a context variable, not an argument: a document about a child is built by many small
functions (labels, dates, choice labels, letters) and each of them asks `_` for its words, as Flask-Babel
does for a request, without Flask. `speaking(language)` sets it for a block; outside one it is English,
the language the sources are written in.

A `Language` remembers the messages it was asked for that its catalog has not got, so that a document
made in it can be refused rather than printed half in English (K4).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from functools import cached_property
from gettext import NullTranslations

from babel import Locale

SOURCE_LOCALE = "en"


@dataclass(eq=False)
class Language:
    """A locale and its catalog; `missing` collects the messages asked for that it has no words for."""

    code: str  # as the distribution list stores it (BCP 47: "cy", "pa", "ur")
    translations: NullTranslations = field(default_factory=NullTranslations)
    missing: set[str] = field(default_factory=set)
    asked: set[str] | None = None  # when a set, every message asked for is added to it

    @cached_property  # every date and list of a document asks for it
    def locale(self) -> Locale:
        return Locale.parse(self.code.replace("-", "_"))

    @property
    def babel_locale(self) -> str:
        # Dates in British English, not American, for the source language.
        return "en_GB" if self.code == SOURCE_LOCALE else str(self.locale)

    @property
    def right_to_left(self) -> bool:
        return self.locale.character_order == "right-to-left"

    @property
    def is_source(self) -> bool:
        return self.code == SOURCE_LOCALE

    def gettext_or_none(self, message: str) -> str | None:
        """The catalog's words for `message`, or None if it has none (English: the message itself)."""
        if self.is_source or not message:
            return message
        return getattr(self.translations, "_catalog", {}).get(message) or None

    def words(self, message: str) -> str:
        """The catalog's words for `message`, placeholders unfilled (the English, noted as missing,
        when it has none)."""
        if self.asked is not None:
            self.asked.add(message)
        found = self.gettext_or_none(message)
        if found is None:
            self.missing.add(message)
            return message
        return found

    def plural_words(self, singular: str, plural: str, n: int) -> str:
        """The catalog's plural form for `n`, placeholders unfilled."""
        if self.asked is not None:
            self.asked.add(singular)
        if self.is_source:
            return singular if n == 1 else plural
        catalog = getattr(self.translations, "_catalog", {})
        index = self.translations.plural(n) if hasattr(self.translations, "plural") else int(n != 1)
        found = catalog.get((singular, index))
        if not found:
            self.missing.add(singular)
            return singular if n == 1 else plural
        return found

    def gettext(self, message: str, /, **values: object) -> str:
        text = self.words(message)
        # %-formatting with names only: a translation reorders them freely, and a spec text is never
        # a format string (values are given only by our own code).
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        return self.plural_words(singular, plural, n) % {"num": n, **values}


ENGLISH = Language(SOURCE_LOCALE)
_speaking: ContextVar[Language] = ContextVar("formgen_language", default=ENGLISH)


def current() -> Language:
    return _speaking.get()


@contextmanager
def speaking(language: Language) -> Iterator[Language]:
    """Everything `_` says inside the block is in `language`."""
    token = start_speaking(language)
    try:
        yield language
    finally:
        stop_speaking(token)


def start_speaking(language: Language) -> Token[Language]:
    """`speaking` for a span that is not a block, such as a web request; `stop_speaking` ends it."""
    return _speaking.set(language)


def stop_speaking(token: Token[Language]) -> None:
    _speaking.reset(token)


def _(message: str, /, **values: object) -> str:
    """`message` in the current language, `%(name)s` filled from `values`."""
    return _speaking.get().gettext(message, **values)


def ngettext(singular: str, plural: str, n: int, /, **values: object) -> str:
    """The plural form for `n` in the current language; `%(num)d` is `n`."""
    return _speaking.get().ngettext(singular, plural, n, **values)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; `_` translates it where it is used."""
    return message
