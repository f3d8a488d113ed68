"""The service in Welsh (issue 13): the toggle, the choice kept with the account, every page's words
from the catalog, and nothing of the English left on a page in Welsh."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import write_po
from lxml import html as lxml_html

from formgen.i18n import catalogs, service
from formgen.web.extensions import db
from formgen.web.models import User
from tests.web.conftest import EMAIL, form_token, sign_in
from tests.web.routes import guarded_urls
from tests.web.test_roles import ACCOUNTS, clients  # noqa: F401 (a fixture)

WELSH_TITLE = "Asesiadau plant"  # the service's name in the Welsh catalog


def _page(response) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(response.get_data(as_text=True))


def _choose(client, code: str, next_page: str = "/") -> None:
    assert client.get(f"/language/{code}", query_string={"next": next_page}).status_code == 302


# --- what the catalogs offer ------------------------------------------------------------------------


def test_welsh_covers_every_page_message_and_is_offered():
    welsh = service.coverage("cy")
    assert welsh.complete, (
        f"the Welsh catalog lacks {welsh.needed - welsh.translated}, first {welsh.first_missing!r}"
    )
    assert welsh.needed > 1000  # the pages' own words and the spec's
    assert service.offered() == ["en", "cy"]  # the others translate the family's documents only
    assert service.own_name("cy") == "Cymraeg" and service.own_name("en") == "English"


def _welsh_with(tmp_path: Path, message: str, words: str) -> Path:
    """A copy of the catalogs whose Welsh has other words for one message."""
    copied = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS, copied, ignore=shutil.ignore_patterns("*.mo"))
    po = catalogs.po_path("cy", copied)
    catalog = catalogs.read_catalog(po)
    catalog[message].string = words
    with po.open("wb") as file:
        write_po(file, catalog, width=None)
    return copied


def test_a_catalog_lacking_one_page_message_is_not_offered(tmp_path, monkeypatch):
    copied = _welsh_with(tmp_path, "Sign out", "")
    coverage = service.coverage("cy", copied)
    assert coverage.translated == coverage.needed - 1 and coverage.first_missing == "Sign out"
    assert service.offered(copied) == ["en"]


# --- the toggle and the choice ----------------------------------------------------------------------


def test_the_toggle_links_each_page_to_itself_in_the_other_language(client):
    english = _page(client.get("/"))
    assert english.xpath("/html/@lang") == ["en-GB"]
    current = english.xpath("//nav[@class='app-language-select']//*[@aria-current='true']")
    assert [element.text_content() for element in current] == ["English"]
    (link,) = english.xpath("//nav[@class='app-language-select']//a")
    assert (link.text_content(), link.get("lang"), link.get("hreflang")) == ("Cymraeg", "cy", "cy")
    assert link.get("href") == "/language/cy?next=/"

    response = client.get(link.get("href"))
    assert response.headers["Location"] == "/"
    welsh = _page(client.get("/"))
    assert welsh.xpath("/html/@lang") == ["cy"]
    assert WELSH_TITLE in welsh.findtext(".//title")
    (back,) = welsh.xpath("//nav[@class='app-language-select']//a")
    assert (back.text_content(), back.get("hreflang")) == ("English", "en")
    # A translation no qualified translator has reviewed says so, on every page.
    (note,) = welsh.xpath("//*[@id='translation-note']")
    assert note.text_content().startswith("Gwnaed y cyfieithiad hwn o'r gwasanaeth gan ")
    (credit,) = note.xpath("./span[@lang='en']")  # the catalog's header says who, in English
    assert "Claude" in credit.text_content()


def test_the_choice_is_kept_with_the_account_across_signing_out_and_in(app, client):
    _choose(client, "cy")
    with app.app_context():
        assert db.session.scalar(db.select(User.language).where(User.email == EMAIL)) == "cy"
    token = form_token(client, "/")[0]
    assert client.post("/sign-out", data={"csrf_token": token}).status_code == 302
    # Another browser: no cookie, an English browser; the sign-in page is in English until signing in.
    elsewhere = app.test_client()
    assert _page(elsewhere.get("/sign-in")).xpath("/html/@lang") == ["en-GB"]
    assert sign_in(elsewhere).status_code == 302
    assert _page(elsewhere.get("/")).xpath("/html/@lang") == ["cy"]
    # And that browser remembers it after signing out, for the sign-in page.
    token = form_token(elsewhere, "/")[0]
    elsewhere.post("/sign-out", data={"csrf_token": token})
    signed_out = elsewhere.get("/sign-in")
    assert _page(signed_out).xpath("/html/@lang") == ["cy"]


def test_before_signing_in_the_browser_keeps_the_choice_and_its_language(app):
    browser = app.test_client()
    assert _page(browser.get("/sign-in", headers={"Accept-Language": "cy-GB,cy;q=0.9"})).xpath(
        "/html/@lang"
    ) == ["cy"]
    _choose(browser, "en", "/sign-in")
    assert _page(browser.get("/sign-in", headers={"Accept-Language": "cy"})).xpath("/html/@lang") == ["en-GB"]


def test_a_language_not_offered_is_not_found_and_next_stays_on_this_site(client):
    assert client.get("/language/pl").status_code == 404  # a catalog for documents only
    assert client.get("/language/xx").status_code == 404
    assert client.get("/language/cy", query_string={"next": "//evil.example/"}).headers["Location"] == "/"


def test_on_a_page_of_questions_the_toggle_saves_what_was_typed(client, example_case):
    page = "/cases/EX-SIB-01/household/case/household_address_page"
    tree = _page(client.get(page))
    (button,) = tree.xpath("//nav[@class='app-language-select']//button")
    assert (button.get("form"), button.get("name"), button.get("value")) == (
        "page-form",
        "leave",
        "language:cy",
    )
    token, version = form_token(client, page)
    sent = {
        "csrf_token": token,
        "version": version,
        "household_address": "7 Pen y Bryn, Northbrook",
        "leave": "language:cy",
    }
    response = client.post(page, data=sent)
    assert response.status_code == 302 and response.headers["Location"].startswith("/language/cy?next=")
    again = client.get(response.headers["Location"])
    assert again.headers["Location"] == page
    welsh = client.get(page).get_data(as_text=True)
    assert "7 Pen y Bryn, Northbrook" in welsh and 'lang="cy"' in welsh


def test_a_translation_is_text_not_markup(tmp_path, monkeypatch, app):
    copied = _welsh_with(tmp_path, "Sign out", "<b>Allgofnodi</b>")
    monkeypatch.setenv("FORMGEN_TRANSLATIONS_DIR", str(copied))
    browser = app.test_client()
    assert sign_in(browser).status_code == 302
    _choose(browser, "cy")
    body = browser.get("/").get_data(as_text=True)
    assert "&lt;b&gt;Allgofnodi&lt;/b&gt;" in body and "<b>Allgofnodi" not in body


# --- no English left ----------------------------------------------------------------------------------


def english_left_on(body: str, patterns: re.Pattern[str]) -> list[str]:
    """The page's texts that are a catalog message in English whose Welsh differs."""
    tree = lxml_html.fromstring(body)
    # An answer said to be in English, and what a person typed, are not the catalog's words.
    for hidden in tree.xpath("//script | //style | //*[@lang='en'] | //*[@data-typed]"):
        hidden.drop_tree()
    texts: list[str] = []
    for element in tree.iter():
        texts += [element.text or "", element.tail or ""]
        texts += [element.get(name) or "" for name in ("aria-label", "title", "placeholder")]
        if element.tag == "input" and element.get("type") in ("submit", "button"):
            texts.append(element.get("value") or "")
    left = []
    for text in texts:
        text = " ".join(text.split())
        if text and patterns.fullmatch(text):
            left.append(text)
    return left


@pytest.fixture(scope="module")
def english_messages() -> re.Pattern[str]:
    return english_patterns()


def english_patterns() -> re.Pattern[str]:
    """Every page message whose Welsh differs from its English, as one pattern (placeholders match any
    text)."""
    template = catalogs.read_catalog(catalogs.TEMPLATE)
    welsh = catalogs.read_catalog(catalogs.po_path("cy"))
    alternatives = []
    for message in template:
        if not message.id or not service._page_message(message.locations):
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        found = welsh.get(message.id)
        words = found.string if found is not None else ""
        words = words[0] if isinstance(words, tuple) else words
        if not words or words == english or len(english) < 2:
            continue
        parts = re.split(r"%\([a-z_]+\)[sd]|\{[A-Za-z_]+\}", " ".join(english.split()))
        if len(parts) > 1 and sum(character.isalpha() for character in "".join(parts)) < 10:
            continue  # "{Name} must be {range}" would match a typed answer with "must be" in it
        alternatives.append(".+?".join(re.escape(part) for part in parts))
    return re.compile("|".join(sorted(alternatives, key=len, reverse=True)))


def test_english_left_finds_an_english_message(english_messages):
    assert english_left_on("<html><title>Sign out</title><p>Sign out</p></html>", english_messages) == [
        "Sign out",
        "Sign out",
    ]
    assert english_left_on('<html><title>x</title><p lang="en">Sign out</p></html>', english_messages) == []


WALKED = ("practitioner", "manager", "business support", "administrator", "auditor", "performance officer")


@pytest.mark.parametrize("who", WALKED)
def test_every_page_in_welsh_has_no_english_message_left(app, clients, who, english_messages):  # noqa: F811
    client = clients[who]
    _choose(client, "cy")
    walked = 0
    for rule, url in guarded_urls(app):
        if "GET" not in rule.methods:
            continue
        response = client.get(url)
        if response.mimetype != "text/html" or response.status_code in (302, 403, 404):
            continue
        body = response.get_data(as_text=True)
        assert 'lang="cy"' in body[:400], url
        assert english_left_on(body, english_messages) == [], url
        walked += 1
    assert walked >= {"practitioner": 25, "manager": 25}.get(who, 2)


def test_what_the_log_recorded_is_marked_english_on_a_welsh_page(client, example_case):
    seen = f"/cases/{example_case}/children/child-tilly/seen"
    client.get(f"/cases/{example_case}/children/child-tilly/child_views/observation")
    english = _page(client.get(seen))
    assert english.xpath("//table[@id='seen']//td[3]") and not english.xpath("//table[@id='seen']//*[@lang]")

    _choose(client, "cy")
    welsh = _page(client.get(seen))
    details = welsh.xpath("//table[@id='seen']//td[3]/span[@lang='en']")
    assert any(detail.text_content().startswith("Question page: ") for detail in details)
    assert len(details) == len(welsh.xpath("//table[@id='seen']//tbody/tr"))
    assert "Mae’r manylion fel y cofnododd y log nhw, yn Saesneg." in welsh.text_content()
