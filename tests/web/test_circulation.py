"""Circulation in the test client (K2, A3): business support produce every recipient's copies, download
them one by one or as a zip, record what was sent; a later change flags it for sending again; every
download and sending is in the access log; and business support never change the assessment."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from formgen.documents.names import download_name
from formgen.engine.casefile import parse_case
from formgen.engine.distribution import Sending
from formgen.web import revisions
from formgen.web.commands import create_team, create_user, import_case
from formgen.web.extensions import db
from formgen.web.models import AccessEvent, Case
from tests.integration.test_documents import all_text_with_headers
from tests.support import draft, load_example
from tests.web.conftest import PASSWORD, post_as_a_browser, sign_in, submit
from tests.web.test_wizard import summary_links, tree

TEAM = "Eastgate Assessment Team"
WORKER = "pat.worker@example.org"
MANAGER = "mo.manager@example.org"
SUPPORT = "bea.support@example.org"
CASE = "/cases/EX-SIB-01"
PAGE = f"{CASE}/circulation"
FAMILY = f"{CASE}/household/family/family_functioning"
FAMILY_ANSWERS = {
    "family_history": "Changed after the plan went out",
    "wider_family_support": "An aunt nearby",
    "family_group_conference": "declined",
}
# Who receives each child's plan in the example (the grandmother must not; each school its own pupil).
NAMES = {
    "mother": "Shannon Colbeck",
    "father": "Marcus Dacres",
    "family-friend": "Agnieszka Wróbel",  # her copies are in Polish
    "police": "PC Dana Whitlock",
    "tilly-school": "Ravi Sandhu",
    "kai-school": "Claire Ormond",
}
LARGE_PRINT = {"kai-school"}  # the recipients who asked for large print
CHILDREN = {"child-tilly": "Tilly Dacres", "child-kai": "Kai Dacres", "child-poppy": "Poppy Dacres"}
PLANS = {
    "child-tilly": ["mother", "father", "family-friend", "police", "tilly-school"],
    "child-kai": ["mother", "father", "family-friend", "police", "kai-school"],
    "child-poppy": ["mother", "father", "family-friend", "police"],
}


def people(app, case) -> dict:
    create_team(app, TEAM)
    for email, name, role in (
        (WORKER, "Pat Worker", "practitioner"),
        (MANAGER, "Mo Manager", "manager"),
        (SUPPORT, "Bea Support", "business_support"),
    ):
        create_user(app, email, name, role, PASSWORD, team=TEAM)
    import_case(app, case, WORKER, "sibling-group")
    clients = {}
    for email in (WORKER, MANAGER, SUPPORT):
        clients[email] = app.test_client()
        assert sign_in(clients[email], email).status_code == 302
    return clients


@pytest.fixture
def team(app):
    """The sibling group as a draft, with the example's distribution list, in a team of three."""
    return people(app, draft(load_example("sibling-group")))


def text(response) -> str:
    return " ".join(tree(response).text_content().split())


def row(response, child: str, kind: str, recipient: str) -> str:
    """A copy's row as it reads on screen (without the words only a screen reader says)."""
    found = tree(response).xpath(f"//tr[@id='copy-{child}-{kind}-{recipient}']")
    assert found, (child, kind, recipient)
    for hidden in found[0].xpath(".//*[contains(@class, 'govuk-visually-hidden')]"):
        hidden.drop_tree()
    return " ".join(found[0].text_content().split())


def sendings(app) -> list[Sending]:
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        return [Sending.model_validate(entry) for entry in case.circulation]


def revision_of(app, key: str) -> int:
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        return int(revisions.number(case, case.child(key)))


def logged(app, action: str) -> list[tuple[str, list[str]]]:
    """Each event of `action`: its detail and the children it names."""
    with app.app_context():
        found = db.session.scalars(
            db.select(AccessEvent).where(AccessEvent.action == action).order_by(AccessEvent.id)
        ).all()
        return [(event.detail, [child.name for child in event.children]) for event in found]


def record(client, data: dict):
    """Post the page's "record what was sent" form, with the token and revisions it carries."""
    page = tree(client.get(PAGE))
    hidden = {
        element.get("name"): element.get("value")
        for element in page.xpath("//form[@id='page-form']//input[@type='hidden']")
    }
    return client.post(f"{PAGE}/sent", data={**hidden, **data})


def test_why_a_copy_cannot_be_made_is_said_in_the_language_of_the_page(team):
    support = team[SUPPORT]
    assert support.get("/language/cy").status_code == 302
    page = support.get(PAGE)
    assert "Ni ddylai gael copi: Ms Colbeck asked" in row(page, "child-tilly", "plan", "grandmother")
    outcome = row(page, "child-kai", "outcome", "police")
    assert "Caiff canlyniad asesiad ei ysgrifennu unwaith y bydd yr asesiad wedi’i gymeradwyo" in outcome


def test_business_support_produce_the_pack_download_the_zip_and_record_what_was_sent(app, team):
    support = team[SUPPORT]
    home = support.get("/")
    assert tree(home).xpath("//table[@id='ready-to-circulate']//a/@href") == [PAGE] * 3
    assert "Assessment plan: 5 not yet sent" in text(home)

    page = support.get(PAGE)
    assert page.status_code == 200
    assert row(page, "child-tilly", "plan", "mother") == "Shannon Colbeck Assessment plan Ready Download"
    assert "Must not receive a copy: Ms Colbeck asked" in row(page, "child-tilly", "plan", "grandmother")
    outcome = row(page, "child-kai", "outcome", "police")
    assert (
        "The assessment outcome is written once the assessment is approved" in outcome
        and "Download" not in outcome
    )
    assert not tree(page).xpath("//tr[@id='copy-child-poppy-plan-tilly-school']")  # Tilly's school only

    pack = support.get(f"{PAGE}/copies.zip")
    assert pack.status_code == 200 and pack.mimetype == "application/zip"
    assert (
        "Plans and outcomes - Tilly Dacres, Kai Dacres and Poppy Dacres - "
        in pack.headers["Content-Disposition"]
    )
    with zipfile.ZipFile(io.BytesIO(pack.data)) as archive:
        # Named for the people: "Assessment plan - Tilly Dacres - for Shannon Colbeck.docx".
        expected = {
            download_name(
                "plan", CHILDREN[child], for_whom=NAMES[recipient], large_print=recipient in LARGE_PRINT
            ): (child, recipient)
            for child, recipients in PLANS.items()
            for recipient in recipients
        }
        assert sorted(archive.namelist()) == sorted(expected)
        texts = {}
        for name, (_, recipient) in expected.items():
            content = archive.read(name)
            docx.Document(io.BytesIO(content))  # a Word document that opens
            texts[name] = all_text_with_headers(content)
            assert NAMES[recipient] in texts[name], name
            # Each in its reader's language: the family friend's in Polish.
            assert (f"Prepared for {NAMES[recipient]} on " in texts[name]) is (recipient != "family-friend")
    # Each file is its recipient's own copy: the school's name is kept from the father (F5).
    assert "Ravi Sandhu" in texts["Assessment plan - Tilly Dacres - for Shannon Colbeck.docx"]
    assert "Ravi Sandhu" not in texts["Assessment plan - Tilly Dacres - for Marcus Dacres.docx"]
    (zipped,) = logged(app, "downloaded")
    assert zipped[0].startswith("Circulation: every copy (zip): 14 copies (")
    assert sorted(zipped[1]) == ["Kai Dacres", "Poppy Dacres", "Tilly Dacres"]

    chosen = ["child-tilly/plan/mother", "child-tilly/plan/police"]
    assert record(support, {"copies": chosen, "method": "post", "action": "selected"}).status_code == 302
    first = sendings(app)
    assert [(s.child, s.document, s.recipient, s.method.value) for s in first] == [
        ("child-tilly", "plan", "mother", "post"),
        ("child-tilly", "plan", "police", "post"),
    ]
    assert {s.revision for s in first} == {revision_of(app, "child-tilly")}
    assert {s.by.name for s in first} == {"Bea Support"}
    page = support.get(PAGE)
    assert "2 copies recorded as sent by post" in text(page)
    assert row(page, "child-tilly", "plan", "mother").startswith("Shannon Colbeck Assessment plan Sent on ")
    assert "by Bea Support (post)" in row(page, "child-tilly", "plan", "mother")
    (sent,) = logged(app, "circulated")
    assert sent[0].startswith(
        "Circulation: copies recorded as sent: 2 by post: plan of child-tilly for mother"
    )
    assert sent[1] == ["Tilly Dacres"]

    # The family friend's copies are in Polish, a translation not yet reviewed: sending them asks that
    # she was told so.
    unconfirmed = record(support, {"method": "secure_email", "action": "all"})
    assert unconfirmed.status_code == 400 and len(sendings(app)) == 2
    assert "Confirm that the family were told their translated copies are not yet reviewed" in text(
        unconfirmed
    )
    confirmed = {"method": "secure_email", "action": "all", "translations-known": "yes"}
    assert record(support, confirmed).status_code == 302
    assert len(sendings(app)) == 14
    assert "Ready to circulate" not in text(support.get("/"))  # nothing waits
    page = support.get(PAGE)
    assert "Record every ready copy as sent" not in text(page) and "Ready Download" not in text(page)


def test_a_later_change_to_the_assessment_flags_what_was_sent_to_send_again(app, team):
    support, worker, manager = team[SUPPORT], team[WORKER], team[MANAGER]
    assert (
        record(support, {"method": "post", "action": "all", "translations-known": "yes"}).status_code == 302
    )
    before = revision_of(app, "child-tilly")
    assert "Ready to circulate" not in text(manager.get("/"))

    # The practitioner saves the household's answers through the question page: every child's plan.
    assert submit(worker, FAMILY, FAMILY_ANSWERS).status_code == 302
    assert revision_of(app, "child-tilly") == before + 1
    page = support.get(PAGE)
    changed = row(page, "child-kai", "plan", "kai-school")
    assert changed.startswith("Claire Ormond Assessment plan Changed since sent: send again Sent on ")
    assert "Ready to circulate" in text(manager.get("/"))
    home = text(support.get("/"))
    assert "Assessment plan: 5 changed since sent" in home and "Assessment plan: 4 changed since sent" in home

    again = ["child-kai/plan/kai-school"]
    assert (
        record(support, {"copies": again, "method": "handed_over", "action": "selected"}).status_code == 302
    )
    assert sendings(app)[-1].revision == before + 1
    assert row(support.get(PAGE), "child-kai", "plan", "kai-school").endswith("(handed over) Download")
    # The practitioner's own list is their cases, not what waits to be sent.
    assert "Ready to circulate" not in text(worker.get("/"))


def test_a_copy_downloads_in_the_recipients_name_or_says_why_it_cannot_be_made(app, team):
    support = team[SUPPORT]
    copy = support.get(f"{PAGE}/child-kai/plan/kai-school")
    assert copy.status_code == 200 and copy.mimetype.endswith("wordprocessingml.document")
    assert copy.headers["Content-Disposition"] == (
        'attachment; filename="Assessment plan - Kai Dacres - for Claire Ormond (large print).docx"'
    )
    assert "Prepared for Claire Ormond on " in all_text_with_headers(copy.data)
    (downloaded,) = logged(app, "downloaded")
    assert downloaded[0].startswith("Circulation: one recipient’s copy: Assessment plan for kai-school")
    assert downloaded[1] == ["Kai Dacres"]  # the one child whose document it is

    # In the format each recipient asked for: the police's copy as a PDF.
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        case.distribution = [
            {**entry, "format": "pdf"} if entry["id"] == "police" else entry for entry in case.distribution
        ]
        db.session.commit()
    pdf = support.get(f"{PAGE}/child-kai/plan/police")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert (
        'filename="Assessment plan - Kai Dacres - for PC Dana Whitlock.pdf"'
        in pdf.headers["Content-Disposition"]
    )

    refused = support.get(f"{PAGE}/child-kai/plan/grandmother")
    assert refused.status_code == 409 and "Must not receive a copy" in text(refused)
    assert support.get(f"{PAGE}/child-kai/outcome/police").status_code == 409
    for path in ("child-kai/plan/tilly-school", "child-kai/record/police", "child-nobody/plan/police"):
        assert support.get(f"{PAGE}/{path}").status_code == 404, path
    assert len(logged(app, "downloaded")) == 2


def test_what_cannot_be_recorded_is_said_and_nothing_is_recorded(app, team):
    support, worker = team[SUPPORT], team[WORKER]
    nothing = record(support, {"action": "selected"})
    assert nothing.status_code == 400
    assert summary_links(nothing) == [
        ("Select the copies that were sent", "#copies"),
        ("Select how the copies were sent", "#method"),
    ]
    for copies in (["child-tilly/plan/grandmother"], ["child-tilly/plan/nobody"], ["../../etc"]):
        refused = record(support, {"copies": copies, "method": "post", "action": "selected"})
        assert refused.status_code == 400
        assert summary_links(refused) == [("Select copies that can be made", "#copies")]
    tampered = record(
        support, {"copies": ["child-kai/plan/police"], "method": "pigeon", "action": "selected"}
    )
    assert summary_links(tampered) == [("Select how the copies were sent", "#method")]
    assert tree(tampered).xpath("//input[@name='copies'][@checked]/@value") == ["child-kai/plan/police"]

    # A page opened before the practitioner saved: its copies were made from an older revision.
    opened = tree(support.get(PAGE))
    hidden = {
        e.get("name"): e.get("value") for e in opened.xpath("//form[@id='page-form']//input[@type='hidden']")
    }
    assert submit(worker, FAMILY, FAMILY_ANSWERS).status_code == 302
    stale = support.post(
        f"{PAGE}/sent",
        data={**hidden, "copies": ["child-kai/plan/police"], "method": "post", "action": "selected"},
    )
    assert stale.status_code == 409
    assert summary_links(stale) == [
        (
            "Kai Dacres’s assessment has changed since you opened this page. Download the copies again, "
            "then record them as sent",
            "#child-child-kai",
        )
    ]
    assert sendings(app) == []
    token = support.csrf_token(PAGE)
    assert (
        support.post(
            f"{PAGE}/sent", data={"csrf_token": token, "method": "post", "action": "all"}
        ).status_code
        == 409
    )


def test_an_approved_outcome_waits_to_be_sent_except_where_it_is_withheld(app):
    case = load_example("sibling-group")  # approved
    tilly = case.child("child-tilly")
    withheld = tilly.model_copy(update={"answers": {**tilly.answers, "outcome_withheld": True}})
    case = case.model_copy(update={"children": [withheld, *case.children[1:]]})
    support = people(app, case)[SUPPORT]
    page = support.get(PAGE)
    assert row(page, "child-kai", "outcome", "police") == "PC Dana Whitlock Assessment outcome Ready Download"
    # I4: while Tilly's outcome is withheld from the family, it goes only to the professionals.
    assert "The outcome is being withheld from the child and family" in row(
        page, "child-tilly", "outcome", "mother"
    )
    assert (
        row(page, "child-tilly", "outcome", "police") == "PC Dana Whitlock Assessment outcome Ready Download"
    )
    outcome = support.get(f"{PAGE}/child-tilly/outcome/police")
    assert outcome.status_code == 200 and "Prepared for PC Dana Whitlock" in all_text_with_headers(
        outcome.data
    )
    assert support.get(f"{PAGE}/child-tilly/outcome/mother").status_code == 409
    waiting = [
        [line.text_content() for line in cell.xpath(".//li")]
        for cell in tree(support.get("/")).xpath("//table[@id='ready-to-circulate']//td[3]")
    ]
    assert waiting == [
        ["Assessment plan: 5 not yet sent", "Assessment outcome: 2 not yet sent"],
        ["Assessment plan: 5 not yet sent", "Assessment outcome: 5 not yet sent"],
        ["Assessment plan: 4 not yet sent", "Assessment outcome: 4 not yet sent"],
    ]


def test_business_support_cannot_change_the_assessment(app, team):
    """A3: they produce and circulate plans; every page that changes answers refuses them."""
    support = team[SUPPORT]
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        household, kai = dict(case.household), dict(case.child("child-kai").answers)
    token = support.csrf_token(PAGE)
    for path, answers in (
        (FAMILY, FAMILY_ANSWERS),
        (f"{CASE}/children/child-kai/child_views/seeing_the_child", {"child_seen": "no"}),
        (f"{CASE}/household/case/household/household_members/p-mother", {"name": "Someone Else"}),
        (f"{CASE}/household/case/household/household_members/p-mother/remove", {"confirm": "yes"}),
        (f"{CASE}/children/child-kai/send", {}),
        (f"{CASE}/children/new", {"child_name": "Not A Child"}),
    ):
        response = support.post(path, data={"csrf_token": token, "version": "1", **answers})
        assert response.status_code == 403, path
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        assert (case.household, case.child("child-kai").answers) == (household, kai)
        assert len(case.children) == 3


def test_the_case_file_carries_the_list_what_is_withheld_and_what_was_sent_and_imports_again(app, team):
    support, worker = team[SUPPORT], team[WORKER]
    chosen = ["child-tilly/plan/police"]
    assert (
        record(support, {"copies": chosen, "method": "secure_email", "action": "selected"}).status_code == 302
    )
    added = {
        "who": "outside",
        "name": "Hana Visitor",
        "role": "Health visitor",
        "address": "Clinic\nNorthbrook",
    }
    added |= {"language": "en", "format": "pdf", "children": ["child-poppy"], "receives": "yes"}
    assert submit(worker, f"{CASE}/distribution/new", added).status_code == 302

    exported = parse_case(worker.get(f"{CASE}/case-file.json").data, "exported")
    example = draft(load_example("sibling-group"))
    assert [r.id for r in exported.distribution] == [*(r.id for r in example.distribution), "r1"]
    assert (
        exported.distribution[-1].name == "Hana Visitor" and exported.distribution[-1].format.value == "pdf"
    )
    assert exported.withheld == example.withheld
    assert exported.circulation == sendings(app) and exported.circulation[0].method.value == "secure_email"

    copy = exported.model_copy(update={"reference": "EX-SIB-02"})
    import_case(app, copy, WORKER, "exported")  # refuses a list or log naming what the case lacks
    again = parse_case(worker.get("/cases/EX-SIB-02/case-file.json").data, "again")
    for part in ("distribution", "withheld", "circulation"):
        assert getattr(again, part) == getattr(exported, part), part


def test_removing_a_child_takes_their_copies_and_their_own_recipients_off_the_list(app):
    case = draft(load_example("sibling-group"))
    team = people(app, case)
    support, worker = team[SUPPORT], team[WORKER]
    assert (
        record(support, {"method": "post", "action": "all", "translations-known": "yes"}).status_code == 302
    )
    path = f"{CASE}/children/child-kai/remove"
    asked = worker.get(path)
    assert (
        "Claire Ormond no longer receives any documents, so they are taken off the distribution list"
        in text(asked)
    )
    assert submit(worker, path, {"confirm": "yes"}).status_code == 302
    exported = parse_case(worker.get(f"{CASE}/case-file.json").data, "exported")
    assert "kai-school" not in {r.id for r in exported.distribution}
    assert exported.recipient("tilly-school").children == ["child-tilly"]  # never widened to "every child"
    assert {s.child for s in exported.circulation} == {"child-tilly", "child-poppy"}
    assert not [w for w in exported.withheld if w.item == "kai-school"]
    import_case(app, exported.model_copy(update={"reference": "EX-SIB-03"}), WORKER, "exported")


def test_a_person_removed_from_the_household_leaves_the_list_unless_they_were_sent_copies(app, team):
    support, worker = team[SUPPORT], team[WORKER]
    chosen = ["child-tilly/plan/mother"]
    assert record(support, {"copies": chosen, "method": "post", "action": "selected"}).status_code == 302
    people = f"{CASE}/household/case/household/household_members"
    # The grandmother was never sent a copy: she goes from the list with her removal.
    asked = text(worker.get(f"{people}/p-grandmother/remove"))
    assert "Pauline Colbeck is taken off the distribution list" in asked
    assert submit(worker, f"{people}/p-grandmother/remove", {"confirm": "yes"}).status_code == 302
    # The mother was: the log names her, so she stays, by name, receiving nothing more.
    asked = text(worker.get(f"{people}/p-mother/remove"))
    assert "Shannon Colbeck stays on the distribution list as someone who must not receive a copy" in asked
    assert submit(worker, f"{people}/p-mother/remove", {"confirm": "yes"}).status_code == 302

    exported = parse_case(worker.get(f"{CASE}/case-file.json").data, "exported")
    assert "grandmother" not in {r.id for r in exported.distribution}
    mother = exported.recipient("mother")
    assert (mother.person, mother.name, mother.confirmed) == (None, "Shannon Colbeck", None)
    assert mother.excluded_reason == "No longer one of the people in the household"
    assert "Must not receive a copy: No longer one of the people" in row(
        support.get(PAGE), "child-kai", "plan", "mother"
    )
    import_case(app, exported.model_copy(update={"reference": "EX-SIB-04"}), WORKER, "exported")


def test_a_copy_that_cannot_be_made_in_its_readers_language_offers_the_english_one(
    app, team, tmp_path, monkeypatch
):
    """A stale catalog refuses only its language's copies, with a link to the English copy; the rest of
    the service keeps running (issue 12)."""
    support = team[SUPPORT]
    (note,) = tree(support.get(PAGE)).xpath("//*[@id='language-child-kai-plan-family-friend']")
    assert note.text_content() == "In Polish: the translation is not yet reviewed by a qualified translator"
    translated = support.get(f"{PAGE}/child-kai/plan/family-friend")
    assert translated.status_code == 200
    assert "Prepared for Agnieszka Wróbel" not in all_text_with_headers(translated.data)  # in Polish

    empty = tmp_path / "translations"  # no catalog at all: as if Polish were not shipped
    empty.mkdir()
    monkeypatch.setenv("FORMGEN_TRANSLATIONS_DIR", str(empty))
    refused = support.get(f"{PAGE}/child-kai/plan/family-friend")
    assert refused.status_code == 409 and "cannot be made in Polish" in text(refused)
    (english_href,) = tree(refused).xpath("//a[@id='english-instead']/@href")
    english = support.get(english_href)
    assert english.status_code == 200
    assert "Prepared for Agnieszka Wróbel on " in all_text_with_headers(english.data)
    assert "(in English, in place of their language)" in logged(app, "downloaded")[-1][0]
    assert support.get(f"{PAGE}/child-kai/plan/family-friend?language=pl").status_code == 404
    assert support.get(f"{PAGE}/child-kai/plan/mother").status_code == 200  # everyone else's copies


def test_a_family_member_who_asks_for_both_is_sent_the_english_copy_with_theirs(app, team):
    worker, support = team[WORKER], team[SUPPORT]
    entry = f"{CASE}/distribution/recipients/family-friend"
    changed = post_as_a_browser(worker, entry, {"language": "pl", "english_too": "yes", "format": "word"})
    assert changed.status_code == 302, text(changed)
    listed = text(worker.get(f"{CASE}/distribution"))
    assert "Polish, and the English copy too" in listed
    assert logged(app, "recipient_changed")[-1][0].startswith(
        "Distribution list: a recipient: family-friend: the English copy too"
    )

    page = support.get(PAGE)
    (note,) = tree(page).xpath("//*[@id='language-child-kai-plan-family-friend']")
    assert note.text_content() == (
        "In Polish and in English: the Polish translation is not yet reviewed by a qualified translator"
    )
    assert "Download the English copy too" in row(page, "child-kai", "plan", "family-friend")
    assert "English copy" not in row(page, "child-kai", "plan", "mother")  # hers is in English already
    (href,) = tree(page).xpath(
        "//tr[@id='copy-child-kai-plan-family-friend']//a[starts-with(., 'Download the English copy')]/@href"
    )
    english = support.get(href)
    assert english.status_code == 200
    assert "Prepared for Agnieszka Wróbel on " in all_text_with_headers(english.data)
    assert "(English).docx" in english.headers["Content-Disposition"]
    assert (
        "(in English, as they asked for with their own language's copy)" in logged(app, "downloaded")[-1][0]
    )

    with zipfile.ZipFile(io.BytesIO(support.get(f"{PAGE}/copies.zip").data)) as archive:
        names = set(archive.namelist())
        for child in ("Tilly Dacres", "Kai Dacres", "Poppy Dacres"):
            theirs = f"Assessment plan - {child} - for Agnieszka Wróbel.docx"
            both = f"Assessment plan - {child} - for Agnieszka Wróbel (English).docx"
            assert {theirs, both} <= names
            assert "Prepared for Agnieszka Wróbel on " in all_text_with_headers(archive.read(both))
            assert "Prepared for Agnieszka Wróbel on " not in all_text_with_headers(archive.read(theirs))
