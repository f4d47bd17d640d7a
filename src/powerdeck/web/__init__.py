"""The browser door: `powerdeck web` (sign-in, the deck in a tab) and the simple view (web/simple/).
Its face is the person every page is for; the app is made by `powerdeck.web.app.create_app`."""

from powerdeck.web.person import WebPerson

__all__ = ["WebPerson"]
