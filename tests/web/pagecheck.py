"""Checks every HTML page the tests receive: valid markup, one h1, a title that starts with it, unique
ids, no `required` attributes, and every POST form carrying its CSRF token.
"""

from __future__ import annotations

from collections import Counter

import html5lib
from flask.testing import FlaskClient
from lxml import html as lxml_html


class PageProblem(AssertionError):
    pass


def check_page(body: str) -> None:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        parser.parse(body)
    except html5lib.html5parser.ParseError as error:
        line = body.splitlines()[parser.errors[0][0][0] - 1] if parser.errors else ""
        raise PageProblem(f"invalid HTML: {error} near: {line.strip()[:160]}") from None
    tree = lxml_html.fromstring(body)
    headings = tree.xpath("//h1")
    if len(headings) != 1:
        raise PageProblem(f"expected one h1, found {len(headings)}")
    h1 = " ".join(headings[0].text_content().split())
    title = " ".join(tree.findtext(".//title").split())
    # "Error: " (or its words in the page's language) before a page with errors; an en dash then the
    # service's name after the page's own title, in any language.
    page_title = title.split(" – ")[0]
    if tree.xpath("//div[contains(@class, 'govuk-error-summary')]"):
        page_title = page_title.split(": ", 1)[-1]
    if not h1.endswith(page_title) or not page_title:
        raise PageProblem(f"title {title!r} does not start with the h1 {h1!r}")
    ids = Counter(tree.xpath("//@id"))
    duplicated = [value for value, count in ids.items() if count > 1]
    if duplicated:
        raise PageProblem(f"duplicate ids: {duplicated}")
    if tree.xpath("//*[@required]"):
        raise PageProblem("a `required` attribute: validation belongs to the server")
    for form in tree.xpath("//form[@method='post']"):
        if not form.xpath(".//input[@name='csrf_token']"):
            raise PageProblem(f"a form without a CSRF token: {form.get('action')}")
    if tree.xpath("//script[not(@nonce)]"):
        raise PageProblem("a script without the CSP nonce")


class CheckedClient(FlaskClient):
    """A test client that runs check_page on every HTML response."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.status_code < 500:
            check_page(response.get_data(as_text=True))
        return response

    def csrf_token(self, path: str = "/") -> str:
        return form_values(self.get(path).get_data(as_text=True))["csrf_token"]


def form_values(body: str) -> dict[str, str]:
    """The hidden inputs of a page's forms (the CSRF token, the saved version)."""
    tree = lxml_html.fromstring(body)
    return {element.get("name"): element.get("value") for element in tree.xpath("//input[@type='hidden']")}
