""" "Who must not see this?" (F5, issue 10): a practitioner keeps an answer or a list item from named
recipients of the documents; the check-answers and list pages say so; the store holds only what fits."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from formgen.web.commands import create_team, create_user
from formgen.web.extensions import db
from formgen.web.models import AccessEvent, Case, Team
from tests.web.conftest import PASSWORD, form_token, sign_in, submit
from tests.web.test_wizard import tree

DISTRIBUTION = [
    {"id": "r-mother", "person": "p-mother"},
    {
        "id": "r-police",
        "name": "Sam Example",
        "role": "Detective Sergeant",
        "organisation": "Northbrook Police",
    },
    {"id": "r-school", "name": "Jo Teacher", "role": "Designated safeguarding lead"},
]
ACTION = "x-marac"  # "Share the assessment plan with MARAC", an action of the household's plan
PLAN_CHECK = "household/plan/check"
TEAM = "Eastgate Assessment Team"


@pytest.fixture
def case(app, example_case) -> str:
    """The sibling group with three recipients of its own on its distribution list, nothing withheld."""
    with app.app_context():
        stored = _case(example_case)
        stored.distribution, stored.withheld = DISTRIBUTION, []
        db.session.commit()
    return example_case


def _case(reference: str) -> Case:
    return db.session.scalar(db.select(Case).where(Case.reference == reference))


def _withheld(app, reference: str) -> list[dict]:
    with app.app_context():
        return list(_case(reference).withheld)


def _text(response) -> str:
    return " ".join(tree(response).text_content().split())


def _page(reference: str, place: str, back: str | None = None) -> str:
    path = f"/cases/{reference}/{place}"
    return f"{path}?next={quote(back, safe='/')}" if back else path  # as the app's links write it


def test_a_practitioner_keeps_an_action_from_a_recipient_and_check_answers_says_so(app, client, case):
    check = f"/cases/{case}/{PLAN_CHECK}"
    links = tree(client.get(check)).xpath(
        "//main//a[starts-with(normalize-space(), 'Who must not see this?')]"
    )
    offered = {link.get("href") for link in links}
    page = _page(case, f"household/withhold/assessment_actions/{ACTION}", check)
    assert page in offered  # each action has its own link, returning to check answers
    assert _page(case, "household/withhold/assessment_aims", check) in offered  # and each answer

    shown = client.get(page)
    text = _text(shown)
    assert "Who must not see this?" in text and "Share the assessment plan with MARAC" in text
    assert "It will be left out of every document these people receive" in text
    boxes = {box.get("value"): box for box in tree(shown).xpath("//input[@name='recipients']")}
    assert list(boxes) == ["r-mother", "r-police", "r-school"]
    labels = [" ".join(label.text_content().split()) for label in tree(shown).xpath("//label")]
    # A household page names people without a relationship: each child has their own to them.
    assert labels == ["Shannon Colbeck", "Sam Example", "Jo Teacher"]
    assert "Detective Sergeant, Northbrook Police" in text

    saved = submit(client, page, {"recipients": ["r-police"]})
    assert saved.status_code == 302 and saved.headers["Location"] == check
    assert _withheld(app, case) == [
        {"field": "assessment_actions", "child": None, "item": ACTION, "recipients": ["r-police"]}
    ]
    after = client.get(check)
    assert "Withheld from: Sam Example" in _text(after)
    assert "It will be left out of the documents sent to Sam Example" in _text(after)  # the saved message
    ticked = tree(client.get(page)).xpath("//input[@name='recipients'][@checked]/@value")
    assert ticked == ["r-police"]

    # The log says what was withheld and from how many, never the answer.
    with app.app_context():
        details = db.session.scalars(
            db.select(AccessEvent.detail).where(AccessEvent.action == "withheld")
        ).all()
    assert len(details) == 1 and "withheld from 1 recipient" in details[0]
    assert "MARAC" not in details[0]

    # No box ticked: it is withheld from nobody, and the store no longer holds it.
    assert submit(client, page, {}).status_code == 302
    assert _withheld(app, case) == []
    assert "Withheld from" not in _text(client.get(check))


def test_a_childs_answer_and_a_household_answer_are_kept_from_people(app, client, case):
    views = f"/cases/{case}/children/child-tilly/child_views/check"
    page = _page(case, "children/child-tilly/withhold/child_views_text", views)
    assert page in tree(client.get(views)).xpath("//main//a/@href")
    assert "Question" in _text(client.get(page))
    assert submit(client, page, {"recipients": ["r-mother", "r-school"]}).status_code == 302
    # The household's answer, from a child's page: the household's, whichever child it was opened from.
    aims = _page(case, "children/child-kai/withhold/assessment_aims")
    response = submit(client, aims, {"recipients": ["r-school", "r-nobody"]})
    assert response.headers["Location"] == f"/cases/{case}/children/child-kai/plan/check"
    assert _withheld(app, case) == [
        {
            "field": "child_views_text",
            "child": "child-tilly",
            "item": None,
            "recipients": ["r-mother", "r-school"],
        },
        {"field": "assessment_aims", "child": None, "item": None, "recipients": ["r-school"]},
    ]
    assert "Withheld from: Shannon Colbeck (Mother), Jo Teacher" in _text(client.get(views))
    # Kai's own answer to the same question is not withheld.
    assert "Withheld from" not in _text(client.get(f"/cases/{case}/children/child-kai/child_views/check"))
    assert "Withheld from: Jo Teacher" in _text(client.get(f"/cases/{case}/{PLAN_CHECK}"))


def test_the_list_page_offers_each_item_and_says_whom_it_is_withheld_from(app, client, case):
    actions = f"/cases/{case}/household/plan/actions"
    page = tree(client.get(actions))
    assert f"assessment_actions/{ACTION}" in page.xpath("//button[@name='withhold']/@value")
    # The button saves what was typed on the page first, as Change and Remove do, then goes there.
    response = submit(client, actions, {"withhold": f"assessment_actions/{ACTION}"})
    assert response.status_code == 302
    assert response.headers["Location"] == _page(
        case, f"household/withhold/assessment_actions/{ACTION}", actions
    )
    assert (
        submit(client, response.headers["Location"], {"recipients": ["r-mother"]}).headers["Location"]
        == actions
    )
    assert "Withheld from: Shannon Colbeck" in _text(client.get(actions))
    # An item of another page's list, or one that does not exist, is not found.
    assert submit(client, actions, {"withhold": "assessment_actions/x-nobody"}).status_code == 404
    assert submit(client, actions, {"withhold": "agencies_consulted/g-police"}).status_code == 404


def test_a_recipient_is_kept_out_of_the_list_of_who_has_a_copy_that_others_see(app, client, case):
    """A school's name can tell a parent where the children are: the school stays off the parent's list."""
    page = _page(case, "household/withhold/distribution/r-school")
    shown = client.get(page)
    assert "Jo Teacher" in _text(shown) and "Distribution list" in _text(shown)
    offered = tree(shown).xpath("//input[@name='recipients']/@value")
    assert offered == ["r-mother", "r-police"]  # never kept off their own list
    response = submit(client, page, {"recipients": ["r-mother", "r-school"]})
    assert response.headers["Location"] == f"/cases/{case}/distribution"
    assert _withheld(app, case) == [
        {"field": "distribution", "child": None, "item": "r-school", "recipients": ["r-mother"]}
    ]


def test_a_recipient_removed_from_the_list_no_longer_shows(app, client, case):
    with app.app_context():
        stored = _case(case)
        stored.withheld = [{"field": "assessment_aims", "recipients": ["r-gone", "r-police"]}]
        db.session.commit()
    assert "Withheld from: Sam Example" in _text(client.get(f"/cases/{case}/{PLAN_CHECK}"))
    page = _page(case, "household/withhold/assessment_aims")
    assert tree(client.get(page)).xpath("//input[@name='recipients'][@checked]/@value") == ["r-police"]


def test_a_stale_page_does_not_overwrite_a_later_save(app, client, case):
    page = _page(case, f"household/withhold/assessment_actions/{ACTION}")
    token, version = form_token(client, page)
    assert submit(client, page, {"recipients": ["r-school"]}).status_code == 302  # another window
    stale = client.post(page, data={"csrf_token": token, "version": version, "recipients": ["r-police"]})
    assert stale.status_code == 409
    assert "Someone changed this case after you opened the page" in _text(stale)
    assert tree(stale).xpath("//input[@name='recipients'][@checked]/@value") == ["r-school"]  # as saved
    assert _withheld(app, case)[0]["recipients"] == ["r-school"]
    # Without its token, nothing is saved either.
    assert client.post(page, data={"version": version + 1, "recipients": ["r-police"]}).status_code == 400
    assert _withheld(app, case)[0]["recipients"] == ["r-school"]


def test_ticks_sent_as_the_session_ended_are_shown_again_to_be_saved(app, client, case):
    page = _page(case, "household/withhold/assessment_aims")
    token, version = form_token(client, page)
    with client.session_transaction() as session:
        session["seen_at"] -= 31 * 60  # the session times out
    sent = client.post(page, data={"csrf_token": token, "version": version, "recipients": ["r-police"]})
    assert sent.headers["Location"] == "/sign-in" and _withheld(app, case) == []
    back = sign_in(client).headers["Location"]
    assert back.startswith(f"{page}?held=")
    shown = client.get(back)
    assert "This has not been saved yet" in _text(shown)
    assert tree(shown).xpath("//input[@name='recipients'][@checked]/@value") == ["r-police"]
    assert submit(client, back, {"recipients": ["r-police"]}).status_code == 302
    assert _withheld(app, case)[0]["recipients"] == ["r-police"]


def _team_client(app, reference: str, role: str, email: str):
    """Someone of the case's team signed in: the case is their team's to see, if their role sees any."""
    with app.app_context():
        team = db.session.scalar(db.select(Team.id).where(Team.name == TEAM))
    if team is None:
        create_team(app, TEAM)
    with app.app_context():
        _case(reference).team_id = db.session.scalar(db.select(Team.id).where(Team.name == TEAM))
        db.session.commit()
    create_user(app, email, role.replace("_", " ").title(), role, PASSWORD, team=TEAM)
    signed_in = app.test_client()
    assert sign_in(signed_in, email).status_code == 302
    return signed_in


def test_a_manager_may_and_business_support_and_auditors_may_not(app, case):
    page = _page(case, "household/withhold/assessment_aims")
    support = _team_client(app, case, "business_support", "bea.support@example.org")
    assert support.get(f"/cases/{case}").status_code == 200  # they see the case, not its answers
    auditor = app.test_client()
    create_user(app, "aud.auditor@example.org", "Aud Auditor", "auditor", PASSWORD)
    assert sign_in(auditor, "aud.auditor@example.org").status_code == 302
    for refused in (support, auditor):
        token = refused.csrf_token("/")
        assert refused.get(page).status_code == 403
        assert refused.post(page, data={"csrf_token": token, "recipients": ["r-police"]}).status_code == 403
    assert _withheld(app, case) == []
    manager = _team_client(app, case, "manager", "mo.manager@example.org")
    assert submit(manager, page, {"recipients": ["r-police"]}).status_code == 302
    assert _withheld(app, case)[0]["recipients"] == ["r-police"]


@pytest.mark.parametrize(
    "place",
    [
        "household/withhold/no_such_question",
        "household/withhold/assessment_actions.action_what",  # a question of an item, not of the form
        "household/withhold/referral_reason",  # printed only in the record
        f"household/withhold/assessment_aims/{ACTION}",  # not a list
        "household/withhold/assessment_actions/x-nobody",
        "household/withhold/assessment_actions/not%20an%20id",
        "household/withhold/child_views_text",  # a child's answer, without the child
        "children/child-nobody/withhold/assessment_aims",
        "children/child-tilly/withhold/child_visits",  # the record only
        "household/withhold/consent_override_reasons",  # printed for no audience outside
        "household/withhold/distribution",  # a recipient of the list, not the list
        "household/withhold/distribution/r-nobody",
    ],
)
def test_what_does_not_exist_is_not_found(client, case, place):
    path = f"/cases/{case}/{place}"
    assert client.get(path).status_code == 404
    assert client.post(path, data={"csrf_token": client.csrf_token("/")}).status_code == 404


def test_it_returns_only_to_a_page_of_the_same_case(client, case):
    page = f"/cases/{case}/household/withhold/assessment_aims"
    fallback = f"/cases/{case}/{PLAN_CHECK}"
    for back in ("https://example.com/", "//example.com/x", "/cases/OTHER-CASE/household/plan/check", "/"):
        assert submit(client, f"{page}?next={quote(back, safe='')}", {}).headers["Location"] == fallback


def test_with_nobody_on_the_distribution_list_it_says_so(app, client, example_case):
    with app.app_context():
        _case(example_case).distribution = []
        db.session.commit()
    page = client.get(f"/cases/{example_case}/household/withhold/assessment_aims")
    assert page.status_code == 200
    assert "Nobody is on this case’s distribution list yet" in _text(page)
    assert f"/cases/{example_case}/distribution" in tree(page).xpath("//main//a/@href")
    assert not tree(page).xpath("//input[@name='recipients']")


def test_the_examples_own_withholdings_show_where_they_are(client, example_case):
    """The sibling group keeps from the father what would tell him where the children are."""
    plan = tree(client.get(f"/cases/{example_case}/{PLAN_CHECK}"))
    father = "Withheld from: Marcus Dacres"  # on the household's page; Kai's father on Kai's
    marac = plan.xpath("//main//li[contains(., 'Share the assessment plan with MARAC')]")[0]
    assert father in " ".join(marac.text_content().split())  # an action of the list
    row = plan.xpath("//div[contains(@class, 'govuk-summary-list__row')][contains(., 'Who attended')]")[0]
    assert father in " ".join(row.text_content().split())  # an answer
    visit = plan.xpath("//main//li[contains(., 'at the grandmother')]")[0]
    assert "Withheld from" not in visit.text_content()  # and not what he may know
    outcome = _text(client.get(f"/cases/{example_case}/children/child-kai/outcome/check"))
    assert "Withheld from: Marcus Dacres (Father)" in outcome  # his reasoning about section 47, and more
