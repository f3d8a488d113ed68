"""Who a case's documents go to (K2, I3 to I5, A3), what each of them must not see (F5), and what was sent.

Plain data, kept with the case and carried by the case file:
- the distribution list: each recipient is a person of the household (named by their item in
  `household_members`, so their name is always the answers') or someone outside it (an agency's
  contact, the referrer), or is recorded as one who must not receive a copy, with the reason;
- withholdings: an answer or a list item the practitioner keeps from named recipients;
- the circulation log: each copy sent, of which document, from which revision, how, by whom and when;
- interpreters' translations of what the practitioner wrote, for the family's copies in one language.

The rules that read them, deciding what one reader's copy prints, live in one place:
formgen.documents.context.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from formgen.engine.review import Person
from formgen.i18n import N_
from formgen.registry import (  # Audience and CopyFormat are imported from here too
    Audience,
    CopyFormat,
    circulated,
)

RecipientId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
Line = Annotated[str, StringConstraints(max_length=300)]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]  # BCP 47
Block = Annotated[str, StringConstraints(max_length=2_000)]


AUDIENCE_LABELS: dict[Audience, str] = {
    Audience.FAMILY: N_("The child and family"),
    Audience.PROFESSIONALS: N_("Professionals and agencies"),
}


FORMAT_LABELS: dict[CopyFormat, str] = {
    CopyFormat.WORD: N_("Word"),
    CopyFormat.PDF: N_("PDF"),
    CopyFormat.LARGE_PRINT: N_("Large print"),
}


class Method(StrEnum):
    POST = "post"
    SECURE_EMAIL = "secure_email"
    HANDED_OVER = "handed_over"


METHOD_LABELS: dict[Method, str] = {
    Method.POST: N_("Post"),
    Method.SECURE_EMAIL: N_("Secure email"),
    Method.HANDED_OVER: N_("Handed over"),
}


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Confirmation(_Data):
    """A practitioner's or manager's word that a household member may be sent the documents."""

    by: Person
    at: AwareDatetime


class Recipient(_Data):
    """One entry of a case's distribution list."""

    id: RecipientId
    # A household member: their item id in household_members. Their name, and whether they may be
    # named to this reader, come from the answers; `name` is only for people outside the household.
    person: RecipientId | None = None
    name: Line = ""
    role: Line = ""  # "Designated safeguarding lead", "Referrer"
    organisation: Line = ""
    address: Block = ""  # postal address
    email: Line = ""  # secure email
    language: LanguageCode = "en"
    # A family member whose copy is in another language may ask for the English copy as well (K4):
    # it is made and sent with theirs, as one copy of the circulation log.
    english_too: bool = False
    format: CopyFormat = CopyFormat.WORD
    children: list[RecipientId] = Field(default_factory=list)  # whose documents; empty: every child's
    referrer: bool = False  # made the referral: their outcome leaves out what the I4 exception withholds
    excluded_reason: Block | None = None  # recorded as "must not receive a copy", and why
    confirmed: Confirmation | None = None  # a household member receives nothing until confirmed

    @property
    def audience(self) -> Audience:
        return Audience.FAMILY if self.person is not None else Audience.PROFESSIONALS

    @property
    def in_both_languages(self) -> bool:
        """A family member who reads another language and asked for the English copy with theirs."""
        return self.english_too and self.audience is Audience.FAMILY and self.language != "en"

    def receives(self, child_id: str) -> bool:
        """Whether this recipient is to get copies of a child's documents at all."""
        if self.excluded_reason is not None:
            return False
        if self.person is not None and self.confirmed is None:
            return False
        return not self.children or child_id in self.children


# A Withholding of this "field" keeps one recipient (its `item`) out of the list of who has a copy
# that other recipients' documents print: a school's name can tell a parent where the children are.
DISTRIBUTION_LIST = "distribution"


class Withholding(_Data):
    """An answer, or one item of a list, kept from named recipients of the documents that leave."""

    field: Annotated[str, StringConstraints(min_length=1, max_length=200)]  # a top-level field's id
    child: RecipientId | None = None  # whose answer: None for the household's
    item: RecipientId | None = None  # an item of the list `field` names
    recipients: list[RecipientId] = Field(default_factory=list)  # the recipients it is kept from


class Sending(_Data):
    """One copy of a document sent to one recipient."""

    recipient: RecipientId
    document: Annotated[str, StringConstraints(pattern=f"^({'|'.join(circulated())})$")]
    child: RecipientId
    revision: int | None = None  # the assessment's revision the copy was made from
    method: Method
    by: Person
    at: AwareDatetime


class Interpretation(_Data):
    """An interpreter's translation of one answer the practitioner wrote (K4), printed beside it in the
    family's copies in `language` while the answer still reads as it did when it was translated."""

    field: Annotated[str, StringConstraints(min_length=1, max_length=200)]  # a top-level free-text question
    child: RecipientId | None = None  # whose answer: None for the household's
    language: LanguageCode
    original: Annotated[str, StringConstraints(max_length=20_000)]  # the answer as it was translated
    text: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    interpreter: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    by: Person  # who entered it
    at: AwareDatetime
