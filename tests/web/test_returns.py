"""The returns page: a performance and information officer checks and downloads the Children in Need
census of every case; nobody else may; each problem links to the question that puts it right; every
check and download is in the access log; a Welsh authority is told why there is no census."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from io import BytesIO
from xml.etree import ElementTree as ET

import openpyxl
import pytest
from lxml import html as lxml_html

from formgen.dates import add_months
from formgen.engine.review import Restriction
from formgen.returns.annex_a import HEADINGS
from formgen.web import create_app
from formgen.web.audit import Action
from formgen.web.commands import create_team, create_user, import_case
from formgen.web.database import upgrade
from formgen.web.extensions import db
from formgen.web.models import AccessEvent, Case, Team, User
from formgen.web.returns import collection_year
from tests.support import EXAMPLES, SPEC_DIR, draft, load_example
from tests.web.conftest import EMAIL, PASSWORD, post_as_a_browser, sign_in, submit
from tests.web.pagecheck import CheckedClient

YEAR = collection_year(date.today())  # the page's own default: the tests run on any day
TEAM = "Eastgate Assessment Team"
PERFORMANCE = "pia.performance@example.org"
OTHERS = {
    "practitioner": EMAIL,
    "manager": "mo.manager@example.org",
    "business_support": "bea.support@example.org",
    "administrator": "ade.admin@example.org",
    "auditor": "aud.auditor@example.org",
}
REFERRAL = "/cases/EX-SIB-01/household/case/referral"
DACRES = ("Tilly", "Kai", "Poppy")


def _app(tmp_path, monkeypatch) -> CheckedClient:
    monkeypatch.setenv("FORMGEN_SECRET_KEY", "test-secret-key")
    url = f"sqlite:///{tmp_path / 'formgen.db'}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=tmp_path)
    app.test_client_class = CheckedClient
    create_user(app, PERFORMANCE, "Pia Performance", "performance", PASSWORD)
    return app


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator:
    """One app for the module: the three examples as drafts, so each of their five children is in the
    census of the collection being made today, and an account in each role."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        app = _app(tmp_path_factory.mktemp("returns"), monkeypatch)
        create_team(app, TEAM)
        for role, email in OTHERS.items():
            team = TEAM if role in {"manager", "business_support"} else None
            create_user(app, email, email.split("@")[0].replace(".", " ").title(), role, PASSWORD, team=team)
        for path in EXAMPLES:
            import_case(app, draft(load_example(path.stem)), EMAIL, path.stem)
        yield app


def signed_in(app, email: str) -> CheckedClient:
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


@pytest.fixture(scope="module")
def officer(app) -> CheckedClient:
    return signed_in(app, PERFORMANCE)


@pytest.fixture(scope="module")
def practitioner(app) -> CheckedClient:
    return signed_in(app, EMAIL)


@pytest.fixture
def referral_after_the_assessments_began(practitioner) -> Iterator[None]:
    """The Dacres' referral moved to 10 October 2025 on the household's page, after their assessments
    began (7 October): rule 1103 for each of the three, as a worker correcting the referral's date
    would leave it (the child's page refuses such a start date; the household's does not look).
    Put back afterwards."""
    received = date.fromisoformat(load_example("sibling-group").household["referral_date"])

    def type_referral(day: date) -> None:
        typed = {"-day": str(day.day), "-month": str(day.month), "-year": str(day.year)}
        changes = {f"referral_date{part}": value for part, value in typed.items()}
        assert post_as_a_browser(practitioner, REFERRAL, changes).status_code == 302

    type_referral(date(2025, 10, 10))
    yield
    type_referral(received)


def tree(response):
    return lxml_html.fromstring(response.get_data(as_text=True))


def words(element) -> str:
    return " ".join(" ".join(element.itertext()).split())  # a line break parts words as a space would


def events(app, action: Action) -> list[AccessEvent]:
    with app.app_context():
        found = db.session.scalars(
            db.select(AccessEvent).where(AccessEvent.action == action.value).order_by(AccessEvent.id)
        ).all()
        for event in found:
            _ = [child.name for child in event.children], event.user.email  # loaded before it closes
        return found


def download(client, year: str, **fields: str):
    token = client.csrf_token("/returns")
    return client.post("/returns/cin", data={"csrf_token": token, "year": year, **fields})


EXAMPLE_CHILDREN = {
    "Tilly Dacres",
    "Kai Dacres",
    "Poppy Dacres",
    "Unborn baby of Stacey Lowther",
    "Yasir Abdalla Mahmoud",
}


def test_a_performance_officer_checks_the_census_and_downloads_it_as_xml(app, officer):
    home = tree(officer.get("/"))
    assert home.xpath("//nav//a[@href='/returns']"), "the header links to the returns"
    assert words(home.xpath("//h1")[0]) == "Statutory returns"
    checks = len(events(app, Action.RETURN_CHECKED))
    page = tree(officer.get("/returns"))
    assert page.xpath("//input[@id='year']/@value") == [str(YEAR)]  # today's collection
    assert not page.xpath("//form[@method='post' and @action='/returns/cin']")  # nothing built yet
    assert len(events(app, Action.RETURN_CHECKED)) == checks  # and nobody's record read

    checked = tree(officer.get(f"/returns?year={YEAR}"))
    assert words(checked.xpath("//*[@id='cin-count']")[0]).endswith("5 children would go in")
    assert not checked.xpath("//*[@id='cin-problems']")
    assert checked.xpath("//form[@action='/returns/cin']//button[contains(., 'Download the census (XML)')]")
    check = events(app, Action.RETURN_CHECKED)[-1]
    assert check.user.email == PERFORMANCE
    assert {child.name for child in check.children} == EXAMPLE_CHILDREN
    assert f"census {YEAR - 1}-{YEAR % 100:02d} checked: 5 children, 0 problems" in check.detail

    response = download(officer, str(YEAR))
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="Children in Need census {YEAR - 1}-{YEAR % 100:02d} - 999.xml"'
    )
    root = ET.fromstring(response.data)
    assert root.findtext("Header/CollectionDetails/ReferenceDate") == f"{YEAR}-03-31"
    assert root.findtext("Header/Source/LEA") == "999"
    births = {
        child.findtext(".//PersonBirthDate") or child.findtext(".//ExpectedPersonBirthDate")
        for child in root.iter("Child")
    }
    expected = set()
    for path in EXAMPLES:
        for record in load_example(path.stem).children:
            expected.add(
                record.answers.get("child_date_of_birth") or record.answers.get("expected_delivery_date")
            )
    assert births == expected and len(root.findall("Children/Child")) == 5
    made = events(app, Action.RETURN_DOWNLOADED)[-1]
    assert made.user.email == PERFORMANCE and made.case_id is None
    assert {child.name for child in made.children} == EXAMPLE_CHILDREN
    assert f"census {YEAR - 1}-{YEAR % 100:02d} (XML): 5 children" in made.detail
    assert "left out" not in made.detail
    # The child's worker sees who put Tilly in a return, on her "who has seen this record".
    seen = tree(signed_in(app, EMAIL).get("/cases/EX-SIB-01/children/child-tilly/seen"))
    rows = [words(row) for row in seen.xpath("//table[@id='seen']/tbody/tr")]
    assert any(
        "Pia Performance Performance and information officer Downloaded a statutory return" in row
        for row in rows
    )
    assert any(
        "Checked a statutory return: Statutory returns: Children in Need census" in row for row in rows
    )


def test_an_administrator_adds_a_performance_officer_in_no_team_who_lands_on_the_returns(app):
    admin = signed_in(app, OTHERS["administrator"])
    form = tree(admin.get("/administration/users/new"))
    offered = form.xpath("//input[@name='role' and @value='performance']")[0]
    label = words(form.xpath(f"//label[@for='{offered.get('id')}']")[0])
    assert label == "Performance and information officer"
    with app.app_context():
        team = str(db.session.scalar(db.select(Team.id).where(Team.name == TEAM)))
    account = {
        "name": "Pax Performance",
        "email": "pax.performance@example.org",
        "role": "performance",
        "password": PASSWORD,
        "password-again": PASSWORD,
    }
    teamed = tree(submit(admin, "/administration/users/new", {**account, "team": team}))
    assert [words(a) for a in teamed.xpath("//div[contains(@class,'govuk-error-summary')]//a")] == [
        "Select No team: a performance and information officer sees no cases, so is in no team"
    ]
    assert submit(admin, "/administration/users/new", {**account, "team": ""}).status_code == 302
    pax = signed_in(app, "pax.performance@example.org")
    home = tree(pax.get("/"))
    assert words(home.xpath("//h1")[0]) == "Statutory returns"
    assert home.xpath("//main//a[@href='/returns']")


@pytest.mark.parametrize("role", list(OTHERS))
def test_no_other_role_makes_a_return(app, role):
    client = signed_in(app, OTHERS[role])
    assert not tree(client.get("/")).xpath("//a[@href='/returns']")
    assert client.get(f"/returns?year={YEAR}").status_code == 403
    assert download(client, str(YEAR)).status_code == 403
    assert client.get("/returns", query_string=RANGE).status_code == 403
    assert annex_a_download(client, RANGE).status_code == 403


def test_problems_link_to_the_question_and_the_census_is_refused_until_their_children_are_left_out(
    app, officer, practitioner, referral_after_the_assessments_began
):
    page = tree(officer.get(f"/returns?year={YEAR}"))
    rows = page.xpath("//table[@id='cin-problems']/tbody/tr")
    assert [[words(cell) for cell in row.xpath("./td")][:4] for row in rows] == [
        [
            f"{name} Dacres",
            "EX-SIB-01 Worker: Sam Practitioner",
            "DfE rule 1103",
            "The assessment cannot start before the referral was received",
        ]
        for name in DACRES
    ]
    links = [row.xpath(".//a")[0] for row in rows]
    assert [link.get("href") for link in links] == [
        f"/cases/EX-SIB-01/children/child-{name.lower()}/child/child_and_dates" for name in DACRES
    ]
    assert words(links[0]).startswith("The child and the assessment dates")
    # The link is for the child's worker: the page that asks that answer, which the officer cannot open.
    question = tree(practitioner.get(links[2].get("href")))
    assert question.xpath("//input[@name='assessment_start_date-day']/@value") == ["7"]
    assert officer.get(links[2].get("href")).status_code == 403
    assert [words(item) for item in page.xpath("//ul[@id='cin-left-out']/li")] == [
        f"{name} Dacres, case EX-SIB-01" for name in DACRES
    ]
    assert "the other 2 children" in words(page.xpath("//*[@id='leave-out-item-hint']")[0])
    assert not page.xpath("//form[@action='/returns/cin' and not(.//input[@name='leave-out'])]")

    refused = download(officer, str(YEAR))
    assert refused.status_code == 409 and refused.mimetype == "text/html"
    summary = tree(refused).xpath("//div[contains(@class,'govuk-error-summary')]//a")
    assert [(words(a), a.get("href")) for a in summary] == [
        ("Change the answers listed below, or select “Leave out the children with problems”", "#leave-out")
    ]
    assert "the other 2 children" in words(tree(refused).xpath("//*[@id='leave-out-item-hint']")[0])
    assert "checked: 5 children, 3 problems" in events(app, Action.RETURN_CHECKED)[-1].detail

    before = len(events(app, Action.RETURN_DOWNLOADED))
    response = download(officer, str(YEAR), **{"leave-out": "yes"})
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert len(ET.fromstring(response.data).findall("Children/Child")) == 2
    made = events(app, Action.RETURN_DOWNLOADED)
    assert len(made) == before + 1
    assert {child.name for child in made[-1].children} == EXAMPLE_CHILDREN - {f"{n} Dacres" for n in DACRES}
    assert made[-1].detail.endswith(
        "left out 3 with problems: EX-SIB-01 child-tilly, EX-SIB-01 child-kai, EX-SIB-01 child-poppy"
        " (/returns/cin)"
    )


def test_a_restricted_case_is_in_the_census_but_its_children_are_not_named(
    app, officer, referral_after_the_assessments_began
):
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
        manager = db.session.scalar(db.select(User).where(User.email == OTHERS["manager"]))
        restriction = Restriction(
            by=manager.as_person(), at=datetime.now(UTC), reason="A relative works here."
        )
        case.restriction, case.open_to = restriction.model_dump(mode="json"), [case.worker, manager]
        db.session.commit()
    try:
        page = tree(officer.get(f"/returns?year={YEAR}"))
        assert words(page.xpath("//*[@id='cin-count']")[0]).endswith("5 children would go in")
        cells = [words(row.xpath("./td")[0]) for row in page.xpath("//table[@id='cin-problems']/tbody/tr")]
        assert cells == ["A child of a restricted case"] * 3
        assert "Dacres" not in page.text_content()
        # The log names them all the same: the officer's check read their records.
        assert {f"{name} Dacres" for name in DACRES} <= {
            child.name for child in events(app, Action.RETURN_CHECKED)[-1].children
        }
    finally:
        with app.app_context():
            case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
            case.restriction, case.open_to = None, []
            db.session.commit()


@pytest.mark.parametrize("typed", ["", "twenty", "26", "1999", str(YEAR + 1), "２０２６"])
def test_a_year_that_will_not_do_is_named_and_kept_as_typed(app, officer, typed):
    checks = len(events(app, Action.RETURN_CHECKED))
    response = officer.get("/returns", query_string={"year": typed})
    assert response.status_code == 200
    page = tree(response)
    summary = page.xpath("//div[contains(@class,'govuk-error-summary')]//a")
    assert [a.get("href") for a in summary] == ["#year"]
    assert "year" in words(summary[0]).lower()
    assert page.xpath("//input[@id='year']/@value") == [typed]
    assert page.xpath("//p[@id='year-error']")
    assert not page.xpath("//*[@id='cin-result']")
    posted = download(officer, typed)
    assert posted.status_code == 400 and posted.mimetype == "text/html"
    assert len(events(app, Action.RETURN_CHECKED)) == checks  # nothing was built, nobody's record read


def test_under_a_welsh_overlay_the_page_names_the_welsh_census_and_offers_no_download(tmp_path, monkeypatch):
    specs = tmp_path / "form_specs"
    shutil.copytree(SPEC_DIR, specs)
    (specs / "authorities" / "wales.yaml").write_text(
        "authority:\n  name: Eastwick Test Council\n  nation: WLS\n", encoding="utf-8"
    )
    monkeypatch.setenv("FORMGEN_SPEC_DIR", str(specs))
    monkeypatch.setenv("FORMGEN_AUTHORITY", "wales")
    app = _app(tmp_path, monkeypatch)
    officer = signed_in(app, PERFORMANCE)
    for path in (
        "/returns",
        f"/returns?year={YEAR}",
        "/returns?" + "&".join(f"{k}={v}" for k, v in RANGE.items()),
    ):
        page = tree(officer.get(path))
        assert "Children Receiving Care and Support census" in words(page.xpath("//*[@id='cin-refusal']")[0])
        assert not page.xpath("//input[@name='year']") and not page.xpath("//*[@id='cin-result']")
        assert "Care Inspectorate Wales" in words(page.xpath("//*[@id='annex-a-refusal']")[0])
        assert not page.xpath("//input[@name='from-day']") and not page.xpath("//*[@id='annex-a-result']")
    refused = download(officer, str(YEAR))
    assert refused.status_code == 409 and refused.mimetype == "text/html"
    assert "Children Receiving Care and Support census" in refused.get_data(as_text=True)
    refused = annex_a_download(officer, RANGE)
    assert refused.status_code == 409 and "Care Inspectorate Wales" in refused.get_data(as_text=True)
    assert events(app, Action.RETURN_CHECKED) == [] and events(app, Action.RETURN_DOWNLOADED) == []


# --- Ofsted's Annex A, list 4 ----------------------------------------------------------------------

RANGE = {  # the examples' assessments began in October 2025 and are open still: all five are in it
    "from-day": "1",
    "from-month": "4",
    "from-year": "2025",
    "to-day": "31",
    "to-month": "3",
    "to-year": "2026",
}
ANNEX_A_FILE = "Annex A list 4 - assessments - 2025-04-01 to 2026-03-31.xlsx"


def annex_a_download(client, fields: dict[str, str]):
    token = client.csrf_token("/returns")
    return client.post("/returns/annex-a", data={"csrf_token": token, **fields})


def sheet_rows(response) -> list[tuple]:
    book = openpyxl.load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["List 4"]
    return list(book["List 4"].iter_rows(values_only=True))


def typed_range(page) -> dict[str, str]:
    return {
        f"{name}-{part}": page.xpath(f"//input[@name='{name}-{part}']/@value")[0]
        for name in ("from", "to")
        for part in ("day", "month", "year")
    }


@pytest.fixture
def kai_without_ethnicity(app) -> Iterator[None]:
    """Kai's ethnic group taken out of his answers, as a record made before it was asked would be; put
    back afterwards."""

    def answers(change) -> None:
        with app.app_context():
            case = db.session.scalar(db.select(Case).where(Case.reference == "EX-SIB-01"))
            kai = next(child for child in case.children if child.key == "child-kai")
            kai.answers = change(dict(kai.answers))
            db.session.commit()

    kept = {}
    answers(lambda given: kept.update(ethnicity=given.pop("ethnicity")) or given)
    yield
    answers(lambda given: {**given, **kept})


def test_a_performance_officer_checks_annex_a_and_downloads_it_as_a_workbook(app, officer):
    checks = len(events(app, Action.RETURN_CHECKED))
    page = tree(officer.get("/returns"))
    today = date.today()
    first = add_months(today, -6)
    assert typed_range(page) == {
        "from-day": str(first.day),
        "from-month": str(first.month),
        "from-year": str(first.year),
        "to-day": str(today.day),
        "to-month": str(today.month),
        "to-year": str(today.year),
    }
    assert "six months to today" in words(page.xpath("//*[@id='from-hint']")[0])
    assert not page.xpath("//*[@id='annex-a-result']") and not page.xpath(
        "//form[@action='/returns/annex-a']"
    )
    assert len(events(app, Action.RETURN_CHECKED)) == checks  # nothing built, nobody's record read

    checked = tree(officer.get("/returns", query_string=RANGE))
    assert typed_range(checked) == RANGE
    assert words(checked.xpath("//*[@id='annex-a-count']")[0]) == (
        "Ofsted’s Annex A list 4, 1 April 2025 to 31 March 2026: 5 assessments would be in it"
    )
    assert not checked.xpath("//*[@id='annex-a-missing']") and not checked.xpath("//*[@id='cin-result']")
    check = events(app, Action.RETURN_CHECKED)[-1]
    assert len(events(app, Action.RETURN_CHECKED)) == checks + 1
    assert check.user.email == PERFORMANCE and {child.name for child in check.children} == EXAMPLE_CHILDREN
    assert (
        "Annex A list 4, 1 April 2025 to 31 March 2026 checked: 5 children, 0 answers missing" in check.detail
    )

    # The download sends the dates the check used, from the form's hidden inputs.
    form = checked.xpath("//form[@action='/returns/annex-a']")[0]
    sent = {field.get("name"): field.get("value") for field in form.xpath(".//input[@type='hidden']")}
    del sent["csrf_token"]
    assert sent == {
        "from-day": "1",
        "from-month": "4",
        "from-year": "2025",
        **{k: RANGE[k] for k in RANGE if k[0] == "t"},
    }
    response = annex_a_download(officer, sent)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{ANNEX_A_FILE}"'
    headings, *rows = sheet_rows(response)
    assert headings == HEADINGS and len(rows) == 5
    column = {heading: index for index, heading in enumerate(HEADINGS)}
    expected = {
        record.answers["assessment_start_date"]
        for path in EXAMPLES
        for record in load_example(path.stem).children
    }
    assert {row[column["Continuous Assessment Start Date"]].date().isoformat() for row in rows} == expected
    assert all(row[column["Allocated Worker"]] == "Sam Practitioner" for row in rows)
    made = events(app, Action.RETURN_DOWNLOADED)[-1]
    assert made.user.email == PERFORMANCE and made.case_id is None
    assert {child.name for child in made.children} == EXAMPLE_CHILDREN
    assert made.detail.endswith(
        "Annex A list 4, 1 April 2025 to 31 March 2026 (Excel): 5 children (/returns/annex-a)"
    )

    # A query that checks both returns is one entry naming the children of both.
    both = officer.get("/returns", query_string={"year": str(YEAR), **RANGE})
    assert tree(both).xpath("//*[@id='cin-result']") and tree(both).xpath("//*[@id='annex-a-result']")
    assert len(events(app, Action.RETURN_CHECKED)) == checks + 2
    detail = events(app, Action.RETURN_CHECKED)[-1].detail
    assert "census" in detail and "Annex A list 4" in detail


def test_a_missing_answer_is_listed_with_its_question_and_left_blank_in_the_download(
    app, officer, practitioner, kai_without_ethnicity
):
    page = tree(officer.get("/returns", query_string=RANGE))
    assert "1 answer the list needs is missing" in words(page.xpath("//*[@id='annex-a-blank']")[0])
    rows = page.xpath("//table[@id='annex-a-missing']/tbody/tr")
    assert [[words(cell) for cell in row.xpath("./td")][:4] for row in rows] == [
        [
            "Kai Dacres",
            "EX-SIB-01 Worker: Sam Practitioner",
            "Ethnicity",
            "The list needs the child's ethnic group",
        ]
    ]
    link = rows[0].xpath(".//a")[0].get("href")
    assert link.startswith("/cases/EX-SIB-01/children/child-kai/")
    assert tree(practitioner.get(link)).xpath("//input[@name='ethnicity'] | //select[@name='ethnicity']")
    assert "1 answer missing" in events(app, Action.RETURN_CHECKED)[-1].detail

    response = annex_a_download(officer, RANGE)  # missing answers do not stop it
    assert response.status_code == 200
    headings, *rows = sheet_rows(response)
    ethnicities = sorted(str(row[headings.index("Ethnicity")]) for row in rows)
    assert ethnicities.count("None") == 1 and len(rows) == 5
    assert events(app, Action.RETURN_DOWNLOADED)[-1].detail.endswith(
        "(Excel): 5 children, 1 answer missing left blank (/returns/annex-a)"
    )


ALL = ("day", "month", "year")


@pytest.mark.parametrize(
    ("typed", "href", "message", "marked"),
    [
        (
            {"from-year": "2027"},
            "#to-day",
            "The range starts on 1 April 2027, after it ends on 31 March 2026",
            {f"to-{part}" for part in ALL},
        ),
        (
            {"from-day": "31", "from-month": "2"},
            "#from-day",
            "The first day must be a real date",
            {"from-day"},
        ),
        ({"to-month": ""}, "#to-month", "The last day must include a month", {"to-month"}),
        ({"to-year": "26"}, "#to-year", "The year of the last day must include 4 numbers", {"to-year"}),
        (
            {"from-day": "", "from-month": "", "from-year": ""},
            "#from-day",
            "Enter the first day of the range",
            {f"from-{part}" for part in ALL},
        ),
    ],
)
def test_dates_that_will_not_do_are_named_and_kept_as_typed(app, officer, typed, href, message, marked):
    sent = {**RANGE, **typed}
    checks = len(events(app, Action.RETURN_CHECKED))
    response = officer.get("/returns", query_string=sent)
    assert response.status_code == 200
    page = tree(response)
    summary = page.xpath("//div[contains(@class,'govuk-error-summary')]//a")
    assert [(a.get("href"), words(a).startswith(message)) for a in summary] == [(href, True)]
    assert typed_range(page) == sent
    name = href[1:].split("-")[0]
    assert words(page.xpath(f"//p[@id='{name}-error']")[0]).endswith(words(summary[0]))
    assert {i.get("name") for i in page.xpath("//input[contains(@class,'govuk-input--error')]")} == marked
    assert not page.xpath("//*[@id='annex-a-result']")
    posted = annex_a_download(officer, sent)
    assert posted.status_code == 400 and posted.mimetype == "text/html"
    assert typed_range(tree(posted)) == sent
    assert len(events(app, Action.RETURN_CHECKED)) == checks  # nothing was built, nobody's record read


def test_a_month_typed_as_a_word_is_read_as_the_wizard_reads_it(app, officer):
    page = tree(officer.get("/returns", query_string={**RANGE, "from-month": "April", "to-month": "mar"}))
    assert not page.xpath("//div[contains(@class,'govuk-error-summary')]")
    assert words(page.xpath("//*[@id='annex-a-count']")[0]).endswith("5 assessments would be in it")
