"""Adding a document is a template and one registry entry: with nothing else changed, the command line
renders it with --all, `formgen check` checks it, and the task list offers it for download. And the
web app, like the command line, uses its authority's own copy of a template."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from formgen.check import check_everything
from formgen.cli import main
from formgen.registry import DOCUMENTS, READERS, DocumentKind
from formgen.web import create_app
from formgen.web.commands import create_user, import_case
from formgen.web.database import upgrade
from tests.integration.test_documents import all_text_with_headers
from tests.integration.test_templates import OWN_TITLE, own_record
from tests.support import TODAY, draft, load_example
from tests.web.conftest import EMAIL, PASSWORD, sign_in
from tests.web.pagecheck import CheckedClient
from tests.web.test_wizard import tree

SUMMARY = DocumentKind("summary", "One-page summary", "One-page summary", "summary.docx", READERS)


@pytest.fixture
def summary(project_copy, monkeypatch):
    """The one registry entry, and its template: a title and two tags."""
    monkeypatch.setitem(DOCUMENTS, SUMMARY.id, SUMMARY)
    document = Document()
    document.add_paragraph("{{ document.title }}", style="Title")
    document.add_paragraph("About {{ child.name }}, case {{ case.reference }}.")
    document.add_paragraph("End of the summary.")
    document.save(project_copy.template_dir / SUMMARY.template)
    return project_copy


def test_render_all_writes_the_new_document_for_every_child(summary, tmp_path):
    environment = {
        "FORMGEN_SPEC_DIR": str(summary.spec_dir),
        "FORMGEN_TEMPLATE_DIR": str(summary.template_dir),
        "FORMGEN_EXAMPLES_DIR": str(summary.examples_dir),
    }
    case = summary.examples_dir / "sibling-group.json"
    result = CliRunner().invoke(
        main, ["render", str(case), "--all", "--out-dir", str(tmp_path)], env=environment
    )
    assert result.exit_code == 0, result.output
    written = sorted(Path(line) for line in result.output.splitlines() if line.endswith("-summary.docx"))
    assert [path.name for path in written] == [
        f"EX-SIB-01-{child}-summary.docx" for child in ("child-kai", "child-poppy", "child-tilly")
    ]
    assert "About Kai Dacres, case EX-SIB-01." in all_text_with_headers(written[0].read_bytes())


def test_check_checks_the_new_documents_template(summary):
    assert check_everything(summary, today=TODAY) == []
    Path(summary.template_dir / SUMMARY.template).write_text("not a document")
    problems = [str(problem) for problem in check_everything(summary, today=TODAY)]
    assert problems and all(
        problem.startswith(str(summary.template_dir / SUMMARY.template)) for problem in problems
    )


def signed_in(settings, tmp_path, monkeypatch):
    """The web app on these settings, with the sibling group held by the signed-in practitioner."""
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    url = f"sqlite:///{tmp_path / 'formgen.db'}"
    upgrade(url)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "FORMGEN_SETTINGS": settings},
        instance_path=tmp_path,
    )
    app.test_client_class = CheckedClient
    create_user(app, EMAIL, "Sam Practitioner", "practitioner", PASSWORD)
    reference = import_case(app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client, reference


def test_the_task_list_offers_the_new_document_named_for_the_child(summary, tmp_path, monkeypatch):
    client, reference = signed_in(summary, tmp_path, monkeypatch)
    page = tree(client.get(f"/cases/{reference}/children/child-tilly"))
    (link,) = page.xpath("//a[contains(@href, '/documents/summary.docx')]")
    assert "One-page summary" in link.text_content()
    response = client.get(link.get("href"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="One-page summary - Tilly Dacres - '
    )
    assert "About Tilly Dacres, case EX-SIB-01." in all_text_with_headers(response.data)


def test_the_web_app_uses_its_authoritys_own_template(project_copy, tmp_path, monkeypatch):
    own_record(project_copy, project_copy.authority)
    client, reference = signed_in(project_copy, tmp_path, monkeypatch)
    record = client.get(f"/cases/{reference}/children/child-tilly/documents/record.docx")
    assert record.status_code == 200 and OWN_TITLE in all_text_with_headers(record.data)
    plan = client.get(f"/cases/{reference}/children/child-tilly/documents/plan.docx")
    assert plan.status_code == 200 and OWN_TITLE not in all_text_with_headers(plan.data)
