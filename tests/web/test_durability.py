"""Every save the server acknowledged survives the server being killed (kill -9) in the middle of others.

A real `formgen serve` (gunicorn, two worker processes of four threads) on SQLite in its instance
folder; practitioners save their own assessments over HTTP, in parallel, and every process of the
server is killed while saves are still in flight; then it is started again, as an operator would. Each
acknowledged save (a 302 answer) must be in the database as a revision, and the answers each case holds
must be the last acknowledged save or one sent after it that was written before the kill.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
from http.client import HTTPException

from flask import Flask
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from formgen.web import create_app
from formgen.web.commands import create_user, import_case
from formgen.web.database import upgrade
from formgen.web.extensions import db
from formgen.web.models import Case, Revision
from tests.support import draft, load_example
from tests.web.served import Browser, Server, serving

PASSWORD = "a long and fictional passphrase"
SAVERS = 4
ROUNDS = 3
SAVES_BEFORE_THE_KILL = 40  # acknowledged, in each round, across the savers; more are in flight
PAGE = "/cases/{}/household/family/family_functioning"
FIELDS = {"wider_family_support": "Grandmother nearby", "family_group_conference": "arranged"}


class Savers:
    """Practitioners saving their own case's page, each as fast as the server answers."""

    def __init__(self, app: Flask) -> None:
        self.references: list[str] = []
        for number in range(SAVERS):
            email = f"saver-{number}@example.org"
            create_user(app, email, f"Saver {number}", "practitioner", PASSWORD)
            case = draft(load_example("sibling-group")).model_copy(update={"reference": f"KILL-{number}"})
            self.references.append(import_case(app, case, email, "sibling-group"))
        self.sent: dict[str, list[str]] = {reference: [] for reference in self.references}
        self.acknowledged: dict[str, list[str]] = {reference: [] for reference in self.references}
        self.problems: list[str] = []
        self._numbers = itertools.count()

    def round(self, server: Server, number: int) -> None:
        """Save in parallel until SAVES_BEFORE_THE_KILL are acknowledged, then kill the server."""
        counted = threading.Semaphore(0)
        threads = [
            threading.Thread(target=self._save_until_killed, args=(server, saver, number, counted))
            for saver in range(SAVERS)
        ]
        for thread in threads:
            thread.start()
        for _ in range(SAVES_BEFORE_THE_KILL):
            assert counted.acquire(timeout=60), "the saves stopped before the kill"
            assert not self.problems, self.problems
        server.kill()
        for thread in threads:
            thread.join(timeout=60)
            assert not thread.is_alive()
        assert not self.problems, self.problems

    def after_last_acknowledged(self, reference: str) -> list[str]:
        """What the case may hold: the last acknowledged save, or one sent after it."""
        sent = self.sent[reference]
        return sent[sent.index(self.acknowledged[reference][-1]) :]

    def _save_until_killed(
        self, server: Server, saver: int, round: int, counted: threading.Semaphore
    ) -> None:
        reference = self.references[saver]
        path = PAGE.format(reference)
        browser = Browser(server.port)
        try:
            browser.sign_in(f"saver-{saver}@example.org", PASSWORD)
            if self.acknowledged[reference]:  # restarted, the server has every save it acknowledged
                status, text = browser.get(f"/cases/{reference}/case-file.json")
                held = json.loads(text)["household"]["family_history"] if status == 200 else status
                if held not in self.after_last_acknowledged(reference):
                    self.problems.append(f"{reference} after the restart: {held!r}")
                    return
            while True:
                opened = browser.opened(path)
                value = f"save {next(self._numbers)} by saver {saver} in round {round}"
                self.sent[reference].append(value)
                status = browser.send(path, opened, {**FIELDS, "family_history": value})
                if status != 302:
                    self.problems.append(f"{reference}: a save answered {status}")
                    return
                self.acknowledged[reference].append(value)
                counted.release()
        except (OSError, HTTPException):
            return  # the server was killed under this browser
        except AssertionError as error:  # the sign-in or a page refused
            self.problems.append(f"{reference}: {error}")
        finally:
            browser.close()
            counted.release()  # killed, or a problem: either way the main thread goes on


def test_every_acknowledged_save_survives_kill_9_of_the_server(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    env = {**os.environ, "FORMGEN_INSTANCE_PATH": str(instance), "FORMGEN_SECRET_KEY": "durability-tests"}
    env.pop("DATABASE_URL", None)
    monkeypatch.setenv("FORMGEN_SECRET_KEY", env["FORMGEN_SECRET_KEY"])
    instance.mkdir()
    url = f"sqlite:///{instance / 'formgen.db'}"  # where `formgen serve` finds it in its instance folder
    upgrade(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=instance)
    savers = Savers(app)
    with app.app_context():
        db.engine.dispose()
    for number in range(ROUNDS):
        with serving(env, "--workers", "2", "--threads", "4") as server:
            savers.round(server, number)

    database = create_engine(url, poolclass=NullPool)
    with database.connect() as connection:
        for reference in savers.references:
            case_id, household = connection.execute(
                select(Case.id, Case.household).where(Case.reference == reference)
            ).one()
            revisions = select(Revision.answers).where(
                Revision.case_id == case_id, Revision.child_id.is_(None)
            )
            kept = {answers.get("family_history") for answers in connection.scalars(revisions)}
            acknowledged = savers.acknowledged[reference]
            assert acknowledged  # every saver had saves acknowledged
            missing = [value for value in acknowledged if value not in kept]
            assert not missing, (
                f"{reference}: {len(missing)} of {len(acknowledged)} acknowledged saves were lost"
            )
            assert household["family_history"] in savers.after_last_acknowledged(reference)
    database.dispose()
