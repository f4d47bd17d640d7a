"""Signing in with OpenID Connect: authorization code flow, PKCE (S256) and a nonce (authlib).

`/auth/login` sends the browser to the provider; `/auth/callback` takes the code back, checks the
state, exchanges the code (with the PKCE verifier), checks the ID token's signature, audience,
issuer (exactly the configured one), nonce and times, and starts a browser session. The flow's
state, nonce and verifier live in a short signed cookie of their own, sent only to /auth/.

The return address is built from --public-url, never from the request; where to go afterwards is
only ever a path on this site (identity.safe_next).
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

with warnings.catch_warnings():
    # authlib 1.7+ warns on import that it will move to httpx2: for its maintainers, not for the
    # person starting the server.
    warnings.simplefilter("ignore")
    from authlib.integrations.starlette_client import OAuth, OAuthError
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from powerdeck.web.config import WebConfig
from powerdeck.web.door import Door, log
from powerdeck.web.identity import NotAnIdentity, identity_from_claims, safe_next
from powerdeck.web.pages import message_page
from powerdeck.web.sessions import COOKIE

FLOW_COOKIE = "powerdeck_signin"
FLOW_LIFETIME = 600
NEXT_KEY = "powerdeck_next"
SCOPE = "openid profile"
"""`profile` is what makes Entra ID put `oid` in the ID token; no email is asked for."""

logging.getLogger("authlib").setLevel(logging.WARNING)


def metadata_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def oidc_client(config: WebConfig) -> Any:
    oauth = OAuth()
    return oauth.register(
        name="provider",
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=metadata_url(config.issuer),
        client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": 15.0},
    )


async def check_provider(client: Any, issuer: str) -> None:
    """The provider's discovery document must name exactly the configured issuer (OpenID
    Connect Discovery 1.0 section 4.3): otherwise every token would be refused."""
    from powerdeck.core.errors import PowerdeckError

    try:
        metadata = await client.load_server_metadata()
    except Exception as error:
        raise PowerdeckError(f"cannot read the sign-in provider's settings at {metadata_url(issuer)}: "
                             f"{type(error).__name__} (check --oidc-issuer and the network)") from None
    if metadata.get("issuer") != issuer:
        raise PowerdeckError(f"the provider at {issuer} calls itself {metadata.get('issuer')!r}: "
                             "give exactly that as --oidc-issuer")
    if "S256" not in (metadata.get("code_challenge_methods_supported") or ["S256"]):
        raise PowerdeckError("the sign-in provider does not offer PKCE with S256, which powerdeck requires")


def _door(request: Request) -> Door:
    door: Door = request.app.state.door
    return door


def _too_many(request: Request) -> Response:
    return message_page(request, "Too many failed sign-ins",
                        ["There have been too many failed sign-ins from your network address. "
                         "Wait a minute, then try again."], status=429)


async def login(request: Request) -> Response:
    door = _door(request)
    if door.throttled(request.state.address):
        return _too_many(request)
    request.session.clear()  # one sign-in at a time per browser: an older flow's state is void
    request.session[NEXT_KEY] = safe_next(request.query_params.get("next"))
    response: Response = await request.app.state.oidc.authorize_redirect(request, door.config.callback_url)
    return response


async def callback(request: Request) -> Response:
    door = _door(request)
    address = request.state.address
    if door.throttled(address):
        return _too_many(request)
    after = safe_next(request.session.get(NEXT_KEY))
    try:
        token = await request.app.state.oidc.authorize_access_token(
            request, claims_options={"iss": {"essential": True, "values": [door.config.issuer]}})
        claims = token.get("userinfo")
        if not claims:
            raise NotAnIdentity("no ID token")
        identity = identity_from_claims(claims, door.config.issuer)
    except (OAuthError, JoseError, NotAnIdentity, KeyError, ValueError, TypeError) as error:
        return _failed(request, address, type(error).__name__)
    except Exception as error:  # the provider unreachable, a timeout: one line, never a traceback
        log.warning("sign-in from %s could not reach the provider: %s", address, type(error).__name__)
        return _failed(request, address, type(error).__name__)
    finally:
        request.session.clear()
    name = door.person_of(identity)
    old = door.sessions.find(request.cookies.get(COOKIE), touch=False)
    if old is not None:
        from powerdeck.web.terminal import end_session

        await end_session(door, old, "You signed in again in another window; your draft is kept.")
    session = door.sessions.start(identity, name, address)
    if session is None:
        log.info("refused a sign-in from %s: %d browsers signed in", address, len(door.sessions))
        return message_page(request, "The deck is full",
                            ["Too many people are signed in at the moment. Try again in a few minutes."], status=503)
    if name is None:
        log.info("sign-in from %s by an identity not on the list (%s %s)", address, *identity)
        after = "/invite"
    else:
        log.info("%s signed in from %s", name, address)
    response = RedirectResponse(after, status_code=303)
    response.set_cookie(COOKIE, door.sessions.cookie_value(session), max_age=int(door.config.limits.lifetime),
                        path="/", secure=door.config.secure, httponly=True, samesite="lax")
    return response


def _failed(request: Request, address: str, why: str) -> Response:
    door = _door(request)
    door.failures.add(address)
    log.info("failed sign-in from %s (%s)", address, why)
    return message_page(request, "Sign-in did not complete",
                        ["The sign-in could not be checked, or it took too long. Nothing was changed."],
                        status=400, link={"href": "/auth/login", "text": "Sign in again"})
