"""What every response promises the browser, the guard on pages with child data, and the one rule for
what a URL may hold.
"""

from __future__ import annotations

import secrets
import unicodedata
from urllib.parse import urlsplit

from flask import Flask, Response, after_this_request, g, redirect, request, session, url_for
from werkzeug.routing import UnicodeConverter, ValidationError

from formgen.web import held, sessions

# The only endpoints anyone may reach without signing in (a test checks every other one is guarded).
PUBLIC_ENDPOINTS = {
    "auth.sign_in",
    "auth.sign_out",
    "auth.keep_alive",
    "language.choose",
    "static",
    "healthz",
}
# Endpoints that show nobody's data and need no account: served without reading the session or the
# database, so they send no cookie and cost a request no query.
WITHOUT_SESSION = {"static", "healthz"}


def require_sign_in() -> Response | None:
    """Registered on every blueprint but sign-in's: no page with child data without signing in.

    A page sent after its session ended (the CSRF check has passed by now) is kept for its account,
    which gets it back on signing in again.
    """
    if g.user is not None:
        if request.method == "POST":
            after_this_request(held.forget_when_saved)
        return None
    # Only a page that can be shown again keeps what was sent: a button that only posts (Send for
    # approval) has nothing typed to keep, and its address would answer a GET with Method Not Allowed.
    shown_again = request.url_rule is not None and "GET" in request.url_rule.methods
    if g.ended_user is not None and request.method == "POST" and shown_again:
        session["held"] = held.hold(g.ended_user)
        return redirect(url_for("auth.sign_in"))
    return redirect(
        url_for("auth.sign_in", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    )


def without_control_characters(text: str) -> str:
    """Less the characters no address, reference or key holds (PostgreSQL refuses NUL in text)."""
    return "".join(character for character in text if unicodedata.category(character) != "Cc")


def has_control_characters(text: str) -> bool:
    return without_control_characters(text) != text


class PlainConverter(UnicodeConverter):
    """Every URL's parts: a part with a control character matches no route, so it is Not Found."""

    def to_python(self, value: str) -> str:
        if has_control_characters(value):
            raise ValidationError
        return value


def _csp(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def set_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _csp(g.get("csp_nonce", "none"))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint != "static":
        # Children's data must not linger in shared or browser caches.
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def load_user() -> None:
    """Who is signed in (formgen.web.sessions), for every request but a static file's or /healthz."""
    if request.endpoint in WITHOUT_SESSION:
        g.user = g.ended_user = None
        return
    sessions.load_user()


def init_security(app: Flask) -> None:
    """Before the blueprints are registered: their routes take the URL converter when added."""
    app.url_map.converters["default"] = app.url_map.converters["string"] = PlainConverter
    app.before_request(set_nonce)
    app.before_request(load_user)
    app.after_request(security_headers)
    app.context_processor(sessions.template_values)


def safe_next(target: str | None) -> str:
    """Only a path on this site, so a sign-in link cannot send someone elsewhere."""
    if (
        target
        and target.startswith("/")
        and not any(ord(character) <= 0x20 or character == "\\" for character in target)
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return url_for("cases.home")
