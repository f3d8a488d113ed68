"""Where each copy of a child's plan and outcome stands (K2, A3): ready, sent, or changed since it was
sent; and which assessments are waiting to be circulated.

A copy was sent from one revision of the child's assessment (formgen.engine.distribution.Sending);
once the assessment has a later revision the plan has changed since, so it is circulated again (the
plan goes out each time it changes). A family member's copy in their language has changed too once
an interpreter's translation it prints is entered after it was sent (K4). A sending that names no
revision (an older file's) counts as changed: it is better sent twice than not at all.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from formgen.engine.distribution import Audience, Interpretation, Method, Recipient, Sending
from formgen.engine.review import Person
from formgen.registry import DOCUMENTS, circulated


class State(StrEnum):
    READY = "ready"  # can be made, never sent
    SENT = "sent"  # sent from the assessment as it stands
    CHANGED = "changed"  # sent, but the assessment has changed since
    REFUSED = "refused"  # cannot be made (why is the copy's `refused`)


@dataclass(frozen=True)
class CopyState:
    """One copy of one child's document for one recipient, and where it stands."""

    child: str
    kind: str
    recipient: Recipient
    refused: str | None
    revision: int  # the child's assessment's revision now
    last: Sending | None  # the latest sending of this copy, if any
    translated_since: bool = False  # an interpreter's translation it prints is newer than `last`

    @property
    def state(self) -> State:
        if self.refused is not None:
            return State.REFUSED
        if self.last is None:
            return State.READY
        unchanged = sent_since(self.last, self.revision) and not self.translated_since
        return State.SENT if unchanged else State.CHANGED

    @property
    def to_send(self) -> bool:
        """Ready, or changed since it was sent: a copy that "every ready copy" takes."""
        return self.state in {State.READY, State.CHANGED}

    @property
    def key(self) -> str:
        """The copy's name in a form: child, document and recipient (none of them holds a '/')."""
        return f"{self.child}/{self.kind}/{self.recipient.id}"


def sent_since(sending: Sending, revision: int) -> bool:
    return sending.revision is not None and sending.revision >= revision


def translated_after(
    interpretations: Iterable[Interpretation], last: Sending | None, kind: str, recipient: Recipient
) -> bool:
    """Whether an interpreter entered a translation for this copy of a child's document after it was
    last sent: of the household's answers or the child's, into the language the copy is written in."""
    if last is None or recipient.audience is not Audience.FAMILY or not DOCUMENTS[kind].in_family_language:
        return False
    return any(
        entry.language == recipient.language and entry.child in (None, last.child) and entry.at > last.at
        for entry in interpretations
    )


def last_sending(circulation: Iterable[Sending], child: str, kind: str, recipient: str) -> Sending | None:
    """The latest sending of a copy (the log is kept oldest first)."""
    found = None
    for sending in circulation:
        if (sending.child, sending.document, sending.recipient) == (child, kind, recipient):
            found = sending
    return found


def states(
    copies: Iterable[tuple[Recipient, str, str | None]],
    child: str,
    circulation: list[Sending],
    revision: int,
    interpretations: Collection[Interpretation] = (),
) -> list[CopyState]:
    """Each copy (recipient, document, why it cannot be made) of a child's documents, with its state."""
    found = []
    for recipient, kind, refused in copies:
        if kind in circulated():
            last = last_sending(circulation, child, kind, recipient.id)
            newer = translated_after(interpretations, last, kind, recipient)
            found.append(CopyState(child, kind, recipient, refused, revision, last, newer))
    return found


def sendings(copies: Iterable[CopyState], method: Method, by: Person, at: datetime) -> list[Sending]:
    """The log's entries for copies sent now, each from the revision it was made from."""
    return [
        Sending(
            recipient=copy.recipient.id,
            document=copy.kind,
            child=copy.child,
            revision=copy.revision,
            method=method,
            by=by,
            at=at,
        )
        for copy in copies
    ]


def waiting(
    distribution: Iterable[Recipient],
    circulation: list[Sending],
    child: str,
    revision: int,
    *,
    approved: bool,
    household: Collection[str],
    interpretations: Collection[Interpretation] = (),
) -> list[CopyState]:
    """For the home pages, without building the assessment: the copies of a child's plan (and, once
    approved, outcome) that recipients are to receive and have not been sent as the assessment stands.

    The same rules as formgen.documents.copies_for but the one that reads the answers (the outcome
    withheld from the family, I4): whoever lists the outcome checks that with copies_for.
    """
    found = []
    for recipient in distribution:
        gone = recipient.person is not None and recipient.person not in household
        if gone or not recipient.receives(child):
            continue
        for kind in circulated(approved=approved):
            last = last_sending(circulation, child, kind, recipient.id)
            newer = translated_after(interpretations, last, kind, recipient)
            copy = CopyState(child, kind, recipient, None, revision, last, newer)
            if copy.to_send:
                found.append(copy)
    return found
