"""What the web app stores: accounts, each case's answers as the same JSON a case file holds, the count
of sign-in attempts per address, and the pages posted after a session ended.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from formgen.engine import CaseFile, ChildRecord
from formgen.web.extensions import db

ROLES = ("practitioner", "manager", "business_support", "administrator")


def now() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """A stored time with its zone: SQLite hands back the UTC time it was given without one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def normal_email(email: str) -> str:
    """An address as accounts are stored and looked up: case and surrounding spaces do not matter."""
    return email.strip().lower()


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32), default="practitioner")
    password_hash: Mapped[str] = mapped_column(String(256))
    # Raised on signing out: every session cookie issued before it stops working, copies included.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt: memory-hard, salted, with its parameters stored in the hash.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Case(db.Model):
    """A household's case. `version` rises with every save, so a stale page can never overwrite it."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    household: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, onupdate=now)

    owner: Mapped[User] = relationship()
    children: Mapped[list[Child]] = relationship(
        back_populates="case", order_by="Child.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads a plain dict

    def child(self, key: str) -> Child | None:
        return next((child for child in self.children if child.key == key), None)

    def to_case_file(self) -> CaseFile:
        return CaseFile(
            reference=self.reference,
            household=dict(self.household),
            children=[ChildRecord(id=child.key, answers=dict(child.answers)) for child in self.children],
        )


class Child(db.Model):
    """One child's assessment: their own answers (the household's are on the case)."""

    __tablename__ = "children"
    __table_args__ = (UniqueConstraint("case_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    case: Mapped[Case] = relationship(back_populates="children")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy reads a plain dict


class SignInThrottle(db.Model):
    """Sign-in attempts for one address, known or not, since the last success (see formgen.web.throttle)."""

    __tablename__ = "sign_in_throttles"

    # An HMAC of the address, so what people type into the email box is never stored in clear.
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    window_started: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class HeldSubmission(db.Model):
    """A page posted after its session ended, kept for the same account to save (see formgen.web.held)."""

    __tablename__ = "held_submissions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    # Lists of [name, value] pairs: a form may send a name more than once (ticked boxes).
    args: Mapped[list[list[str]]] = mapped_column(JSON)
    form: Mapped[list[list[str]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now, index=True)
