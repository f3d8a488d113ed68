"""Render Word documents with docxtpl, the way FIELD-NOTES says is safe.

- autoescape always: without it a value holding `&` or `<` silently corrupts the document;
- undefined names fail (StrictUndefined): a misspelt tag is an error, not a blank;
- a fresh DocxTemplate per render from cached bytes: one template object shared between threads
  crashed the process and mixed one case's data into another's document.
"""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from formgen.display import clean_text
from formgen.documents.layout import fit_columns
from formgen.i18n import _, ngettext


class TemplateError(Exception):
    """A template that cannot be rendered, named by file, with the text around the problem."""


def _finalize(value: Any) -> Any:
    # A second guard behind the context builder: whatever reaches the XML is valid XML text.
    return clean_text(value) if isinstance(value, str) else value


def jinja_environment() -> jinja2.Environment:
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True, finalize=_finalize)
    # Plain functions, not Jinja's i18n extension: its newstyle gettext marks a translation safe, and a
    # translation holding "&" or "<" would go into the XML raw. These return text, which is escaped.
    environment.globals.update(_=_, ngettext=ngettext)
    return environment


AUTHORITIES = "authorities"  # templates_docx/authorities/<authority id>/<template>: an authority's own
_AUTHORITY_ID = re.compile(r"[A-Za-z0-9_-]+")


def override_dir(directory: Path, authority: str) -> Path | None:
    """Where an authority's own templates are; None for a name that is not one folder's."""
    return directory / AUTHORITIES / authority if _AUTHORITY_ID.fullmatch(authority) else None


class TemplateStore:
    """Reads each template's bytes once; every render opens its own DocxTemplate from them.

    With an authority, its own copy of a template (in `authorities/<authority>/`) is used where it has
    one, and the shared one otherwise.
    """

    def __init__(self, directory: Path, authority: str | None = None) -> None:
        self.directory = directory
        self.authority = authority
        # Each template's file and its bytes, read together once: an error names the file whose bytes
        # were rendered, even if an authority's own copy appears later, and no render looks again.
        self._loaded: dict[str, tuple[Path, bytes]] = {}
        self._lock = threading.Lock()

    def path(self, name: str) -> Path:
        """The file a template's name stands for: the authority's copy if it has one (the file already
        read, once it has been)."""
        with self._lock:
            if name in self._loaded:
                return self._loaded[name][0]
        return self._locate(name)

    def _locate(self, name: str) -> Path:
        own = override_dir(self.directory, self.authority) if self.authority else None
        if own is not None and (own / name).is_file():
            return own / name
        return self.directory / name

    def _load(self, name: str) -> tuple[Path, bytes]:
        with self._lock:
            if name not in self._loaded:
                path = self._locate(name)
                try:
                    self._loaded[name] = (path, path.read_bytes())
                except OSError as error:
                    raise TemplateError(f"{path}: cannot read the template ({error.strerror})") from None
            return self._loaded[name]

    def raw(self, name: str) -> bytes:
        return self._load(name)[1]

    def render(self, name: str, context: dict[str, Any]) -> bytes:
        """The rendered document's bytes."""
        path, raw = self._load(name)
        try:
            template = DocxTemplate(io.BytesIO(raw))
            template.render(context, jinja_env=jinja_environment(), autoescape=True)
        except jinja2.TemplateError as error:
            raise TemplateError(f"{path}: {error.message or error}{_around(error)}") from None
        except Exception as error:  # docxtpl, lxml and python-docx raise many kinds: name the file
            raise TemplateError(f"{path}: cannot render: {error}") from error
        output = io.BytesIO()
        template.save(output)
        return fit_columns(output.getvalue())


def _around(error: jinja2.TemplateError) -> str:
    """The document text near a syntax error: docx XML is one long line, so the line number is no help."""
    lines = [line.strip() for line in getattr(error, "docx_context", []) if line.strip()]
    return f" (near: {' / '.join(lines)[:200]})" if lines else ""
