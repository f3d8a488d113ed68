"""How saves reach SQLite: the write-ahead log, durable commits, and one write transaction per save
that takes the write lock at its start, so that concurrent savers queue instead of failing.

The kill -9 test of the same save path, through `formgen serve`, is tests/web/test_durability.py.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, text

from formgen.web import create_app
from formgen.web.commands import create_user, import_case
from formgen.web.config import SettingError
from formgen.web.database import BUSY_TIMEOUT_MS, after_fork, upgrade
from formgen.web.extensions import db
from formgen.web.models import AccessEvent, Case, User
from tests.support import draft, load_example
from tests.web.conftest import EMAIL, form_token, sign_in, submit

PAGE = "/cases/{}/household/family/family_functioning"
FIELDS = {"wider_family_support": "Grandmother nearby", "family_group_conference": "arranged"}


def pragma(app, name: str):
    with app.app_context():
        return db.session.execute(text(f"PRAGMA {name}")).scalar()


def test_every_connection_uses_the_write_ahead_log_and_waits_for_another_writer(app):
    assert pragma(app, "journal_mode") == "wal"
    assert pragma(app, "synchronous") == 1  # NORMAL: a commit is in the log before formgen answers
    assert pragma(app, "busy_timeout") == BUSY_TIMEOUT_MS


def test_commits_can_wait_for_the_disk_too(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SQLITE_SYNCHRONOUS", "full")
    url = f"sqlite:///{tmp_path / 'formgen.db'}"
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=tmp_path)
    assert pragma(app, "synchronous") == 2  # FULL: every commit is on the disk before formgen answers
    with app.app_context():
        db.engine.dispose()


def test_another_synchronous_level_is_refused_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("FORMGEN_SQLITE_SYNCHRONOUS", "OFF")
    with pytest.raises(SettingError, match="FORMGEN_SQLITE_SYNCHRONOUS must be NORMAL or FULL, not 'OFF'"):
        create_app(instance_path=tmp_path)


def test_a_worker_opens_its_own_connections_after_the_fork(app):
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()
        inherited = db.engine.pool
        assert inherited.checkedin() == 1  # the connection the parent opened, back in its pool
    after_fork(app)
    with app.app_context():
        assert db.engine.pool is not inherited and db.engine.pool.checkedin() == 0


def test_a_save_after_reading_succeeds_when_another_process_wrote_since(app):
    """A transaction that has read holds an old snapshot: on SQLite its first write would fail at once
    with "database is locked" if another connection committed in between. The save's write
    transaction starts afresh with the lock instead."""
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == EMAIL))  # this session has read
        with db.engine.connect() as other:  # another process's save, committed in between
            other.execute(text("UPDATE users SET phone = '01632 960000' WHERE id = :id"), {"id": user.id})
            other.commit()
        user.name = "Sam Practitioner-Jones"
        db.session.commit()
        db.session.expire_all()
        assert (user.name, user.phone) == ("Sam Practitioner-Jones", "01632 960000")


def test_a_save_waits_for_another_savers_lock_instead_of_failing(app):
    with app.app_context():
        holder = db.engine.raw_connection()
        try:
            holder.execute("BEGIN IMMEDIATE")  # another saver, in the middle of its write transaction
            holder.execute("UPDATE users SET phone = '01632 960001'")
            started, outcome = threading.Event(), {}

            def save() -> None:
                with app.app_context():
                    user = db.session.scalar(db.select(User).where(User.email == EMAIL))
                    started.set()
                    user.name = "Saved after the other"
                    db.session.commit()
                    outcome["phone"] = db.session.scalar(db.select(User.phone).where(User.id == user.id))

            saver = threading.Thread(target=save)
            saver.start()
            started.wait(timeout=10)
            saver.join(timeout=0.5)
            assert saver.is_alive() and not outcome  # still waiting for the lock
            holder.commit()
        finally:
            holder.close()
        saver.join(timeout=BUSY_TIMEOUT_MS / 1000)
        assert outcome == {"phone": "01632 960001"}  # it wrote after the other, and saw its save


def test_a_save_is_one_write_transaction_with_its_revision_and_its_access_log_event(
    app, client, example_case
):
    path = PAGE.format(example_case)
    token, version = form_token(client, path)
    transactions, writes = [], []
    with app.app_context():
        engine = db.engine

    def statement(_conn, _cursor, text, *_):
        if text.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(" ".join(text.split()[:3]))

    def commit(_conn):
        if writes:
            transactions.append(sorted(set(writes)))
            writes.clear()

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        data = {"csrf_token": token, "version": version, **FIELDS, "family_history": "Saved in one go"}
        assert client.post(path, data=data).status_code == 302
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
    assert transactions == [
        [
            "INSERT INTO access_events",
            "INSERT INTO accessed_children",
            "INSERT INTO revisions",
            "UPDATE assessment_summaries SET",  # the lists' figures move with the answers
            "UPDATE cases SET",
        ]
    ]
    with app.app_context():
        logged = db.session.scalars(db.select(AccessEvent).order_by(AccessEvent.id.desc())).first()
        assert (logged.action, logged.case_reference) == ("sent", example_case)
        assert {child.name for child in logged.children} >= {"Tilly Dacres"}


def test_a_refused_save_still_logs_what_was_shown(app, client, example_case):
    path = PAGE.format(example_case)
    token, version = form_token(client, path)
    assert submit(client, path, {**FIELDS, "family_history": "Saved first"}).status_code == 302
    data = {
        "csrf_token": token,
        "version": version,
        **FIELDS,
        "family_history": "From the page opened before",
    }
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(AccessEvent))
    assert client.post(path, data=data).status_code == 409
    with app.app_context():
        events = db.session.scalars(db.select(AccessEvent).order_by(AccessEvent.id)).all()
        assert len(events) == before + 1 and events[-1].action == "sent"


def test_concurrent_saves_of_different_assessments_all_land(app):
    savers = 6
    references = []
    for number in range(savers):
        email = f"saver-{number}@example.org"
        create_user(app, email, f"Saver {number}", "practitioner", "a long and fictional passphrase")
        case = draft(load_example("sibling-group")).model_copy(update={"reference": f"SAVE-{number}"})
        references.append(import_case(app, case, email, "sibling-group"))
    clients = []
    for number in range(savers):
        client = app.test_client()
        sign_in(client, f"saver-{number}@example.org", "a long and fictional passphrase")
        clients.append(client)
    barrier = threading.Barrier(savers)

    def save_ten(number: int) -> list[int]:
        barrier.wait()
        return [
            submit(
                clients[number], PAGE.format(references[number]), {**FIELDS, "family_history": f"{turn}"}
            ).status_code
            for turn in range(10)
        ]

    with ThreadPoolExecutor(max_workers=savers) as pool:
        statuses = list(pool.map(save_ten, range(savers)))
    assert statuses == [[302] * 10] * savers
    with app.app_context():
        cases = db.session.scalars(db.select(Case).where(Case.reference.in_(references))).all()
        assert {case.household["family_history"] for case in cases} == {"9"}
