"""The field ids that formgen's code reads by name: everything else is driven by the spec alone.

Each is declared here once, with the type and scope the code expects, and `formgen check` (the loader)
checks them all, so an overlay that hides, moves or retypes one is told so rather than silently
breaking a page or a document. Essential fields must exist and cannot be hidden: the timescale, the
new-case and new-child pages and the documents are built from them. The others are read when present.
An item's field is named "group.field".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Known:
    type: str
    scope: str  # "household" or "child"
    essential: bool = False
    read_by: str = ""  # what reads it, for the message an author sees


REFERRAL_DATE = "referral_date"  # its page is the new-case page
START_DATE = "assessment_start_date"
CHILD_NAME = "child_name"  # its page is the new-child page
UNBORN = "unborn"
DATE_OF_BIRTH = "child_date_of_birth"
EXPECTED_DELIVERY = "expected_delivery_date"
COMPLETION_DATE = "completion_date"
HOUSEHOLD_MEMBERS = "household_members"  # its page follows the new-case page

LATE_REASON = "late_reason"
LEGAL_BASIS = "legal_basis"
LOCAL_CASE_NUMBER = "local_case_number"
LOCAL_CHILD_NUMBER = "local_child_number"
WORKER_ROLE = "lead_practitioner_role"  # the worker themself is the case's allocation, not an answer
CHILD_SEEN = "child_seen"
CHILD_VISITS = "child_visits"
OUTCOMES = "outcomes"
OUTCOME_FOR_CHILD = "outcome_for_child"
OUTCOME_WITHHELD = "outcome_withheld"  # I4: while yes, the family gets no written outcome
OUTCOME_SENT = "outcome_sent_date"  # the record answers it from the circulation log when not typed
PERSON_NAME = "name"  # a household member's name, as a recipient of the documents is addressed
RELATIONSHIP = "relationship"  # each child's own (per_child): a letter to a parent says "your baby"
PARENTS = frozenset({"mother", "father"})  # its choices that make a person the child's parent
PLAN_OF_ACTION = "plan_of_action"
APPROVAL_REASONING = "approval_reasoning"  # the decision, who and when are the review's, not answers

# The assessment plan's actions and review dates, flagged on the home pages once overdue (C5).
ACTIONS = "assessment_actions"
ACTION_WHAT = "action_what"
ACTION_DUE = "action_due_date"
ACTION_DONE = "action_done"
REVIEW_DATES = "review_dates"
REVIEW_DATE = "review_point_date"

# The chronology (K5): a visit the child was seen alone at is its own event; the child's own events
# and the household's (entered once, in every sibling's chronology) carry a source and a significance.
SEEN_ALONE = "seen_alone"
CHILD_EVENTS = "chronology_events"
CHILD_EVENT_SOURCE = "event_source"
CHILD_EVENT_SIGNIFICANCE = "event_significance"
HOUSEHOLD_EVENTS = "household_events"
HOUSEHOLD_EVENT_SOURCE = "household_event_source"
HOUSEHOLD_EVENT_SIGNIFICANCE = "household_event_significance"

# The plan of action's items, as "what happens next" in the child's version: only the steps the
# practitioner has put in words for the child (who helps included), and when, in the child's words.
PLAN_WHAT = "for_child"
PLAN_WHEN = "when_for_child"

# What the child's version prints in places of its own ("What we decided"), not among the answers:
# the outcome's choices with their reasons, and the explanation the practitioner writes to the child.
CHILD_VERSION_OWN = (OUTCOMES, OUTCOME_FOR_CHILD)

_TIMESCALE = "the timescale"
_RECORD = "the record"
_CHILD = "the child's version"
_OVERDUE = "the home pages' overdue flags"
_CHRONOLOGY = "the chronology"

KNOWN: dict[str, Known] = {
    REFERRAL_DATE: Known("date", "household", essential=True, read_by="the timescale and the new-case page"),
    HOUSEHOLD_MEMBERS: Known("group", "household", essential=True, read_by="the new-case journey"),
    CHILD_NAME: Known(
        "text", "child", essential=True, read_by="every page and document, and the new-child page"
    ),
    START_DATE: Known("date", "child", essential=True, read_by="the timescale and the task list"),
    UNBORN: Known("yes_no", "child", essential=True, read_by=_TIMESCALE),
    DATE_OF_BIRTH: Known("date", "child", essential=True, read_by="the child's age"),
    EXPECTED_DELIVERY: Known("date", "child", essential=True, read_by=_TIMESCALE),
    COMPLETION_DATE: Known("date", "child", essential=True, read_by=_TIMESCALE),
    LATE_REASON: Known("long_text", "child", read_by=_RECORD),
    LEGAL_BASIS: Known("single_choice", "child", read_by=_RECORD),
    LOCAL_CASE_NUMBER: Known("text", "household", read_by="the documents"),
    LOCAL_CHILD_NUMBER: Known("text", "child", read_by="the documents"),
    WORKER_ROLE: Known("single_choice", "household", read_by="the documents"),
    CHILD_SEEN: Known("yes_no", "child", read_by="the list of children in the record"),
    CHILD_VISITS: Known("group", "child", read_by=_CHILD),
    OUTCOMES: Known("multiple_choice", "child", read_by=_CHILD),
    OUTCOME_FOR_CHILD: Known("long_text", "child", read_by=_CHILD),
    OUTCOME_WITHHELD: Known("yes_no", "child", read_by="the written outcome"),
    OUTCOME_SENT: Known("date", "child", read_by=_RECORD),
    f"{HOUSEHOLD_MEMBERS}.{PERSON_NAME}": Known("text", "household", read_by="the distribution list"),
    f"{HOUSEHOLD_MEMBERS}.{RELATIONSHIP}": Known("single_choice", "household", read_by="the letters"),
    PLAN_OF_ACTION: Known("group", "child", read_by=_CHILD),
    ACTIONS: Known("group", "household", read_by=_OVERDUE),
    f"{ACTIONS}.{ACTION_WHAT}": Known("text", "household", read_by=_OVERDUE),
    f"{ACTIONS}.{ACTION_DUE}": Known("date", "household", read_by=_OVERDUE),
    f"{ACTIONS}.{ACTION_DONE}": Known("yes_no", "household", read_by=_OVERDUE),
    REVIEW_DATES: Known("group", "household", read_by=_OVERDUE),
    f"{REVIEW_DATES}.{REVIEW_DATE}": Known("date", "household", read_by=_OVERDUE),
    f"{PLAN_OF_ACTION}.{PLAN_WHAT}": Known("text", "child", read_by=_CHILD),
    f"{PLAN_OF_ACTION}.{PLAN_WHEN}": Known("text", "child", read_by=_CHILD),
    APPROVAL_REASONING: Known("long_text", "child", read_by=_RECORD),
    f"{CHILD_VISITS}.{SEEN_ALONE}": Known("yes_no", "child", read_by=_CHRONOLOGY),
    CHILD_EVENTS: Known("group", "child", read_by=_CHRONOLOGY),
    f"{CHILD_EVENTS}.{CHILD_EVENT_SOURCE}": Known("text", "child", read_by=_CHRONOLOGY),
    f"{CHILD_EVENTS}.{CHILD_EVENT_SIGNIFICANCE}": Known("long_text", "child", read_by=_CHRONOLOGY),
    HOUSEHOLD_EVENTS: Known("group", "household", read_by=_CHRONOLOGY),
    f"{HOUSEHOLD_EVENTS}.{HOUSEHOLD_EVENT_SOURCE}": Known("text", "household", read_by=_CHRONOLOGY),
    f"{HOUSEHOLD_EVENTS}.{HOUSEHOLD_EVENT_SIGNIFICANCE}": Known(
        "long_text", "household", read_by=_CHRONOLOGY
    ),
}

# Pages a journey opens by the field they hold. The new-case page is asked before the case exists and
# the new-child page before the child does, so neither may hold a list or hang on a show_if; the
# people page follows the new-case page.
NEW_CASE_PAGE = REFERRAL_DATE
NEW_CHILD_PAGE = CHILD_NAME
PEOPLE_PAGE = HOUSEHOLD_MEMBERS
STANDALONE_PAGES = (NEW_CASE_PAGE, NEW_CHILD_PAGE)
