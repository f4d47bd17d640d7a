"""The browser door: `powerdeck web` (sign-in, the deck in a tab) and the simple view (web/simple/)."""

__all__: list[str] = []
