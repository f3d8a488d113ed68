"""The unique pupil number (UPN): its shape and the DfE's check letter, for the form and the census.

A UPN is 13 characters: a check letter, the 3-digit number of the local authority that issued it, the
school's 4-digit number, 4 more digits, and a digit (or, for a temporary UPN, a letter). The check letter
is the weighted sum of characters 2 to 13 (weights 2 to 13; a final letter counts as its place in the
check letters) modulo 23, as a letter of A to Z without I, O and S (the DfE's UPN guide; the census's
rules 1510, 1540 and 1550).
"""

from __future__ import annotations

import re

from formgen.i18n import N_

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
_SHAPE = re.compile(rf"[{CHECK_LETTERS}][0-9]{{11}}[0-9{CHECK_LETTERS}]")
SHAPE_RULE, LETTER_RULE = "1540", "1510"


def normal(text: str) -> str:
    """A UPN as typed, with the spaces people put in it taken out and its letters in capitals."""
    return "".join(text.split()).upper()


def upn_problem(upn: str) -> tuple[str, str] | None:
    """The census rule a UPN breaks and what is wrong with it, or None for a good one."""
    if not _SHAPE.fullmatch(upn):
        return SHAPE_RULE, N_(
            "{Name} must be 13 characters: a capital letter, 11 digits, then a digit or a letter"
        )
    last = upn[12]
    total = sum(int(digit) * weight for weight, digit in enumerate(upn[1:12], start=2))
    total += 13 * (int(last) if last.isdigit() else CHECK_LETTERS.index(last))
    if CHECK_LETTERS[total % 23] != upn[0]:
        return (
            LETTER_RULE,
            N_("{Name} does not have the right check letter at the start: check it with the child's school"),
        )
    return None
