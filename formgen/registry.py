"""The documents formgen makes, one entry each: adding a document is its Word template and one entry
in DOCUMENTS, not edits across the modules that offer, render, circulate and name it.

Plain data of the standard library and formgen.capabilities, so that the spec (which documents a field
prints in), the engine (whom a document is for), the documents, the command line (its choices, without
importing the documents) and the web app all read this one table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from formgen.capabilities import Capability
from formgen.i18n import N_


class Audience(StrEnum):
    """Who a field may be printed for in a document that leaves the authority (the spec's `audience`)."""

    FAMILY = "family"
    PROFESSIONALS = "professionals"


class CopyFormat(StrEnum):
    """The forms a copy of a document comes in (a recipient's, or the command line's `--format`)."""

    WORD = "word"
    PDF = "pdf"
    LARGE_PRINT = "large_print"


@dataclass(frozen=True)
class DocumentKind:
    id: str  # in URLs, the spec's `documents`, the case file's circulation log and `formgen render`
    title: str  # the document's own title, and the name the web pages offer it by
    short_name: str  # a downloaded copy's name starts with it: "Assessment plan - Kai Dacres - ..."
    template: str  # its file in templates_docx/, or in an authority's templates_docx/authorities/<id>/
    made_by: frozenset[Capability]  # who may produce it: business support produce plans only (A3)
    # Whom it is written for once it leaves the authority; none: it stays within it (the record), so
    # nothing is withheld from it.
    audiences: frozenset[Audience] = frozenset()
    per_recipient: bool = False  # a copy for each recipient of the distribution list, circulated (K2)
    after_approval: bool = False  # made only once a manager has approved the assessment (the outcome)
    for_unborn: bool = True  # whether an unborn baby's assessment has one (not the child's version)
    # Whether a household member's copy is in their preferred language (K4): its template's fixed text
    # and everything the context says go through the catalog.
    in_family_language: bool = False

    @property
    def internal(self) -> bool:
        return not self.audiences


READERS = frozenset({Capability.VIEW_ASSESSMENT})
CIRCULATORS = READERS | {Capability.CIRCULATE}
EVERYONE = frozenset(Audience)

DOCUMENTS: dict[str, DocumentKind] = {
    kind.id: kind
    for kind in (
        DocumentKind(
            "record",
            N_("Child and family assessment record"),
            N_("Assessment record"),
            "record.docx",
            READERS,
        ),
        # The child's chronology on its own (K5), for the case record, a court bundle or a review.
        DocumentKind("chronology", N_("Chronology"), N_("Chronology"), "chronology.docx", READERS),
        DocumentKind(
            "plan",
            N_("Assessment plan"),
            N_("Assessment plan"),
            "plan.docx",
            CIRCULATORS,
            audiences=EVERYONE,
            per_recipient=True,
            in_family_language=True,
        ),
        DocumentKind(
            "outcome",
            N_("The outcome of the assessment"),
            N_("Assessment outcome"),
            "outcome.docx",
            CIRCULATORS,
            audiences=EVERYONE,
            per_recipient=True,
            after_approval=True,
            in_family_language=True,
        ),
        DocumentKind(
            "child",
            N_("Your assessment, in words for you"),
            N_("Assessment for the child"),
            "child.docx",
            READERS,
            audiences=frozenset({Audience.FAMILY}),
            for_unborn=False,
        ),
    )
}


def circulated(*, approved: bool = True) -> list[str]:
    """The documents sent to each recipient of the distribution list; before approval, those that
    exist before it (the plan)."""
    return [
        kind.id for kind in DOCUMENTS.values() if kind.per_recipient and (approved or not kind.after_approval)
    ]


def audiences_of(kind: str) -> frozenset[Audience]:
    """Whom a document is written for; nobody outside for one that is not a document (a spec's typo is
    the spec loader's to report)."""
    found = DOCUMENTS.get(kind)
    return found.audiences if found else frozenset()
