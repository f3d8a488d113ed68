"""Downloads are named for people and documents, in the Content-Disposition a browser saves them by:
the child's documents, each recipient's copy and every entry of the pack's zip."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from urllib.parse import quote

import pytest

from formgen.web.commands import import_case
from tests.support import draft, load_example
from tests.web.conftest import EMAIL
from tests.web.test_circulation import PAGE, SUPPORT, people

TILLY = "/cases/EX-SIB-01/children/child-tilly"


def saved_as(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    ("kind", "name"),
    [("record", "Assessment record"), ("plan", "Assessment plan"), ("child", "Assessment for the child")],
)
def test_each_of_a_childs_documents_is_named_for_the_document_the_child_and_the_day(client, app, kind, name):
    import_case(app, draft(load_example("sibling-group")), EMAIL, "sibling-group")
    made = date.today().isoformat()
    assert saved_as(client.get(f"{TILLY}/documents/{kind}.docx")) == (
        f'attachment; filename="{name} - Tilly Dacres - {made}.docx"'
    )


def with_child_name(name: str):
    case = draft(load_example("sibling-group"))
    tilly = case.child("child-tilly")
    renamed = tilly.model_copy(update={"answers": {**tilly.answers, "child_name": name}})
    return case.model_copy(update={"children": [renamed, *case.children[1:]]})


@pytest.mark.parametrize("name", ["Siân ap Rhys", "ليلى حداد"])
def test_a_name_in_another_language_is_kept_and_sent_as_rfc_5987(client, app, name):
    import_case(app, with_child_name(name), EMAIL, "sibling-group")
    header = saved_as(client.get(f"{TILLY}/documents/record.docx"))
    wanted = f"Assessment record - {name} - {date.today().isoformat()}.docx"
    # The UTF-8 name for every browser of this century; a plain one beside it for older ones.
    assert f"filename*=UTF-8''{quote(wanted)}" in header
    assert header.startswith("attachment; filename=")
    header.encode("latin-1")  # a header holds no character outside Latin-1


def test_a_hostile_name_makes_a_safe_file_name(client, app):
    import_case(app, with_child_name('Tilly "T" Dacres/../x\r\nSet-Cookie: a=b'), EMAIL, "sibling-group")
    header = saved_as(client.get(f"{TILLY}/documents/record.docx"))
    made = date.today().isoformat()
    assert (
        header
        == f'attachment; filename="Assessment record - Tilly _T_ Dacres_.._x Set-Cookie_ a=b - {made}.docx"'
    )


def test_each_copy_and_every_entry_of_the_zip_has_its_own_name_even_for_recipients_of_one_name(app):
    case = draft(load_example("sibling-group"))
    police = next(recipient for recipient in case.distribution if recipient.id == "police")
    twin = police.model_copy(update={"id": "police-2"})  # a second officer of the same name
    support = people(app, case.model_copy(update={"distribution": [*case.distribution, twin]}))[SUPPORT]
    for recipient in ("police", "police-2"):
        assert saved_as(support.get(f"{PAGE}/child-kai/plan/{recipient}")) == (
            'attachment; filename="Assessment plan - Kai Dacres - for PC Dana Whitlock.docx"'
        )
    pack = support.get(f"{PAGE}/copies.zip")
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names)) == 17
    assert "Assessment plan - Kai Dacres - for PC Dana Whitlock.docx" in names
    assert "Assessment plan - Kai Dacres - for PC Dana Whitlock (2).docx" in names
    assert "Assessment plan - Tilly Dacres - for Shannon Colbeck.docx" in names
