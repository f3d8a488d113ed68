"""Shared fixtures: the shipped form, the templates, the example cases and a writable copy of them all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from formgen.documents import TemplateStore
from formgen.documents.converter import Converter, converter
from formgen.engine import CaseFile
from formgen.settings import PROJECT_ROOT, Settings
from formgen.spec import FormSpec, load_spec
from tests.support import EXAMPLES, SPEC_DIR, TEMPLATE_DIR, load_example


@pytest.fixture(scope="session")
def form() -> FormSpec:
    return load_spec(SPEC_DIR, "general")


@pytest.fixture(scope="session")
def store() -> TemplateStore:
    return TemplateStore(TEMPLATE_DIR)


@pytest.fixture(params=[path.stem for path in EXAMPLES])
def example(request) -> CaseFile:
    return load_example(request.param)


@pytest.fixture
def project_copy(tmp_path: Path) -> Settings:
    """A writable copy of the specs, templates and examples, for tests that break things on purpose."""
    for name in ("form_specs", "templates_docx", "examples"):
        shutil.copytree(PROJECT_ROOT / name, tmp_path / name)
    return Settings(tmp_path / "form_specs", tmp_path / "templates_docx", tmp_path / "examples", "general")


@pytest.fixture(scope="session")
def running() -> Converter:
    """This process's PDF converter, the one the web app and `formgen render` use: started once for the
    whole run (a start costs about 7 s)."""
    process_converter = converter()
    process_converter.start()
    return process_converter
