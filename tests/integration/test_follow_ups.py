"""Every follow-up the procedure implies: asked and required when an answer calls for it, else hidden."""

import pytest

from formgen.engine import Status
from formgen.engine.assessment import PRACTITIONER
from tests.support import assess, error_messages

REFERRAL = {"referral_date": "2025-03-03"}
CHILD_9 = {
    "child_name": "Nia Example",
    "unborn": False,
    "child_date_of_birth": "2016-01-10",
    "assessment_start_date": "2025-03-04",
}


def child(**answers):
    return {**CHILD_9, **answers}


def visible(assessment, field_id):
    return assessment.is_visible(assessment.form.info(field_id))


def test_e1_a_child_not_seen_alone_needs_the_reason(form):
    visit = {"id": "v1", "visit_date": "2025-03-05", "seen_alone": False}
    errors = error_messages(assess(form, REFERRAL, child(child_seen=True, child_visits=[visit])))
    assert errors["child_visits[0].not_seen_alone_reason"] == "Enter why the child was not seen alone"

    visit["not_seen_alone_reason"] = "Nia asked for her aunt to stay"
    assert "child_visits[0].not_seen_alone_reason" not in error_messages(
        assess(form, REFERRAL, child(child_seen=True, child_visits=[visit]))
    )


def test_e1_seen_alone_asks_no_reason(form):
    visit = {"id": "v1", "visit_date": "2025-03-05", "seen_alone": True}
    assessment = assess(form, REFERRAL, child(child_seen=True, child_visits=[visit]))
    info = form.info("not_seen_alone_reason", "child_visits")
    assert not assessment.is_visible(info, visit, 0)
    assert "child_visits[0].not_seen_alone_reason" not in error_messages(assessment)


def test_e1_a_child_not_seen_at_all_needs_the_managers_explanation(form):
    seen = assess(form, REFERRAL, child(child_seen=True))
    not_seen = assess(form, REFERRAL, child(child_seen=False))
    assert not visible(seen, "child_not_seen_explanation")
    assert visible(not_seen, "child_not_seen_explanation")
    assert form.info("child_not_seen_explanation").field.answered_by == "record_manager_decision"
    assert "child_not_seen_explanation" in error_messages(not_seen)
    # The practitioner's view leaves the manager's decision to the manager, and lists it as waiting.
    assert "child_not_seen_explanation" not in error_messages(not_seen, answering=PRACTITIONER)
    assert "child_not_seen_explanation" in {pending.info.field.id for pending in not_seen.pending_decisions()}
    assert "child_visits" not in error_messages(not_seen)


def test_d5_no_consent_needs_the_reason_and_a_managers_authorisation(form):
    household = {**REFERRAL, "consent_sought": False}
    assessment = assess(form, household)
    errors = error_messages(assessment)
    for field_id in ("consent_not_sought_reason", "consent_override_reasons"):
        assert field_id in errors
    assert form.info("consent_override_reasons").field.answered_by == "record_manager_decision"
    # The manager's reasons wait for a manager; who and when come from their account, never typed.
    assert [pending.info.key for pending in assessment.pending_decisions()] == ["consent_override_reasons"]
    assert "consent_not_sought_reason" not in error_messages(
        assess(form, {**REFERRAL, "consent_sought": True})
    )


def test_d6_no_interpreter_needs_the_team_managers_approval(form):
    answers = child(child_interpreter_needed=True, child_interpreter_arranged=False)
    errors = error_messages(assess(form, REFERRAL, answers))
    assert "child_interpreter_not_used_reason" in errors
    assert form.info("child_interpreter_not_used_reason").field.answered_by == "record_manager_decision"
    arranged = error_messages(
        assess(form, REFERRAL, child(child_interpreter_needed=True, child_interpreter_arranged=True))
    )
    assert arranged["child_interpreter_language"] == "Enter the language the interpreter will work in"
    assert "child_interpreter_not_used_reason" not in arranged


def test_d6_a_household_members_interpreter_follow_ups_work_inside_the_item(form):
    person = {
        "id": "p1",
        "name": "Ola Example",
        "relationship": "mother",
        "interpreter_needed": True,
        "interpreter_arranged": False,
    }
    assessment = assess(form, {**REFERRAL, "household_members": [person]})
    errors = error_messages(assessment)
    assert "household_members[0].interpreter_not_used_reason" in errors
    assert "household_members[0].interpreter_language" not in errors
    [pending] = assessment.pending_decisions()
    assert (pending.info.key, pending.item["id"]) == ("household_members.interpreter_not_used_reason", "p1")


@pytest.mark.parametrize(
    ("born", "school_age"), [("2016-01-10", True), ("2021-06-01", False), ("2009-01-01", False)]
)
def test_e6_attendance_is_asked_only_for_a_school_age_child(form, born, school_age):
    assessment = assess(form, REFERRAL, child(child_date_of_birth=born))
    assert visible(assessment, "attends_education") is school_age


def test_e6_a_school_age_child_out_of_education_needs_the_education_service_contacted(form):
    errors = error_messages(assess(form, REFERRAL, child(attends_education=False)))
    assert "education_service_contacted_date" in errors
    assert "education_service_outcome" in errors
    attending = error_messages(assess(form, REFERRAL, child(attends_education=True)))
    assert "education_service_contacted_date" not in attending


@pytest.mark.parametrize("form_of_harm", ["trafficking", "modern_slavery"])
def test_g3_a_trafficking_concern_needs_the_nrm_date_and_an_ictg_answer(form, form_of_harm):
    errors = error_messages(assess(form, REFERRAL, child(harm_forms=[form_of_harm])))
    assert "nrm_referral_date" in errors
    assert "ictg_referred" in errors
    without = error_messages(assess(form, REFERRAL, child(harm_forms=["online_harm"])))
    assert "nrm_referral_date" not in without


def test_g3_ictg_yes_needs_its_date_and_no_needs_a_reason(form):
    concern = child(harm_forms=["trafficking"], nrm_referral_date="2025-03-06")
    referred = error_messages(assess(form, REFERRAL, {**concern, "ictg_referred": True}))
    not_referred = error_messages(assess(form, REFERRAL, {**concern, "ictg_referred": False}))
    assert "ictg_referral_date" in referred and "ictg_not_referred_reason" not in referred
    assert "ictg_not_referred_reason" in not_referred and "ictg_referral_date" not in not_referred


def test_g4_a_suspected_crime_needs_the_date_and_time_the_police_were_told(form):
    errors = error_messages(assess(form, REFERRAL, child(crime_suspected=True)))
    assert "police_notified_date" in errors and "police_notified_time" in errors
    bad_time = error_messages(
        assess(form, REFERRAL, child(crime_suspected=True, police_notified_time="25:99"))
    )
    assert bad_time["police_notified_time"].endswith("must be a real time, like 14:30")
    assert "police_notified_date" not in error_messages(assess(form, REFERRAL, child(crime_suspected=False)))


def test_g5_family_abroad_needs_the_country_and_the_enquiry_route(form):
    errors = error_messages(assess(form, {**REFERRAL, "family_abroad": True}))
    assert "family_abroad_country" in errors and "enquiry_route" in errors
    assert "enquiry_route" not in error_messages(assess(form, {**REFERRAL, "family_abroad": False}))


def test_b2_an_unborn_child_has_an_expected_delivery_date_and_the_pre_birth_questions(form):
    unborn = assess(
        form, REFERRAL, {"child_name": "Baby Example", "unborn": True, "assessment_start_date": "2025-03-04"}
    )
    errors = error_messages(unborn)
    assert "expected_delivery_date" in errors
    assert "child_date_of_birth" not in errors
    assert visible(unborn, "pregnancy_known_date") and not visible(unborn, "child_seen")
    born = assess(form, REFERRAL, child())
    assert not visible(born, "expected_delivery_date") and not visible(born, "pregnancy_known_date")


def test_b3_a_homeless_16_year_old_is_offered_s20_and_their_answer_recorded(form):
    sixteen = child(child_date_of_birth="2008-12-01")
    assert visible(assess(form, REFERRAL, sixteen), "homeless_16_17")
    assert not visible(assess(form, REFERRAL, child()), "homeless_16_17")
    homeless = error_messages(assess(form, REFERRAL, {**sixteen, "homeless_16_17": True}))
    assert "s20_offered" in homeless
    offered = error_messages(assess(form, REFERRAL, {**sixteen, "homeless_16_17": True, "s20_offered": True}))
    assert "s20_response" in offered


def test_c2_completing_after_the_due_date_needs_a_reason(form):
    # Referral 2025-03-03: the 45th working day in England is 2025-05-08 (Easter and May Day skipped).
    on_time = error_messages(assess(form, REFERRAL, child(completion_date="2025-05-08")))
    late = error_messages(assess(form, REFERRAL, child(completion_date="2025-05-09")))
    assert "late_reason" not in on_time
    assert late["late_reason"] == "Enter the reason the assessment took longer than the timescale"


def test_c3_pre_birth_due_date_four_weeks_before_delivery_makes_completion_late(form):
    unborn = {
        "child_name": "Baby Example",
        "unborn": True,
        "assessment_start_date": "2025-03-04",
        "expected_delivery_date": "2025-04-28",
    }
    # 2025-04-28 minus 28 days is Monday 2025-03-31: earlier than the 45-working-day date.
    assert assess(form, REFERRAL, unborn).due_date.isoformat() == "2025-03-31"
    assert "late_reason" in error_messages(
        assess(form, REFERRAL, {**unborn, "completion_date": "2025-04-01"})
    )
    assert "late_reason" not in error_messages(
        assess(form, REFERRAL, {**unborn, "completion_date": "2025-03-31"})
    )


def test_i2_a_s47_yes_without_a_strategy_discussion_asks_for_confirmation(form):
    answers = child(s47_reasonable_cause=True, outcomes=["cin_plan"])
    assert "s47_no_strategy_confirmed" in error_messages(assess(form, REFERRAL, answers))
    refused = error_messages(assess(form, REFERRAL, {**answers, "s47_no_strategy_confirmed": False}))
    assert refused["s47_no_strategy_confirmed"].startswith("Select strategy discussion in the outcome")
    with_strategy = child(s47_reasonable_cause=True, outcomes=["strategy_discussion"])
    assert "s47_no_strategy_confirmed" not in error_messages(assess(form, REFERRAL, with_strategy))


def test_c1_the_start_date_cannot_be_before_the_referral(form):
    errors = error_messages(assess(form, REFERRAL, child(assessment_start_date="2025-03-02")))
    assert (
        errors["assessment_start_date"]
        == "The date the assessment started must be the same as or after the date the referral was received"
    )
    assert "assessment_start_date" not in error_messages(
        assess(form, REFERRAL, child(assessment_start_date="2025-03-03"))
    )


def test_i6_census_factor_21_stands_alone_and_codes_are_not_repeated(form):
    with_others = error_messages(assess(form, REFERRAL, child(census_factors=["21", "3A"])))
    assert (
        with_others["census_factors"]
        == "Select ‘No factors identified’ on its own, or remove it and keep the other answers"
    )
    repeated = error_messages(assess(form, REFERRAL, child(census_factors=["3A", "3A"])))
    assert "each choice can be selected only once" in repeated["census_factors"]
    unknown = error_messages(assess(form, REFERRAL, child(census_factors=["99Z"])))
    assert "'99Z' is not one of the choices" in unknown["census_factors"]
    assert "census_factors" not in error_messages(assess(form, REFERRAL, child(census_factors=["3A", "3B"])))


def test_hidden_answers_are_kept_but_neither_checked_nor_used(form):
    # Changing "not seen" back to "seen" hides the manager's explanation; the typed text stays stored.
    answers = child(child_seen=True, child_not_seen_explanation="Explained")
    assessment = assess(form, REFERRAL, answers)
    assert assessment.value("child_not_seen_explanation") is None
    assert answers["child_not_seen_explanation"] == "Explained"


def test_section_status_moves_from_not_started_to_completed(form):
    section = form.section("family")
    assert assess(form, REFERRAL).status(section) is Status.NOT_STARTED
    partly = {**REFERRAL, "family_history": "Parents separated in 2023"}
    assert assess(form, partly).status(section) is Status.IN_PROGRESS
    required = {info.field.id for info in assess(form, partly).visible_fields(section) if info.field.required}
    complete = {
        **partly,
        **dict.fromkeys(required, "Written"),
        "family_abroad": False,
        "family_group_conference": form.info("family_group_conference").field.choices[0].value,
    }
    assert assess(form, complete).status(section) is Status.COMPLETED
