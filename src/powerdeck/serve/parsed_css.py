"""CSS parsed once in the prepared process, reused by every session's app.

Textual parses app.tcss and every widget's DEFAULT_CSS again for each App: a Stylesheet's parse
cache (`_parse_cache`) is its own, is emptied when the theme's variables change, and a theme change
re-parses through a fresh Stylesheet whose cache is empty. That was about a seventh of a forked
session's CPU before its first frame, for rules the rehearsal (rehearsal.py) had already parsed.

A parse is a function of Textual's own cache key (the CSS text, where it was read from, whether
it is a widget's default CSS, its tie breaker and scope) and of the theme's variables, which are
substituted while parsing (`$primary` becomes a colour in the rules). `share_parsed_css()` keeps
one store for the whole process keyed by both, so a session with the rehearsal's theme parses
nothing, and a person with a theme of their own parses it once (not once per Stylesheet) and never
gets another theme's colours. Each caller gets a list of its own; the rules in it are shared, as
Textual already shares them between its own re-parses: nothing in Textual writes to a parsed
RuleSet. A fork copies the store with everything else, so two sessions never share an object.

Private Textual API (docs/architecture.md, tests/test_private_textual_api.py): the method
`Stylesheet._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)`, through which
`parse()` and `reparse()` parse every source, and the attribute `Stylesheet._variables`. If a
release moves either, `share_parsed_css()` returns False and each app parses as Textual does.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet

from powerdeck.tui.private_api import gone

VARIABLE_SETS_KEPT = 4
"""Themes whose parsed rules are kept (the palette's theme preview parses one per highlight)."""

_PARAMETERS = ["self", "css", "read_from", "is_default_rules", "tie_breaker", "scope"]

VariablesKey = tuple[tuple[str, str], ...]
ParseKey = tuple[str, Any, bool, int, str]
_store: dict[VariablesKey, dict[ParseKey, list[RuleSet]]] = {}
_pinned: set[VariablesKey] = set()


def _variables_key(stylesheet: Stylesheet) -> VariablesKey:
    # Textual only ever replaces a stylesheet's variables (set_variables), never edits them in
    # place (its own cache would go stale too): the key is worked out once per variables dict.
    variables: dict[str, str] = stylesheet._variables
    known = stylesheet.__dict__.get("_powerdeck_variables_key")
    if known is not None and known[0] is variables:
        return known[1]  # type: ignore[no-any-return]  # (dict, key) pair kept on the stylesheet by this function
    key = tuple(sorted(variables.items()))
    stylesheet.__dict__["_powerdeck_variables_key"] = (variables, key)
    return key


def _rules_for(key: VariablesKey) -> dict[ParseKey, list[RuleSet]]:
    rules = _store.get(key)
    if rules is None:
        if len(_store) >= VARIABLE_SETS_KEPT:
            oldest = next((old for old in _store if old not in _pinned), None)
            if oldest is not None:
                del _store[oldest]
        rules = _store[key] = {}
    return rules


def share_parsed_css() -> bool:
    """Parse each piece of CSS once per process and theme, for every app's stylesheet.

    Returns False (and changes nothing) if this Textual no longer parses the way it is used here."""
    if gone("_parse_rules"):
        return False
    original: Callable[..., list[RuleSet]] = Stylesheet._parse_rules
    if getattr(original, "shared_by_powerdeck", False):
        return True
    if list(inspect.signature(original).parameters) != _PARAMETERS or "_variables" not in \
            Stylesheet.__init__.__code__.co_names:
        return False

    def _parse_rules(self: Stylesheet, css: str, read_from: Any, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        parsed = _rules_for(_variables_key(self))
        key: ParseKey = (css, read_from, is_default_rules, tie_breaker, scope)
        rules = parsed.get(key)
        if rules is None:
            rules = parsed[key] = original(self, css, read_from, is_default_rules, tie_breaker, scope)
        return list(rules)  # the caller's own list (Textual's parse() extends its rules with it)

    _parse_rules.shared_by_powerdeck = True  # type: ignore[attr-defined]  # marks the wrapper so it is installed once
    _parse_rules.__wrapped__ = original  # type: ignore[attr-defined]  # as functools.wraps would
    Stylesheet._parse_rules = _parse_rules  # type: ignore[method-assign]  # private Textual method (see the module's docstring)
    return True


def keep_parsed_css() -> None:
    """The themes parsed so far (the rehearsal's) stay whatever later sessions parse."""
    _pinned.update(_store)


def parsed_css_themes() -> int:
    """How many sets of variables have rules in the store (for tests and the bench)."""
    return len(_store)
