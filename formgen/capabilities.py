"""What each role may do, as named capabilities (A1 to A5 of the requirements).

A view declares the capabilities that let someone use it; a form field declares the capability that
answers it (`answered_by` in the spec); nothing compares role names. Pure data, so the engine, the
web app and the command line read the same table.
"""

from __future__ import annotations

from enum import StrEnum

from formgen.i18n import N_


class Capability(StrEnum):
    VIEW_ASSESSMENT = "view_assessment"  # read a child's answers: the task list, check answers, the record
    EDIT_ASSESSMENT = "edit_assessment"  # open a case, add children, answer questions, send for approval
    RECORD_MANAGER_DECISION = "record_manager_decision"  # the decisions the procedure reserves to a manager
    APPROVE = "approve"  # review, approve, return and reopen an assessment (J1, J2, J3)
    REVIEW_PLAN = "review_plan"  # record a review of the assessment plan (§12)
    ALLOCATE = "allocate"  # allocate a team's case to a worker
    CIRCULATE = "circulate"  # produce each recipient's plan and outcome, and log each copy sent (K2, A3)
    EDIT_DISTRIBUTION = "edit_distribution"  # add, change and remove a case's recipients
    CONFIRM_RECIPIENT = "confirm_recipient"  # confirm a household member may be sent the documents
    WITHHOLD = "withhold"  # keep an answer or a list item from named recipients (F5)
    VIEW_TEAM = "view_team"  # every case of one's team, not only one's own
    RESTRICT = "restrict"  # restrict a team's case to named people, and lift the restriction
    ADMINISTER = "administer"  # accounts, teams and the authority's settings
    AUDIT = "audit"  # search and export the log of who saw and changed children's records
    RETURNS = "returns"  # make the statutory returns: the Children in Need census and Ofsted's Annex A


class Role(StrEnum):
    PRACTITIONER = "practitioner"
    MANAGER = "manager"
    BUSINESS_SUPPORT = "business_support"
    ADMINISTRATOR = "administrator"
    AUDITOR = "auditor"
    PERFORMANCE = "performance"


ROLE_LABELS: dict[Role, str] = {
    Role.PRACTITIONER: N_("Practitioner"),
    Role.MANAGER: N_("Practice supervisor or team manager"),
    Role.BUSINESS_SUPPORT: N_("Business support"),
    Role.ADMINISTRATOR: N_("Administrator"),
    Role.AUDITOR: N_("Auditor (information governance)"),
    Role.PERFORMANCE: N_("Performance and information officer"),
}

CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.PRACTITIONER: frozenset(
        {
            Capability.VIEW_ASSESSMENT,
            Capability.EDIT_ASSESSMENT,
            Capability.EDIT_DISTRIBUTION,
            Capability.CONFIRM_RECIPIENT,
            Capability.WITHHOLD,
            Capability.CIRCULATE,  # a copy handed over on a visit is logged by whoever handed it
        }
    ),
    Role.MANAGER: frozenset(
        {
            Capability.VIEW_ASSESSMENT,
            Capability.VIEW_TEAM,
            Capability.RECORD_MANAGER_DECISION,
            Capability.APPROVE,
            Capability.REVIEW_PLAN,
            Capability.ALLOCATE,
            Capability.CIRCULATE,
            Capability.EDIT_DISTRIBUTION,
            Capability.CONFIRM_RECIPIENT,
            Capability.WITHHOLD,
            Capability.RESTRICT,
        }
    ),
    # A3: produces and circulates plans; cannot change assessment content.
    Role.BUSINESS_SUPPORT: frozenset(
        {Capability.VIEW_TEAM, Capability.CIRCULATE, Capability.EDIT_DISTRIBUTION}
    ),
    # A5: accounts and settings; no need to read children's records (Caldicott: need to know).
    Role.ADMINISTRATOR: frozenset({Capability.ADMINISTER, Capability.AUDIT}),
    # Investigations and case reviews read who saw a record, not the record itself.
    Role.AUDITOR: frozenset({Capability.AUDIT}),
    # The returns are authority-wide child-level data (dates of birth, ethnicity), made by a council's
    # performance team: not by administrators, who never read children's records (Caldicott), nor by
    # managers, whose need to know is their team's cases. They read no assessment page.
    Role.PERFORMANCE: frozenset({Capability.RETURNS}),
}


def capabilities_of(role: str) -> frozenset[Capability]:
    """The capabilities of a role by its stored name; none for a name no role has."""
    try:
        return CAPABILITIES[Role(role)]
    except ValueError:
        return frozenset()


def role_label(role: str) -> str:
    """A stored role's name as people read it, in English (the log stores it so): a page shows
    `_(role_label(role))`."""
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role
