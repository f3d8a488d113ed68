"""The lists' summaries (formgen.web.summaries): kept by every change that moves them, worked out again
when the form changes, filled by the migration, and read a page of 25 at a time with filters."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from alembic import command
from lxml import html as lxml_html

from formgen.engine.review import Stage
from formgen.settings import PROJECT_ROOT, Settings
from formgen.spec import load_spec
from formgen.web import create_app, summaries
from formgen.web.commands import create_user, import_case
from formgen.web.database import alembic_config, upgrade
from formgen.web.extensions import db
from formgen.web.models import AccessedChild, AccessEvent, AssessmentSummary, Case
from tests.support import draft, load_example
from tests.web.conftest import EMAIL, PASSWORD, sign_in, submit
from tests.web.pagecheck import CheckedClient
from tests.web.test_review import MANAGER, TILLY, WORKER, people, post_from  # noqa: F401 - a fixture

SPEC_DIR = PROJECT_ROOT / "form_specs"
SIBLINGS = {"Tilly Dacres", "Kai Dacres", "Poppy Dacres"}


@pytest.fixture
def example_case_for_worker(app, people):  # noqa: F811 - the fixture imported above
    return import_case(app, draft(load_example("sibling-group")), WORKER, "sibling-group")


def names(page) -> set[str]:
    return {row.xpath("./td[1]")[0].text_content().strip() for row in rows(page)}


def summary(app, reference: str, key: str) -> AssessmentSummary | None:
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == reference))
        child = case.child(key)
        return db.session.get(AssessmentSummary, child.id) if child else None


def rows(page) -> list:
    return lxml_html.fromstring(page.get_data(as_text=True)).xpath("//table[@id='assessments']/tbody/tr")


def test_importing_a_case_writes_a_summary_for_each_child(app, example_case):
    tilly = summary(app, example_case, "child-tilly")
    assert (tilly.child_name, tilly.status, tilly.stage) == ("Tilly Dacres", "completed", "draft")
    assert tilly.due_date is not None and tilly.referral_date is not None
    assert tilly.writers == [EMAIL]
    with app.app_context():
        assert tilly.form_hash == summaries.current_hash(app)


def test_a_save_updates_the_summaries_in_the_same_transaction(app, client, example_case):
    # The household's answers are every child's: a required one left out, with "Save and come back
    # later", leaves each child's assessment in progress.
    path = f"/cases/{example_case}/household/family/family_functioning"
    data = {"family_history": "", "wider_family_support": "Aunt", "family_group_conference": "arranged"}
    assert submit(client, path, {**data, "action": "save-later"}).status_code == 302
    assert {
        summary(app, example_case, key).status for key in ("child-tilly", "child-kai", "child-poppy")
    } == {"in_progress"}
    assert all("In progress" in row.text_content() for row in rows(client.get("/")))
    data["family_history"] = "Back to the full history"
    assert submit(client, path, data).status_code == 302
    assert summary(app, example_case, "child-kai").status == "completed"


def test_a_save_of_one_childs_answers_works_out_their_row_alone(app, client, example_case):
    before = {key: summary(app, example_case, key) for key in ("child-tilly", "child-kai", "child-poppy")}
    path = f"/cases/{example_case}/children/child-tilly/child_views/childs_views"
    assert submit(client, path, {"child_views_text": "", "action": "save-later"}).status_code == 302
    tilly = summary(app, example_case, "child-tilly")
    assert tilly.status == "in_progress" and tilly.computed_at > before["child-tilly"].computed_at
    for key in ("child-kai", "child-poppy"):  # their answers and revisions did not change: nor did their rows
        sibling = summary(app, example_case, key)
        assert (sibling.status, sibling.computed_at) == ("completed", before[key].computed_at)


def test_approval_steps_and_a_reallocation_update_the_summaries(app, people, example_case_for_worker):  # noqa: F811
    worker, manager = people[WORKER], people[MANAGER]
    assert post_from(worker, TILLY, f"{TILLY}/send", {}).status_code == 302
    assert summary(app, "EX-SIB-01", "child-tilly").stage == Stage.SENT.value
    home = lxml_html.fromstring(manager.get("/").get_data(as_text=True))
    assert "Tilly" in home.get_element_by_id("waiting-for-approval").text_content()
    comments = "Please add Tilly's school attendance figures."
    approval = f"{TILLY}/approval"
    assert post_from(manager, approval, approval, {"step": "return", "comments": comments}).status_code == 302
    assert summary(app, "EX-SIB-01", "child-tilly").stage == Stage.RETURNED.value
    returned = lxml_html.fromstring(worker.get("/").get_data(as_text=True)).get_element_by_id("returned")
    assert "Tilly" in returned.text_content()

    # Reallocated to a colleague: it is theirs on their home page, and Pat's no more.
    team = "Eastgate Assessment Team"
    create_user(app, "cal.colleague@example.org", "Cal Colleague", "practitioner", PASSWORD, team=team)
    colleague = app.test_client()
    sign_in(colleague, "cal.colleague@example.org")
    assert rows(colleague.get("/")) == []
    allocation = "/cases/EX-SIB-01/allocation"
    with app.app_context():
        cal = db.session.scalar(db.select(db.text("id FROM users WHERE email = 'cal.colleague@example.org'")))
    data = {"worker": str(cal), "reason": "Pat is on leave"}
    assert post_from(manager, allocation, allocation, data).status_code == 302
    assert "cal.colleague@example.org" in summary(app, "EX-SIB-01", "child-tilly").writers
    assert names(colleague.get("/")) == SIBLINGS
    assert rows(worker.get("/")) == []


def test_removing_a_child_takes_their_summary(app, client, example_case):
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == example_case))
        kai_id = case.child("child-kai").id
    path = f"/cases/{example_case}/children/child-kai/remove"
    assert submit(client, path, {"confirm": "yes"}).status_code == 302
    with app.app_context():
        assert db.session.get(AssessmentSummary, kai_id) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(AssessmentSummary)) == 2
    assert names(client.get("/")) == SIBLINGS - {"Kai Dacres"}


def test_rows_of_another_form_are_worked_out_again_at_the_first_request(app, example_case, tmp_path):
    with app.app_context():
        db.session.execute(db.update(AssessmentSummary).values(form_hash="an older form", child_name="Old"))
        db.session.commit()
    assert summaries.refresh_stale(app) == 1  # the one case, both its children
    assert summary(app, example_case, "child-tilly").child_name == "Tilly Dacres"
    # A new app on the same database (a restart) works them out before its first page.
    with app.app_context():
        db.session.execute(db.update(AssessmentSummary).values(form_hash="an older form", child_name="Old"))
        db.session.execute(db.delete(AssessmentSummary).where(AssessmentSummary.child_id == 1))
        db.session.commit()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    again = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}, instance_path=tmp_path)
    again.test_client_class = CheckedClient
    client = again.test_client()
    sign_in(client)
    assert names(client.get("/")) == SIBLINGS


def test_the_form_hash_changes_with_the_overlay_and_its_closure_days(tmp_path):
    specs = tmp_path / "form_specs"
    shutil.copytree(SPEC_DIR, specs)
    settings = Settings(specs, PROJECT_ROOT / "templates_docx", PROJECT_ROOT / "examples", "general")
    before = summaries.form_hash(settings, load_spec(specs, "general"))
    assert summaries.form_hash(settings, load_spec(specs, "general")) == before
    overlay = specs / "authorities" / "general.yaml"
    text = overlay.read_text()
    assert "closure_days" in text
    overlay.write_text(text.replace("closure_days: [", "closure_days: [2031-06-02, ", 1))
    after = summaries.form_hash(settings, load_spec(specs, "general"))
    assert after != before


def _many(app, count: int) -> None:
    example = draft(load_example("sibling-group"))
    for number in range(count):
        import_case(app, example.model_copy(update={"reference": f"EX-MANY-{number:02d}"}), EMAIL, "many")


def test_the_home_page_shows_25_at_a_time_with_pagination_and_logs_the_children_it_shows(app, client):
    _many(app, 9)  # 27 assessments
    first = lxml_html.fromstring(client.get("/").get_data(as_text=True))
    assert len(first.xpath("//table[@id='assessments']/tbody/tr")) == 25
    assert first.xpath("//nav[contains(@class,'govuk-pagination')]")
    assert "Showing 1 to 25 of 27" in first.text_content()
    second = client.get("/?page=2")
    assert len(rows(second)) == 2
    assert len(rows(client.get("/?page=99"))) == 2  # past the end: the last page
    with app.app_context():
        event = db.session.scalars(db.select(AccessEvent).order_by(AccessEvent.id.desc())).first()
        assert event.detail.startswith("Home page")
        shown = db.session.scalars(
            db.select(AccessedChild.child_id).where(AccessedChild.event_id == event.id)
        )
        assert len(list(shown)) == 2  # the page's own rows


def test_the_home_page_filters_by_status_overdue_and_worker(app, client, example_case):
    import_case(app, load_example("pre-birth"), EMAIL, "pre-birth")
    assert len(names(client.get("/"))) == 4
    approved = rows(client.get("/?status=approved"))
    assert approved and all("Approved" in row.text_content() for row in approved)
    assert names(client.get("/?status=ready")) == SIBLINGS
    assert rows(client.get("/?status=in_progress")) == []
    assert "No assessments match" in client.get("/?status=in_progress").get_data(as_text=True)
    with app.app_context():
        overdue = db.session.scalar(
            db.select(db.func.count())
            .select_from(AssessmentSummary)
            .where(
                AssessmentSummary.due_date < date.today(),
                AssessmentSummary.stage != "approved",
                AssessmentSummary.completion_date.is_(None),
            )
        )
    flagged = rows(client.get("/?overdue=yes"))
    assert all("Overdue" in row.text_content() for row in flagged)
    assert len(flagged) >= overdue


def test_a_managers_team_list_filters_by_worker(app, people, example_case_for_worker):  # noqa: F811
    manager = people[MANAGER]
    listed = rows(manager.get("/"))
    assert len(listed) == 3
    with app.app_context():
        pat = db.session.scalar(db.select(db.text(f"id FROM users WHERE email = '{WORKER}'")))
        mo = db.session.scalar(db.select(db.text(f"id FROM users WHERE email = '{MANAGER}'")))
    assert len(rows(manager.get(f"/?worker={pat}"))) == 3
    assert rows(manager.get(f"/?worker={mo}")) == []


def test_the_migration_fills_the_summaries_of_existing_assessments(app, example_case):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    command.downgrade(alembic_config(url), "0007")
    upgrade(url)
    tilly = summary(app, example_case, "child-tilly")
    assert (tilly.child_name, tilly.status) == ("Tilly Dacres", "completed")
    with app.app_context():
        assert tilly.form_hash == summaries.current_hash(app)
