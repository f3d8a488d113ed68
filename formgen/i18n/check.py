"""`formgen check` of the translations: the template behind the code, and each catalog broken, stale,
unlabelled or behind the template, every problem named by file and line.

A stale catalog only loses the messages whose English changed (they are not used, and a document that
needs one is refused), so the service keeps running; CI fails on it so that no shipped catalog is.
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from formgen.display import clean_text
from formgen.i18n import catalogs
from formgen.settings import PROJECT_ROOT
from formgen.spec.problems import Problem

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}  # as scripts/translations.sh extract gives them
UPDATE = "run scripts/translations.sh update"


@functools.cache  # once per process: a second `formgen check` in the tests need not walk the tree again
def extracted_messages(root: Path = PROJECT_ROOT) -> frozenset[str]:
    """Every message the code, pages, specs and templates hold, as `babel.cfg` finds them."""
    with (root / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    return frozenset(
        _first(message)
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root), method_map, options_map, keywords=KEYWORDS
        )
    )


def _first(message: str | tuple[str, ...]) -> str:
    return message if isinstance(message, str) else message[0]


def _ids(catalog: Catalog) -> frozenset[str]:
    return frozenset(_first(message.id) for message in catalog if message.id)


def check_translations(root: Path = PROJECT_ROOT, directory: Path | None = None) -> list[Problem]:
    template = root / "translations" / f"{catalogs.DOMAIN}.pot"
    label = str(template.relative_to(root))
    try:
        wanted = _ids(catalogs.read_catalog(template))
    except catalogs.CatalogError as error:
        return [Problem(label, None, "", str(error))]
    now = extracted_messages(root)
    problems = []
    if now != wanted:
        new, gone = sorted(now - wanted), sorted(wanted - now)
        example = f'new: "{new[0][:60]}"' if new else f'no longer used: "{gone[0][:60]}"'
        problems.append(
            Problem(
                label,
                None,
                "",
                f"out of date ({len(new)} new, {len(gone)} no longer used; {example}): {UPDATE}",
            )
        )
    for code in catalogs.available(directory):
        problems.extend(check_catalog(catalogs.po_path(code, directory), wanted))
    return problems


def check_catalog(path: Path, wanted: frozenset[str]) -> list[Problem]:
    """One catalog's problems; `wanted` is every message of the template."""
    label = str(path)
    try:
        catalog = catalogs.read_catalog(path)
    except catalogs.CatalogError as error:
        return [Problem(label, None, "", str(error).removeprefix(f"{path}: "))]
    problems = []
    comment = catalog.header_comment or ""
    if "Translated by:" not in comment or "Reviewed by a qualified translator:" not in comment:
        problems.append(
            Problem(
                label,
                1,
                "header",
                'say who translated it and whether a qualified translator has reviewed it: "# Translated by: '
                '..." and "# Reviewed by a qualified translator: no" (or their name)',
            )
        )
    if catalog.fuzzy:
        problems.append(Problem(label, 1, "header", "the header is marked fuzzy: remove the flag"))
    for message in catalog:
        if not message.id:
            continue
        key = _first(message.id)
        if message.fuzzy:
            problems.append(
                Problem(
                    label,
                    message.lineno,
                    f'"{key[:60]}"',
                    "stale: its English changed since it was translated; translate it again and remove the "
                    "fuzzy flag",
                )
            )
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(string and clean_text(string) != string for string in strings):
            problems.append(
                Problem(label, message.lineno, f'"{key[:60]}"', "the translation holds a control character")
            )
    for message in catalogs.mismatches(catalog):
        problems.append(
            Problem(
                label,
                message.lineno,
                f'"{_first(message.id)[:60]}"',
                "the translation does not fill in the same details as the English "
                f"({', '.join(sorted(catalogs.placeholders(_first(message.id))))}): it is not used",
            )
        )
    missing = wanted - _ids(catalog)
    if missing:
        problems.append(
            Problem(label, None, "", f"behind the template: {len(missing)} messages are not in it; {UPDATE}")
        )
    return problems
