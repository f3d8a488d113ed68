"""Where formgen finds its specs and templates, and which authority it serves: configuration, not code."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_AUTHORITY = "general"


@dataclass(frozen=True)
class Settings:
    spec_dir: Path
    template_dir: Path
    examples_dir: Path
    authority: str

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> Settings:
        """FORMGEN_SPEC_DIR, _TEMPLATE_DIR, _EXAMPLES_DIR and _AUTHORITY; by default, the checkout's."""
        environ = dict(os.environ) if environ is None else environ
        return cls(
            spec_dir=Path(environ.get("FORMGEN_SPEC_DIR", PROJECT_ROOT / "form_specs")),
            template_dir=Path(environ.get("FORMGEN_TEMPLATE_DIR", PROJECT_ROOT / "templates_docx")),
            examples_dir=Path(environ.get("FORMGEN_EXAMPLES_DIR", PROJECT_ROOT / "examples")),
            authority=environ.get("FORMGEN_AUTHORITY", DEFAULT_AUTHORITY),
        )


def unoserver_program(environ: dict[str, str] | None = None) -> Path:
    """FORMGEN_UNOSERVER: the `unoserver` that makes PDF copies, in the virtualenv scripts/setup.sh
    makes from Debian's Python (the only one that can `import uno`); by default the checkout's."""
    environ = dict(os.environ) if environ is None else environ
    return Path(environ.get("FORMGEN_UNOSERVER", PROJECT_ROOT / ".venv-uno" / "bin" / "unoserver"))
