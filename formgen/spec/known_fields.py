"""The field ids that formgen's code reads by name: everything else is driven by the spec alone.

Essential fields must exist with the given type and scope, and an overlay cannot hide them: the
timescale and the documents are built from them. The others are read when present.
"""

REFERRAL_DATE = "referral_date"
START_DATE = "assessment_start_date"
CHILD_NAME = "child_name"
UNBORN = "unborn"
DATE_OF_BIRTH = "child_date_of_birth"
EXPECTED_DELIVERY = "expected_delivery_date"
COMPLETION_DATE = "completion_date"

ESSENTIAL: dict[str, tuple[str, str]] = {
    REFERRAL_DATE: ("date", "household"),
    START_DATE: ("date", "child"),
    CHILD_NAME: ("text", "child"),
    UNBORN: ("yes_no", "child"),
    DATE_OF_BIRTH: ("date", "child"),
    EXPECTED_DELIVERY: ("date", "child"),
    COMPLETION_DATE: ("date", "child"),
}

# Read by the documents when the form has them.
LATE_REASON = "late_reason"
LEGAL_BASIS = "legal_basis"
WORKER_NAME = "lead_practitioner_name"
WORKER_ROLE = "lead_practitioner_role"
WORKER_PHONE = "lead_practitioner_phone"
CHILD_SEEN = "child_seen"
CHILD_VISITS = "child_visits"
OUTCOMES = "outcomes"
OUTCOME_FOR_CHILD = "outcome_for_child"
PLAN_OF_ACTION = "plan_of_action"
REVIEW_DECISION = "review_decision"
APPROVER = "approver_name"
AUTHORISATION_DATE = "authorisation_date"
APPROVAL_REASONING = "approval_reasoning"

# The plan of action's items, as "what happens next" in the child's version.
PLAN_WHAT = "service"
PLAN_WHO = "by_whom"
PLAN_WHEN = "review_date"
