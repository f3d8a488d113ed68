"""The distribution list in the test client: adding, changing and removing recipients, its messages,
business support keeping it without confirming anyone, and what clears a confirmation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from formgen.engine import recipients as rules
from formgen.engine.distribution import DISTRIBUTION_LIST, Method, Recipient, Sending, Withholding
from formgen.engine.review import Person
from formgen.web.commands import create_team, create_user, import_case
from formgen.web.extensions import db
from formgen.web.models import AccessEvent, Case
from tests.support import draft, load_example
from tests.web.conftest import PASSWORD, sign_in, submit
from tests.web.test_wizard import summary_links, tree

TEAM = "Eastgate Assessment Team"
WORKER = "pat.worker@example.org"
MANAGER = "mo.manager@example.org"
SUPPORT = "bea.support@example.org"
CASE = "/cases/EX-SIB-01"
LIST = f"{CASE}/distribution"
NEW = f"{LIST}/new"
MOTHER = {"who": "member-p-mother", "address": "1 Example Road\nNorthbrook", "receives": "yes"}
MOTHER |= {"language": "en", "format": "word"}
SCHOOL = {
    "who": "outside",
    "name": "Dee Lead",
    "role": "Designated safeguarding lead",
    "organisation": "Northbrook Primary School",
    "email": "dsl@northbrook.sch.example.org",
    "language": "pl",
    "format": "large_print",
    "children": ["child-tilly", "child-kai"],
    "referrer": "yes",
    "receives": "yes",
}


@pytest.fixture
def team(app):
    """The sibling group held by a practitioner of a team with a manager and business support."""
    create_team(app, TEAM)
    for email, name, role in (
        (WORKER, "Pat Worker", "practitioner"),
        (MANAGER, "Mo Manager", "manager"),
        (SUPPORT, "Bea Support", "business_support"),
    ):
        create_user(app, email, name, role, PASSWORD, team=TEAM)
    # The example's own list aside: these tests build one from nothing.
    case = draft(load_example("sibling-group")).model_copy(update={"distribution": [], "withheld": []})
    import_case(app, case, WORKER, "sibling-group")
    clients = {}
    for email in (WORKER, MANAGER, SUPPORT):
        clients[email] = app.test_client()
        assert sign_in(clients[email], email).status_code == 302
    return clients


def stored(app) -> list[Recipient]:
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        return [Recipient.model_validate(entry) for entry in case.distribution]


def events(app, action: str) -> list[str]:
    with app.app_context():
        query = db.select(AccessEvent.detail).where(AccessEvent.action == action).order_by(AccessEvent.id)
        return list(db.session.scalars(query))


def text(response) -> str:
    return " ".join(tree(response).text_content().split())


def test_recipients_are_added_changed_and_removed_and_logged_without_their_details(app, team):
    worker = team[WORKER]
    empty = worker.get(LIST)
    assert empty.status_code == 200 and "Nobody is on the distribution list yet" in text(empty)
    assert submit(worker, NEW, MOTHER).headers["Location"] == LIST
    assert submit(worker, NEW, SCHOOL).headers["Location"] == LIST
    mother, school = stored(app)
    assert (mother.id, mother.person, mother.name, mother.confirmed) == ("r1", "p-mother", "", None)
    assert mother.address == "1 Example Road\nNorthbrook" and mother.language == "en"
    assert (school.id, school.name, school.organisation, school.email) == (
        "r2",
        "Dee Lead",
        "Northbrook Primary School",
        "dsl@northbrook.sch.example.org",
    )
    assert (school.language, school.format.value, school.children, school.referrer) == (
        "pl",
        "large_print",
        ["child-tilly", "child-kai"],
        True,
    )
    page = text(worker.get(LIST))
    for shown in ("Shannon Colbeck", "Not confirmed", "Dee Lead", "Polish", "Large print"):
        assert shown in page, shown
    assert "Tilly Dacres and Kai Dacres" in page and "Every child in the case" in page

    # The mother is no longer offered: she is on the list already.
    offered = tree(worker.get(NEW)).xpath("//input[@name='who']/@value")
    assert "member-p-mother" not in offered and {"member-p-father", "outside"} <= set(offered)

    changed = {**SCHOOL, "format": "pdf", "children": [], "address": "Northbrook Primary School\nNorthbrook"}
    assert submit(worker, f"{LIST}/recipients/r2", changed).status_code == 302
    school = stored(app)[1]
    assert school.format.value == "pdf" and school.children == [] and school.address.startswith("Northbrook")

    assert submit(worker, f"{LIST}/recipients/r2/remove", {"confirm": "yes"}).headers["Location"] == LIST
    assert [entry.id for entry in stored(app)] == ["r1"]

    assert [detail.split(" (")[0] for detail in events(app, "recipient_added")] == [
        "Distribution list: add a recipient: r1, a household member",
        "Distribution list: add a recipient: r2, outside the household",
    ]
    (change,) = events(app, "recipient_changed")
    assert change.startswith("Distribution list: a recipient: r2: postal address, format, children")
    assert events(app, "recipient_removed")[0].startswith("Distribution list: remove a recipient: r2")
    with app.app_context():
        every = " ".join(db.session.scalars(db.select(AccessEvent.detail)))
    for value in ("Example Road", "Dee Lead", "northbrook.sch", "Northbrook Primary"):
        assert value not in every, value


def test_what_cannot_be_read_is_shown_again_with_a_message_for_each_field(app, team):
    worker = team[WORKER]
    nothing = submit(worker, NEW, {"language": "en", "format": "word", "receives": "yes"})
    assert nothing.status_code == 400
    assert summary_links(nothing) == [
        ("Select who they are", "#who"),
        ("Enter a postal address or a secure email address", "#address"),
    ]
    assert text(nothing).startswith("Error: ") or "There is a problem" in text(nothing)

    typed = {
        **SCHOOL,
        "name": "",
        "organisation": "x" * 301,
        "email": "not an address",
        "receives": "no",
        "excluded_reason": "",
    }
    response = submit(worker, NEW, typed)
    assert response.status_code == 400
    assert summary_links(response) == [
        ("Enter their name", "#name"),
        ("The organisation must be 300 characters or fewer", "#organisation"),
        ("Enter a secure email address in the correct format, like name@example.gov.uk", "#email"),
        ("Enter why they must not receive a copy", "#excluded_reason"),
    ]
    page = tree(response)
    assert page.xpath("//input[@id='email']/@value") == ["not an address"]
    assert page.xpath("//input[@id='role']/@value") == ["Designated safeguarding lead"]
    assert page.xpath("//select[@id='language']/option[@selected]/@value") == ["pl"]
    assert page.xpath("//input[@name='children'][@checked]/@value") == ["child-tilly", "child-kai"]
    assert page.xpath("//input[@name='receives'][@checked]/@value") == ["no"]

    # What no page offers: a person not in the household, an unknown language, format or child.
    tampered = {
        **MOTHER,
        "who": "member-p-nobody",
        "language": "xx<script>",
        "format": "fax",
        "children": ["child-nobody"],
        "receives": "maybe",
    }
    refused = submit(worker, NEW, tampered)
    assert refused.status_code == 400
    assert [href for _, href in summary_links(refused)] == [
        "#who",
        "#language",
        "#format",
        "#children",
        "#receives",
    ]
    assert stored(app) == []
    # Control characters are cleaned away, and nothing a page sends gives a server error.
    for odd in ({"who": "outside", "name": "Dee\x00 Lead\x1f", "email": "a@b.example"}, {"who": ["a", "b"]}):
        response = submit(worker, NEW, {**SCHOOL, **odd})
        assert response.status_code in {302, 400}, odd
    assert stored(app)[0].name == "Dee Lead"


def test_business_support_keep_the_list_but_only_a_practitioner_or_manager_confirms(app, team):
    support, worker, manager = team[SUPPORT], team[WORKER], team[MANAGER]
    assert submit(support, NEW, MOTHER).status_code == 302
    listed = support.get(LIST)
    assert "Not confirmed" in text(listed) and "A practitioner or a manager confirms them" in text(listed)
    assert not tree(listed).xpath("//form[contains(@action, '/confirm')]")
    token = support.csrf_token(LIST)
    refused = support.post(f"{LIST}/recipients/r1/confirm", data={"csrf_token": token, "version": "1"})
    assert refused.status_code == 403 and stored(app)[0].confirmed is None

    assert tree(manager.get(LIST)).xpath("//form[contains(@action, '/recipients/r1/confirm')]")
    assert submit_confirm(worker, "r1").headers["Location"] == LIST
    (mother,) = stored(app)
    assert mother.confirmed is not None and mother.confirmed.by.name == "Pat Worker"
    assert "Confirmed by Pat Worker on" in text(worker.get(LIST))
    assert submit_confirm(manager, "r1").status_code == 409  # already confirmed: said so, nothing changed

    # Business support change what needs no new word (language, format): the confirmation stands.
    assert submit(support, f"{LIST}/recipients/r1", {**MOTHER, "language": "cy"}).status_code == 302
    assert stored(app)[0].confirmed == mother.confirmed and stored(app)[0].language == "cy"
    # Where copies go, whose documents or who they are: it is cleared until someone confirms again.
    for change in ({"address": "2 New Street\nNorthbrook"}, {"email": "s.colbeck@example.org"}):
        assert submit_confirm(worker, "r1").status_code in {302, 409}
        assert stored(app)[0].confirmed is not None
        response = submit(support, f"{LIST}/recipients/r1", {**MOTHER, "language": "cy", **change})
        assert response.status_code == 302
        assert stored(app)[0].confirmed is None, change
        assert "Not confirmed" in text(support.get(LIST))
    assert submit_confirm(worker, "r1").status_code == 302
    children = {**MOTHER, "language": "cy", "email": "s.colbeck@example.org", "children": ["child-kai"]}
    children["address"] = "2 New Street\nNorthbrook"
    assert submit(support, f"{LIST}/recipients/r1", children).status_code == 302
    assert stored(app)[0].confirmed is None
    assert (
        events(app, "recipient_changed")[-1].split(" (")[0].endswith("children; the confirmation is cleared")
    )
    assert len(events(app, "recipient_confirmed")) == 3


def submit_confirm(client, recipient: str):
    """Press Confirm on the distribution list, with the token and version its form carries."""
    page = tree(client.get(LIST))
    form = page.xpath(f"//form[contains(@action, '/recipients/{recipient}/confirm')]")
    if not form:  # already confirmed: post as a second window would have
        token = client.csrf_token(LIST)
        version = page.xpath("//input[@name='version']/@value")
        data = {"csrf_token": token, "version": version[0] if version else ""}
        return client.post(f"{LIST}/recipients/{recipient}/confirm", data=data)
    values = {element.get("name"): element.get("value") for element in form[0].xpath(".//input")}
    return client.post(form[0].get("action"), data=values)


def test_a_page_opened_before_another_save_does_not_overwrite_it(app, team):
    worker, support = team[WORKER], team[SUPPORT]
    assert submit(worker, NEW, MOTHER).status_code == 302
    path = f"{LIST}/recipients/r1"
    stale = tree(support.get(path)).xpath("//input[@name='version']/@value")[0]
    assert submit(worker, path, {**MOTHER, "format": "pdf"}).status_code == 302
    token = support.csrf_token(path)
    response = support.post(path, data={"csrf_token": token, "version": stale, **MOTHER, "format": "word"})
    assert response.status_code == 409
    assert summary_links(response) == [
        ("Someone changed this case after you opened the page. Try again", "#who")
    ]
    assert tree(response).xpath("//input[@name='format'][@checked]/@value") == ["word"]  # what was typed
    assert stored(app)[0].format.value == "pdf"


def test_someone_sent_a_copy_stays_on_the_list_and_a_removal_cleans_the_withholdings(app, team):
    worker = team[WORKER]
    for data in (MOTHER, SCHOOL, {**MOTHER, "who": "member-p-father"}):
        assert submit(worker, NEW, data).status_code == 302
    sent = Sending(
        recipient="r1",
        document="plan",
        child="child-tilly",
        revision=1,
        method=Method.POST,
        by=Person(name="Bea Support"),
        at=datetime.now(UTC),
    )
    kept = [
        Withholding(field="household_members", item="p-mother", recipients=["r3"]),
        Withholding(field="family_history", recipients=["r2", "r3"]),
        Withholding(field=DISTRIBUTION_LIST, item="r3", recipients=["r2"]),  # r3 kept off r2's copy
    ]
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        case.circulation = [sent.model_dump(mode="json")]
        case.withheld = [entry.model_dump(mode="json", exclude_none=True) for entry in kept]
        db.session.commit()
    refused = worker.get(f"{LIST}/recipients/r1/remove")
    assert refused.status_code == 409 and "has been sent copies" in text(refused)
    token = worker.csrf_token(LIST)
    assert (
        worker.post(f"{LIST}/recipients/r1/remove", data={"csrf_token": token, "confirm": "yes"}).status_code
        == 409
    )
    unanswered = submit(worker, f"{LIST}/recipients/r3/remove", {})
    assert unanswered.status_code == 400
    assert summary_links(unanswered) == [
        ("Select yes if you want to remove Marcus Dacres from the distribution list", "#confirm")
    ]
    assert submit(worker, f"{LIST}/recipients/r3/remove", {"confirm": "yes"}).status_code == 302
    assert [entry.id for entry in stored(app)] == ["r1", "r2"]
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        assert case.withheld == [{"field": "family_history", "recipients": ["r2"]}]
    # The next recipient never takes an id that the log or a withholding names.
    assert rules.next_id(stored(app), [Withholding(field="x", recipients=["r7"])], [sent]) == "r8"
    assert rules.next_id([], [Withholding(field=DISTRIBUTION_LIST, item="r9")], []) == "r10"


def test_the_case_page_links_to_the_list_and_unknown_recipients_are_not_found(app, team):
    for email in (WORKER, MANAGER, SUPPORT):
        case_page = tree(team[email].get("/cases/EX-SIB-01"))
        assert case_page.xpath("//a[text()='Distribution list']/@href") == [LIST], email
        assert case_page.xpath("//a[text()='Circulate documents']/@href") == [f"{CASE}/circulation"], email
    for path in (f"{LIST}/recipients/r9", f"{LIST}/recipients/r9/remove"):
        assert team[WORKER].get(path).status_code == 404


def _wants_welsh(app, person: str) -> None:
    """The household page's answer for one member: they want to deal with the council in Welsh."""
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        members = [
            {**member, "wants_welsh": True} if member.get("id") == person else member
            for member in case.household["household_members"]
        ]
        case.household = {**case.household, "household_members": members}
        db.session.commit()


def test_a_wish_for_welsh_is_shown_wherever_their_copies_are_made(app, team):
    _wants_welsh(app, "p-mother")
    worker = team[WORKER]
    offered = tree(worker.get(NEW))
    (hint,) = offered.xpath(
        "//input[@value='member-p-mother']/following-sibling::div[contains(@class, 'hint')]"
    )
    assert "Wants Welsh" in hint.text_content()
    assert not offered.xpath(
        "//input[@value='member-p-father']/following-sibling::div[contains(@class, 'hint')]"
    )

    assert submit(worker, NEW, MOTHER).status_code == 302  # her copies in English, as a slip would have it
    warning = "They want Welsh, but their copies are not in Cymraeg"
    for page in (LIST, f"{CASE}/circulation"):
        shown = tree(worker.get(page))
        assert shown.xpath("//*[contains(@class, 'app-welsh-wish') and text()='Wants Welsh']"), page
        assert warning in text(worker.get(page)), page

    assert submit(worker, f"{LIST}/recipients/r1", {**MOTHER, "language": "cy"}).status_code == 302
    for page in (LIST, f"{CASE}/circulation"):
        assert "Wants Welsh" in text(worker.get(page)) and warning not in text(worker.get(page)), page
    (member,) = [entry for entry in stored(app) if entry.person == "p-mother"]
    assert member.language == "cy"
