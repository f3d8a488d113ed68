"""How the pages show what is withheld (F5): who an answer or a list item is kept from, and the link to
the page that changes it, beside each answer of a check-answers page and each item of a list."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, url_for

from formgen.capabilities import Capability
from formgen.engine import Assessment
from formgen.engine.distribution import DISTRIBUTION_LIST, Recipient, Withholding
from formgen.engine.withholding import find, reaches_outside, withheld_from
from formgen.i18n import N_, _
from formgen.spec import known_fields as known
from formgen.spec.form import FieldInfo
from formgen.web.pages import Subject

LINK_TEXT = N_("Who must not see this?")


def recipient_name(assessment: Assessment, recipient: Recipient) -> str:
    """A recipient as the pages name them: a household member by their entry in the household's list,
    anyone else by the name the distribution list gives."""
    if recipient.person is None:
        return recipient.name or _("Unnamed recipient")
    group = assessment.form.info(known.HOUSEHOLD_MEMBERS)
    item = next(
        (item for item in assessment.items(group.field.id) if str(item.get("id")) == recipient.person), None
    )
    if item is None:
        return recipient.name or _("Someone no longer in the household")
    return assessment.item_label(group, item)


def page_url(subject: Subject, field_id: str, item_id: str | None = None, back: str | None = None) -> str:
    """The "Who must not see this?" page of an answer or a list item, returning to `back`; of a
    recipient, with DISTRIBUTION_LIST and their id, for the list of who has a copy."""
    key = subject.child.key if subject.child else None
    return url_for(
        "withholding.withhold",
        reference=subject.case.reference,
        key=key,
        field_id=field_id,
        item_id=item_id,
        next=back,
    )


def child_of(subject: Subject, info: FieldInfo) -> str | None:
    """Whose answer a question is: the child's for a child's section, else the household's (None)."""
    if info.section.scope == "household" or subject.child is None:
        return None
    return subject.child.key


@dataclass
class Withheld:
    """A case's withholdings as one page shows them."""

    subject: Subject
    assessment: Assessment
    distribution: list[Recipient]
    withheld: list[Withholding]

    @classmethod
    def of(cls, subject: Subject, assessment: Assessment) -> Withheld:
        case = subject.case
        return cls(
            subject,
            assessment,
            [Recipient.model_validate(entry) for entry in case.distribution or []],
            [Withholding.model_validate(entry) for entry in case.withheld or []],
        )

    def offered(self, info: FieldInfo) -> bool:
        """Whether the page offers "Who must not see this?" for a question (or its list's items)."""
        return g.user.can(Capability.WITHHOLD) and reaches_outside(info)

    def kept_from(self, field: str, child: str | None, item: str | None) -> list[Recipient]:
        """Whom one answer, one item or one recipient of the list (DISTRIBUTION_LIST) is kept from."""
        return withheld_from(self.distribution, find(self.withheld, field, child, item))

    def recipients(self, info: FieldInfo, item_id: str | None = None) -> list[Recipient]:
        return self.kept_from(info.field.id, child_of(self.subject, info), item_id)

    def listed_names(self, recipient_id: str) -> list[str]:
        """Who a recipient is kept from, in the list of who has a copy their documents print."""
        kept = self.kept_from(DISTRIBUTION_LIST, None, recipient_id)
        return [recipient_name(self.assessment, recipient) for recipient in kept]

    def names(self, info: FieldInfo, item_id: str | None = None) -> list[str]:
        """Who an answer (or an item of a list) is withheld from, by name."""
        return [recipient_name(self.assessment, recipient) for recipient in self.recipients(info, item_id)]

    def href(self, info: FieldInfo, item_id: str | None, back: str) -> str | None:
        return page_url(self.subject, info.field.id, item_id, back) if self.offered(info) else None
