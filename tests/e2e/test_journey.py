"""A practitioner's whole journey in a real browser, from signing in to downloading the record.

A new user signs in, creates a case with two siblings and completes one child's whole assessment: every
section a practitioner answers reaches "Completed". On the way the test opens follow-ups (an interpreter,
an Early Help Assessment, a disability, consent not sought, a child not seen alone, another way of
gathering views, school attendance, family abroad, trafficking, a crime suspected, the date the outcome
was discussed), fixes an impossible date, changes an answer from check answers, then downloads the record
and finds the typed answers in it.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    Account,
    Site,
    assert_every_case_page_was_logged,
    sign_in,
)
from tests.e2e.wizard import (
    Choose,
    DateParts,
    Tick,
    add_item,
    answer_page,
    change,
    check_answer,
    date_input,
    document_text,
    expect_heading,
    fill,
    heading,
    no_more,
    open_task,
    option,
    press,
    question,
    task_status,
)

TODAY = date.today()  # the server's today: no date may be in the future, and timescales run from it
REFERRAL = TODAY - timedelta(days=14)
STARTED = TODAY - timedelta(days=12)
LUCA = "Luca Penhaligon"
INES = "Ines Penhaligon"
# Each task a practitioner completes on a child's task list, and the title of its section.
SECTIONS = {
    "Record the referral and household": "Case and referral",
    "Add details of the child and the assessment": "About the child and the assessment",
    "Plan the assessment": "Assessment plan",
    "Record the child's views and needs": "The child's views and developmental needs",
    "Assess parenting capacity": "Parenting capacity",
    "Assess family and environmental factors": "Family and environment",
    "Assess harm outside the home": "Harm outside the home and referrals",
    "Write the analysis": "Analysis",
    "Record the outcome": "Outcome",
}
HOUSEHOLD_TASKS = [
    "Record the referral and household",
    "Plan the assessment",
    "Assess parenting capacity",
    "Assess family and environmental factors",
]
MANAGER_TASK = "Review and approve the assessment"
RECORD = "Child and family assessment record (Word)"
NRM_DATE = "When was the child referred to the National Referral Mechanism?"
CRIME = "Is there a suspicion that a crime may have been committed against the child?"
HARM_DETAILS = (
    "What is happening to the child outside the home, and how does it interact with their family life?"
)
SIGNIFICANT_HARM = (
    "Is there reasonable cause to suspect that the child is suffering, or is likely to suffer, "
    "significant harm?"
)
ANALYSIS = {
    "What is the nature of the concern, and what impact has it had on the child?": "Exploitation.",
    (
        "What are the child's needs, and what is the nature and level of any risk and harm they are "
        "suffering?"
    ): "Safety outside the home; the risk is high.",
    "How and why have the concerns arisen?": "Isolation after the move and little money at home.",
    "What do the child's and the family's needs appear to be, and is the child a child in need?": (
        "Support for the family; Luca is a child in need."
    ),
    (
        "Does the concern involve neglect, and how do the wider family, other adults in the household "
        "and the community affect it?"
    ): "No neglect; his aunt is a protective factor.",
    (
        "Is urgent action needed to protect this child, or any other child in the household or wider "
        "community?"
    ): "No urgent action beyond the referrals made.",
    (
        "Do any factors suggest the child is being, or has been, criminally or sexually exploited or "
        "trafficked?"
    ): "Yes: he carries parcels for payment.",
    "What strengths in the child's circumstances could help reduce the risk?": "His aunt and school.",
    "What is daily life like for the child, from the child's point of view?": "Worried walking home.",
}


def test_a_new_practitioner_completes_a_childs_assessment_and_downloads_the_record(
    page: Page, account: Account, site: Site, tmp_path: Path
) -> None:
    sign_in(page, account)
    expect(page.get_by_text("You have no assessments yet.")).to_be_visible()
    start_case(page)

    page.get_by_role("link", name=LUCA, exact=True).click()
    expect_heading(page, f"Assessment of {LUCA}")
    for task in ["Record the referral and household", "Add details of the child and the assessment"]:
        expect(task_status(page, task)).to_have_text("In progress")
    expect(task_status(page, "Plan the assessment")).to_have_text("Not yet started")
    expect(task_status(page, MANAGER_TASK)).to_have_text("For a manager")
    expect(page.get_by_role("link", name=MANAGER_TASK)).to_have_count(0)

    finish_case_section(page)
    finish_child_section(page)
    plan_the_assessment(page)
    record_the_childs_views(page)
    assess_parenting(page)
    assess_family_and_environment(page)
    assess_harm_outside_the_home(page)
    write_the_analysis(page)
    record_the_outcome(page)

    for task in SECTIONS:
        expect(task_status(page, task)).to_have_text("Completed")
    expect(task_status(page, MANAGER_TASK)).to_have_text("For a manager")

    with page.expect_download() as started:
        page.get_by_role("link", name=RECORD).click()
    download = started.value
    assert download.suggested_filename.endswith(".docx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    record = document_text(saved)
    assert (
        assert_every_case_page_was_logged(site, account) > 50
    )  # every page of the journey, the download too
    for typed in [
        LUCA,
        "Marisol Penhaligon",
        "Kerry Lowden, Designated Safeguarding Lead, Harrowgate Primary",
        "Luca is partially sighted in his left eye and uses large-print materials.",
        "To understand why Luca is afraid to go home and what would make him safe.",
        "Seeing Luca alone would have alarmed him; his aunt stayed in the room at his request.",
        "He feels safest at his aunt's flat.",
        "Ravensmoor Academy",
        "Portugal",
        "An older boy pays Luca to carry parcels to Leeds.",
        "NBK-44192",
        "Weekly sessions with the school's family support worker",
    ]:
        assert typed in record, f"{typed!r} is not in the record"

    # The sibling's assessment shares the household's sections and has its own child's sections.
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name=INES, exact=True).click()
    expect_heading(page, f"Assessment of {INES}")
    for task in HOUSEHOLD_TASKS:
        expect(task_status(page, task)).to_have_text("Completed")
    expect(task_status(page, "Add details of the child and the assessment")).to_have_text("In progress")
    expect(task_status(page, "Assess harm outside the home")).to_have_text("Not yet started")


# --- a new case with two siblings ----------------------------------------------------------------


def start_case(page: Page) -> None:
    """A new case from the home page: the referral, the household, then the two children."""
    page.get_by_role("button", name="Start a new case").click()
    answer_page(
        page,
        "The referral",
        {
            "When was the referral received?": REFERRAL,
            "Who made the referral?": "Kerry Lowden, Designated Safeguarding Lead, Harrowgate Primary",
            "Which of these best describes who made the referral?": Choose("A school"),
            "Why was the child or family referred?": "Luca told his teacher he is afraid to go home.",
        },
    )
    expect_heading(page, "Who are the parents, carers and other family members?")
    # APP BUG (reported): on a list item's page a follow-up is not revealed under the choice it hangs
    # on; it appears only with an error after Continue. This step fails until that is fixed.
    add_item(
        page,
        "person",
        {
            # No child yet: her relationship to each child is asked once the children are added.
            "What is their full name?": "Marisol Penhaligon",
            "What is their date of birth?": date(1988, 6, 21),
            "What is their first language?": "Portuguese",
            # Follow-ups revealed under the answers they hang on, one inside the other.
            "Do they need an interpreter?": Choose("Yes"),
            "Has an interpreter been arranged?": Choose("Yes"),
            "In what language will the interpreter work?": "Brazilian Portuguese",
        },
    )
    expect(page.get_by_role("term")).to_have_text(["Marisol Penhaligon"])
    no_more(page, "person")

    expect_heading(page, "Children in the household")
    press(page, "Add a child")
    add_child(page, LUCA, date(TODAY.year - 12, 5, 4))
    option(page, "Do you need to add another child?", "Yes").check()
    press(page, "Continue")
    add_child(page, INES, date(TODAY.year - 7, 9, 30))
    expect(page.get_by_role("term")).to_have_text([LUCA, INES])
    no_more(page, "child")
    expect(heading(page)).to_have_text(re.compile(r"^Case FG-\d{4}-[0-9A-F]{6}$"))


def add_child(page: Page, name: str, born: date) -> None:
    answer_page(
        page,
        "Add a child",
        {
            "What is the child's full name?": name,
            "Is this a pre-birth assessment?": Choose("No"),
            "What is the child's date of birth?": born,
            "When did the assessment start?": STARTED,
        },
    )


# --- the household's and the child's sections ----------------------------------------------------


def finish_case_section(page: Page) -> None:
    """Begun when the case was made, so the task opens check answers; Change asks what is missing."""
    open_task(page, "Record the referral and household")
    expect_heading(page, "Check your answers: Case and referral")
    expect(check_answer(page, "What is the household's address?")).to_have_text("Not provided")
    # Each child's relationship to the people added before the children, asked for each by name.
    change(page, "Who are the parents, carers and other family members?")
    press(page, "Change Marisol Penhaligon")
    answer_page(
        page,
        "Change the details of Marisol Penhaligon",
        {
            f"What is their relationship to {LUCA}?": Choose("Mother"),
            f"Do they have parental responsibility for {LUCA}?": Choose("Yes"),
            f"What is their relationship to {INES}?": Choose("Mother"),
            f"Do they have parental responsibility for {INES}?": Choose("Yes"),
        },
    )
    expect(page.get_by_role("term")).to_have_text(["Marisol Penhaligon (Mother)"])
    no_more(page, "person")
    answer_page(
        page, "Household address", {"What is the household's address?": "7 Copperbeech Row\nNorthbrook"}
    )
    # The lead practitioner is the worker the case is allocated to: only their role is asked.
    answer_page(
        page,
        "What is the lead practitioner's role?",
        {"What is the lead practitioner's role?": Choose("Social worker")},
    )
    answer_page(
        page,
        "History",
        {
            "What previous involvement have services had with the child and family?": "None recorded.",
            "Has an Early Help Assessment already been completed?": Choose("Yes"),
            "What did the Early Help Assessment find?": "Isolation after moving from Lisbon.",
        },
    )
    back_to_task_list(page, "Record the referral and household")


def finish_child_section(page: Page) -> None:
    open_task(page, "Add details of the child and the assessment")
    expect_heading(page, "Check your answers: About the child and the assessment")
    expect(check_answer(page, "What is the child's full name?")).to_have_text(LUCA)
    change(page, "What is the child's gender?")
    answer_page(
        page,
        "The child's identity",
        {
            "What is the child's gender?": Choose("Male"),
            "What is the child's ethnic group?": Choose("Any other White background"),
            "What sex is recorded for the child?": Choose("Male"),
            "Does the child have a disability?": Choose("Yes"),
            "What is the child's disability, and how does it affect them?": (
                "Luca is partially sighted in his left eye and uses large-print materials."
            ),
            "Which of these describe the child's disability?": Tick("Vision"),
            "What is the child's unique pupil number (UPN)?": "D201120004817",
        },
    )
    answer_page(
        page,
        "The child's language and communication",
        {
            "What is the child's first language?": "English",
            "Does the child need an interpreter?": Choose("No"),
        },
    )
    answer_page(
        page,
        "Under what legal basis is the child being assessed?",
        {
            "Under what legal basis is the child being assessed?": Choose(
                "Section 47: child protection enquiry"
            )
        },
    )
    back_to_task_list(page, "Add details of the child and the assessment")


def plan_the_assessment(page: Page) -> None:
    open_task(page, "Plan the assessment")
    answer_page(
        page,
        "What are the aims of the assessment?",
        {
            "What are the aims of the assessment?": (
                "To understand why Luca is afraid to go home and what would make him safe."
            )
        },
    )
    answer_page(
        page,
        "Who will take part and how",
        {
            "Who will undertake the assessment and what resources will be needed?": "Dominic Achterberg.",
            "Who in the family will be included and how will they be involved?": "Ms Penhaligon and Luca.",
            "In what grouping will the child and family members be seen, in what order and where?": (
                "Luca alone at school first, then with his mother at home."
            ),
        },
    )
    answer_page(
        page,
        "Information and methods",
        {"How will the consent of family members be obtained?": "In person, with the interpreter."},
    )
    answer_page(
        page,
        "Timescales, recording and analysis",
        {"What will the timescales be?": "Within 45 working days of the referral."},
    )
    answer_page(page, "Was a planning meeting held?", {"Was a planning meeting held?": Choose("No")})
    consent = "Was the parents' consent sought before the referral was discussed with other agencies?"
    answer_page(
        page,
        consent,
        {
            consent: Choose("No"),
            "Why was consent not sought?": "Asking Ms Penhaligon first could have put Luca at risk.",
        },
    )
    expect_heading(page, "Agencies consulted")
    # APP BUG (reported): the button and the page say "Add a agency" (and "Add a action" below).
    add_item(
        page,
        "agency",
        {
            "What is the agency?": "Harrowgate Primary",
            "When was the agency consulted?": REFERRAL + timedelta(days=1),
        },
    )
    expect_heading(page, "Agencies consulted")
    press(page, "Continue")
    expect_heading(page, "Actions and review points")
    add_item(
        page,
        "action",
        {
            "What needs to be done?": "Visit Luca at school",
            "Who will do it?": "Dominic Achterberg",
            "When is it due?": TODAY + timedelta(days=7),
        },
    )
    add_item(page, "review date", {"What is the review date?": TODAY + timedelta(days=21)})
    press(page, "Continue")
    back_to_task_list(page, "Plan the assessment")


def record_the_childs_views(page: Page) -> None:
    open_task(page, "Record the child's views and needs")
    answer_page(page, "Has the child been seen?", {"Has the child been seen?": Choose("Yes")})
    # The list of visits is asked on the same page once the child has been seen. APP BUG (reported):
    # instead, "Yes" is not saved and the page comes back with an error for the list nobody has seen.
    expect_heading(page, "Seeing the child")
    add_item(
        page,
        "visit",
        {
            "When was the child seen?": STARTED,
            "Where was the child seen?": "At his aunt's flat",
            "Was the child seen alone?": Choose("No"),
            "Why was the child not seen alone?": (
                "Seeing Luca alone would have alarmed him; his aunt stayed in the room at his request."
            ),
        },
    )
    expect_heading(page, "Seeing the child")
    press(page, "Continue")
    answer_page(
        page,
        "The child's views, wishes and feelings",
        {
            "What are the child's views, wishes and feelings?": "He feels safest at his aunt's flat.",
            "How would you tell the child what they told you?": "You feel safest at your aunt's flat.",
            "How were the child's views gathered?": Tick("Another way"),
            "What other way were the child's views gathered?": "Walking to the park together",
        },
    )
    observed = "What did you observe of the child, and of how they are with their parents or carers?"
    answer_page(page, observed, {observed: "Luca was quiet and watchful when his mother came in."})
    answer_page(
        page,
        "The child's developmental needs",
        {
            "What are the child's health needs?": "Registered with a GP; sight checked yearly.",
            "What are the child's education and learning needs?": "Doing well in English and art.",
            "What is the child's emotional and behavioural development?": "Anxious at home, calm at school.",
            "How is the child's sense of identity developing?": "Proud of his Portuguese heritage.",
            "What are the child's family and social relationships like?": "Close to his sister and his aunt.",
            "How does the child present to others?": "Polite and careful.",
            "What self-care skills does the child have for their age?": "Gets himself ready for school.",
        },
    )
    attends = "Is the child attending school or another education setting?"
    answer_page(
        page,
        attends,
        {
            attends: Choose("Yes"),
            "Which school or education setting does the child attend?": "Ravensmoor Academy",
        },
    )
    answer_page(
        page,
        "Strengths, identity and resilience",
        {
            "What are the child's strengths and interests?": "Drawing and football.",
            "How would you tell the child what they are good at and enjoy?": "You are good at drawing.",
            "What matters to the child about their identity and culture?": "Speaking Portuguese with family.",
            "What helps the child cope and recover when things are hard?": "His aunt and his drawing.",
        },
    )
    back_to_task_list(page, "Record the child's views and needs")


def assess_parenting(page: Page) -> None:
    open_task(page, "Assess parenting capacity")
    expect_heading(page, "How has each parent or carer been involved in the assessment?")
    add_item(
        page,
        "parent or carer",
        {
            "Which parent or carer?": Choose("Marisol Penhaligon (Mother)"),
            "When were they seen?": long_date(STARTED),
            "What are their views and wishes?": "She wants Luca to feel safe at home again.",
        },
    )
    no_more(page, "parent or carer")
    answer_page(
        page,
        "Parenting capacity",
        {
            "How well do the parents or carers meet the child's physical needs?": "Well.",
            "How well do the parents or carers keep the child safe?": "Not always: see the analysis.",
            "How well do the parents or carers meet the child's emotional needs?": "Warmly.",
            "How do the parents or carers help the child learn and develop?": "Reads with both children.",
            "How do the parents or carers guide the child and set boundaries?": "Clear bedtimes.",
            "How stable is the child's family life?": "Two moves in a year.",
        },
    )
    inconsistent = "Is there evidence of inconsistencies in what the parents or carers have said or done?"
    answer_page(page, inconsistent, {inconsistent: Choose("No")})
    needs = "Do any adults in the child's life have needs of their own that affect the child?"
    answer_page(page, needs, {needs: Tick("No adult has needs that affect the child")})
    back_to_task_list(page, "Assess parenting capacity")


def assess_family_and_environment(page: Page) -> None:
    open_task(page, "Assess family and environmental factors")
    answer_page(
        page,
        "Family history and support",
        {
            "What is the family's history, and how does the family function?": "Moved from Lisbon in 2021.",
            "What support can the wider family and network give?": "Luca's aunt lives nearby.",
            "Has a family group conference been offered?": Choose("Yes, and it is arranged"),
        },
    )
    # The family's events, entered once for every child's chronology: none to add here.
    expect_heading(
        page, "What significant events in the family's life should be in every child's chronology?"
    )
    press(page, "Continue")
    answer_page(
        page,
        "Home and community",
        {
            "What is the family's housing like, and does it meet the child's needs?": "A two-bedroom flat.",
            "What work do the adults in the household do, and how does it affect the child?": "Night shifts.",
            "Does the family have enough income to meet the child's needs?": "Only just.",
            "How connected is the family to their neighbourhood and community?": "They attend a church.",
            "What community resources are available to the family, and do they use them?": "A youth club.",
        },
    )
    abroad = "Does the child have family members abroad who need to be assessed or contacted?"
    answer_page(
        page,
        abroad,
        {
            abroad: Choose("Yes"),
            "In which country do they live?": "Portugal",
            "How are enquiries being made?": Choose("Through Children and Families Across Borders (CFAB)"),
            "Who are the family members abroad, and what enquiries have been made?": "Luca's grandparents.",
        },
    )
    back_to_task_list(page, "Assess family and environmental factors")


def assess_harm_outside_the_home(page: Page) -> None:
    """Trafficking brings its own page; an impossible date is fixed; a change from check answers."""
    open_task(page, "Assess harm outside the home")
    answer_page(
        page,
        "Harm outside the home",
        {
            "Where might the child be at risk of harm outside the home?": Tick("In the wider community"),
            "What forms of harm outside the home might the child be experiencing?": Tick("Trafficking"),
        },
    )
    # What is happening is asked on the same page once a form of harm is chosen (not as an error: the
    # same APP BUG as the child's visits).
    answer_page(
        page,
        "Harm outside the home",
        {HARM_DETAILS: "An older boy pays Luca to carry parcels to Leeds."},
    )

    trafficking = "National Referral Mechanism and Independent Child Trafficking Guardian"
    ictg = "Has the child been referred to the Independent Child Trafficking Guardian service?"
    ictg_date = "When was the child referred to the Independent Child Trafficking Guardian service?"
    answer_page(
        page,
        trafficking,
        {
            NRM_DATE: DateParts("30", "2", str(TODAY.year)),
            ictg: Choose("Yes"),
            ictg_date: REFERRAL + timedelta(days=3),
        },
    )
    message = "The date of the National Referral Mechanism referral must be a real date"
    expect(page).to_have_title(re.compile(rf"^Error: {re.escape(trafficking)} – "))
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary.get_by_role("link")).to_have_text([message])
    expect(question(page, NRM_DATE).locator(".govuk-error-message")).to_have_text(f"Error: {message}")
    # Everything typed is kept, the impossible date too.
    expect(date_input(page, NRM_DATE, "Day")).to_have_value("30")
    expect(date_input(page, NRM_DATE, "Month")).to_have_value("2")
    expect(option(page, ictg, "Yes")).to_be_checked()
    expect(date_input(page, ictg_date, "Year")).to_have_value(str((REFERRAL + timedelta(days=3)).year))
    summary.get_by_role("link", name=message).click()  # the link goes to the date's wrong part
    expect(date_input(page, NRM_DATE, "Day")).to_be_focused()
    fill(page, {NRM_DATE: REFERRAL + timedelta(days=2)})
    press(page, "Continue")

    answer_page(page, CRIME, {CRIME: Choose("No")})
    expect_heading(page, "Check your answers: Harm outside the home and referrals")
    expect(check_answer(page, CRIME)).to_have_text("No")
    expect(check_answer(page, NRM_DATE)).to_have_text(long_date(REFERRAL + timedelta(days=2)))

    # Changing the answer asks its follow-ups, then comes back to check answers.
    change(page, CRIME)
    expect_heading(page, CRIME)
    expect(option(page, CRIME, "No")).to_be_checked()
    fill(
        page,
        {
            CRIME: Choose("Yes"),
            "When were the police notified?": REFERRAL + timedelta(days=2),
            "At what time were the police notified?": "16:45",
            "What is the police reference?": "NBK-44192",
        },
    )
    press(page, "Continue")
    expect_heading(page, "Check your answers: Harm outside the home and referrals")
    expect(check_answer(page, CRIME)).to_have_text("Yes")
    expect(check_answer(page, "At what time were the police notified?")).to_have_text("16:45")
    expect(check_answer(page, "What is the police reference?")).to_have_text("NBK-44192")
    back_to_task_list(page, "Assess harm outside the home")


def write_the_analysis(page: Page) -> None:
    open_task(page, "Write the analysis")
    answer_page(
        page,
        "Analysis",
        ANALYSIS,
    )
    expect_heading(page, "What other significant events should be in the child's chronology?")
    press(page, "Continue")
    back_to_task_list(page, "Write the analysis")


def record_the_outcome(page: Page) -> None:
    open_task(page, "Record the outcome")
    answer_page(
        page,
        "Decisions",
        {
            "Is this a child in need under section 17?": Choose("Yes"),
            "What is the reasoning for this decision?": "Luca needs support to be safe outside the home.",
            SIGNIFICANT_HARM: Choose("No"),
            "What is the reasoning for the significant harm decision?": "The referrals in place protect him.",
            "Is this a child in need of accommodation under section 20 or section 31A?": Choose("No"),
            "What is the reasoning for the accommodation decision?": "He is safe at home.",
        },
    )
    outcome = "What is the outcome of the assessment?"
    answer_page(page, outcome, {outcome: Tick("A multi-agency child in need plan")})
    expect_heading(page, "What services will be provided, how and by whom?")
    add_item(
        page,
        "service",
        {
            "What is the service or action?": "Weekly sessions with the school's family support worker",
            "Who will provide it?": "Ravensmoor Academy",
            "When will it be reviewed?": TODAY + timedelta(days=42),
            "What should it achieve for the child?": "Luca feels safe walking home.",
        },
    )
    no_more(page, "service")
    expect_heading(page, "What services or support started before the assessment ended?")
    press(page, "Continue")
    answer_page(
        page,
        "Sharing the outcome",
        {
            "Is the outcome being withheld from the child and family?": Choose("No"),
            "When was the outcome discussed with the child and family?": TODAY,
            "Who will receive the outcome?": Tick("The child and family"),
        },
    )
    explain = "How would you explain the outcome to the child?"
    answer_page(page, explain, {explain: "We will help you and your mum so you feel safe."})
    factors = "What factors were identified at the end of the assessment?"
    answer_page(
        page,
        "Factors identified",
        {
            factors: Tick("Trafficking", "Child criminal exploitation"),
            "What is the child's main need?": Choose("Abuse or neglect"),
        },
    )
    completed = "When was the assessment completed?"
    answer_page(page, completed, {completed: TODAY})
    back_to_task_list(page, "Record the outcome")


def long_date(day: date) -> str:
    """A date as the pages show it: 6 October 2025."""
    return f"{day.day} {day:%B %Y}"


def back_to_task_list(page: Page, task: str) -> None:
    """From the task's check answers, with every answer given, back to the task list: "Completed"."""
    expect_heading(page, f"Check your answers: {SECTIONS[task]}")
    expect(page.get_by_text("Some questions still need an answer")).to_have_count(0)
    page.get_by_role("button", name="Return to the task list").click()
    expect(task_status(page, task)).to_have_text("Completed")
