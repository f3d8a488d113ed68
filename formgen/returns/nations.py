"""England's returns are England's alone: one rule for the Children in Need census and Ofsted's Annex A.

Welsh children's services work under other law (the Social Services and Well-being (Wales) Act 2014),
make Welsh Government's returns and are inspected by Care Inspectorate Wales, so each English return
says, for an authority whose overlay names another nation, what takes its place there and stops
before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass

ENGLAND = "ENG"
WALES = "WLS"


class NotThisNation(ValueError):
    """The authority's nation makes another return, not this one."""


@dataclass(frozen=True)
class EnglishReturn:
    name: str  # as a sentence starts it: "The Children in Need census"
    in_wales: str  # what Wales has instead, as a sentence after "This authority is in Wales: "

    def refusal(self, nation: str) -> str | None:
        """Why an authority of this nation does not make this return, or None for England."""
        if nation == ENGLAND:
            return None
        if nation == WALES:
            return f"This authority is in Wales: {self.in_wales}. Nothing was written."
        return f"{self.name} is made in England only: this authority's overlay names another nation."

    def check(self, nation: str) -> None:
        """Raises NotThisNation, with the refusal, for an authority outside England."""
        if refusal := self.refusal(nation):
            raise NotThisNation(refusal)
