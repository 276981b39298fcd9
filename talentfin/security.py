"""HTTP security headers applied to every response."""

from flask import Response
from flask import request
from flask import session

# Every script and style is served by the app itself; no inline code, no CDN.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def apply_security_headers(response: Response) -> Response:
    """Add CSP, nosniff, framing and referrer headers; a page or file served to a logged-in
    user is never stored by the browser or a proxy (the back button after a logout, a
    shared computer), static assets aside."""
    headers = response.headers
    # The session names a user (read without loading the user: no query on any response).
    if not (request.endpoint or "").endswith("static") and "_user_id" in session:
        headers["Cache-Control"] = "no-store"
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        # Served over HTTPS (directly, or behind PROXY_COUNT proxies that say so): browsers
        # keep to HTTPS for a year, whether or not the proxy adds the header itself.
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
