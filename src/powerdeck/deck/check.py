"""A deck file's text checked into a Deck: YAML parsed safely, every field checked, and each
problem a DeckError in one line that names the file and the line (deck.load_deck reads the file).

PyYAML is imported only here, when a deck is parsed: a start that finds the deck in its cache
(deck_cache.py) never loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from powerdeck.core.fields import CARD_ID_RULE, MAX_CAPABILITY, WORKSHEET_KINDS, card_capability
from powerdeck.deck.model import FORMAT, Capability, Card, Deck, DeckError, Section

if TYPE_CHECKING:
    import yaml

_HELP = "see docs/deck-format.md"
_CARD_FIELDS = ("id", "title", "paragraphs", "worksheet", "looks_back")
_TOP_FIELDS = ("format", "title", "author", "guidance", "credit", "capabilities", "tags")
MAX_NODES = 100_000
MAX_VALUE_CHARS = 50_000
MAX_NUMBER_DIGITS = 30
_INT_TAG = "tag:yaml.org,2002:int"



def _loader() -> type[yaml.SafeLoader]:
    import yaml

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


def parse_and_check(text: str, name: str, source: str) -> tuple[Deck, Any]:
    """The deck parsed from YAML and checked, and the data it was built from."""
    import yaml

    try:
        data = _parse(text, name)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        if mark is not None and error.context_mark and mark.line >= len(text.splitlines()):
            mark = error.context_mark  # hit the end of the file: point where the open part began
        where = f", line {mark.line + 1}" if mark else ""
        problem = _one_line(error.problem or error.context or "not valid YAML")
        raise DeckError(
            f"{name}{where}: YAML syntax error: {problem}; check indentation, colons and quotes"
        ) from None
    except yaml.YAMLError as error:
        raise DeckError(f"{name}: YAML syntax error: {_one_line(str(error))}") from None
    return _Checker(name, text).deck(data, source), data


def check_data(data: Any, name: str, text: str, source: str) -> Deck:
    """Data already loaded (the deck cache's) checked as if parsed from `text`."""
    return _Checker(name, text).deck(data, source)


def _parse(text: str, name: str) -> Any:
    """YAML to Python, refusing what a deck never needs and a hostile file uses to explode.

    The node tree is checked before anything is built: an alias (`*name`) is refused, since a few
    hundred bytes of nested aliases expand to gigabytes (and an error message's repr() of them
    too); so are duplicate keys (YAML keeps the last one silently), huge values, and numbers too
    long for Python's int-digit limit (which raises ValueError even in str())."""
    loader = _loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, name)
        try:
            return loader.construct_document(node)
        except Exception as error:  # PyYAML's constructors raise IndexError, ValueError ...
            raise DeckError(f"{name}: a value cannot be read ({type(error).__name__}); "
                            "check dates, numbers and keys") from None
    finally:
        loader.dispose()


def _check_nodes(root: yaml.Node, name: str) -> None:
    import yaml

    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:
            raise DeckError(f"{name}, line {line}: YAML aliases (*name) are not allowed in a deck; "
                            "write the text out in full")
        seen.add(id(node))
        if len(seen) > MAX_NODES:
            raise DeckError(f"{name}: more than {MAX_NODES:,} values, too big for a deck")
        if isinstance(node, yaml.ScalarNode):
            if len(node.value) > MAX_VALUE_CHARS:
                raise DeckError(f"{name}, line {line}: a value is longer than "
                                f"{MAX_VALUE_CHARS:,} characters; shorten it")
            if node.tag == _INT_TAG and len(node.value) > MAX_NUMBER_DIGITS:
                raise DeckError(f"{name}, line {line}: a number with {len(node.value):,} digits; "
                                "use a short number, or quotes for text")
        elif isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys:
                        raise DeckError(f"{name}, line {key.start_mark.line + 1}: the field "
                                        f'"{_one_line(key.value)[:40]}" appears twice here; keep one')
                    keys.add(key.value)
                stack.extend((value, key))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shown(value: Any) -> str:
    """A value from the file quoted in a message: one line, cut short, control characters inert."""
    from powerdeck.core.text import visible_line

    text = visible_line(repr(value))
    return text if len(text) <= 40 else text[:40] + "…"


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    names: dict[type, str] = {list: "a list", dict: "a set of fields"}
    return names.get(type(value), type(value).__name__)


class _Checker:
    """Turns the loaded YAML into a Deck, or raises a DeckError pointing at the line."""

    def __init__(self, name: str, source_text: str) -> None:
        self.name, self.source_text = name, source_text
        self._looks_back: list[tuple[list[Any], str, str]] = []

    def fail(self, path: list[Any], message: str) -> NoReturn:
        line = self._line(path)
        raise DeckError(f"{self.name}{f', line {line}' if line else ''}: {message}")

    def _line(self, path: list[Any]) -> int | None:
        """The line of the node at `path` (or of the nearest parent that exists)."""
        if not path:
            return None  # the whole file: a line number would not help
        import yaml

        try:
            node = yaml.compose(self.source_text, Loader=_loader())
        except yaml.YAMLError:
            return None
        line = None
        for key in path:
            if node is None:
                break
            line = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == str(key)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                node = node.value[key] if key < len(node.value) else None
            else:
                node = None
        return node.start_mark.line + 1 if node is not None else line

    def fields(self, value: Any, path: list[Any], where: str, names: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, f"{where} should be a set of fields ({', '.join(names)}), "
                            f"not {_kind(value)}; {_HELP}")
        for key in value:
            if key not in names:
                self.fail([*path, key], f'{where} has an unknown field "{key}"; '
                                        f"its fields are {', '.join(names)}")
        return value

    def text(self, mapping: dict[str, Any], key: str, path: list[Any], where: str) -> str:
        if key not in mapping:
            self.fail(path, f'{where} has no "{key}"; add a line "{key}: ..."')
        return self.string(mapping[key], [*path, key], f'{where}: "{key}"')

    def string(self, value: Any, path: list[Any], what: str) -> str:
        if value is None or value == "":
            self.fail(path, f"{what} is empty; write its text")
        if not isinstance(value, str):
            self.fail(path, f"{what} should be text, not {_kind(value)}; put it in quotes")
        return value.strip()

    def items(self, mapping: dict[str, Any], key: str, path: list[Any], where: str) -> list[Any]:
        value = mapping.get(key)
        if not value:
            at = [*path, key] if key in mapping else path
            self.fail(at, f'{where} has no {key}; add at least one under "{key}:"')
        if not isinstance(value, list):
            self.fail([*path, key], f'{where}: "{key}" should be a list (lines starting "- "), '
                                    f"not {_kind(value)}")
        return value

    def paragraphs(self, mapping: dict[str, Any], path: list[Any], where: str) -> tuple[str, ...]:
        values = self.items(mapping, "paragraphs", path, where)
        return tuple(self.string(p, [*path, "paragraphs", i], f"{where}: paragraph {i + 1}")
                     for i, p in enumerate(values))

    def section(self, value: Any, path: list[Any], where: str) -> Section:
        mapping = self.fields(value, path, where, ("heading", "paragraphs"))
        return Section(self.text(mapping, "heading", path, where),
                       self.paragraphs(mapping, path, where))

    def deck(self, data: Any, source: str) -> Deck:
        if data is None:
            self.fail([], f"the deck file is empty; {_HELP}")
        top = self.fields(data, [], "the deck", _TOP_FIELDS)
        if "format" not in top:
            self.fail([], f'the deck has no "format"; add a line "format: {FORMAT}"')
        if top["format"] != FORMAT or isinstance(top["format"], bool):
            self.fail(["format"], f"format {top['format']!r} is not one this powerdeck reads; "
                                  f"use format: {FORMAT}")
        title = self.text(top, "title", [], "the deck")
        author = self.text(top, "author", [], "the deck")
        guidance = tuple(self.section(s, ["guidance", i], f"guidance section {i + 1}")
                         for i, s in enumerate(self.items(top, "guidance", [], "the deck")
                                               if top.get("guidance") else []))
        credit = Section("", ())
        if top.get("credit") is not None:
            credit = self.section(top["credit"], ["credit"], "the credit")
        numbers: set[int] = set()
        ids: set[str] = set()
        listed = self.items(top, "capabilities", [], "the deck")
        capabilities = tuple(self.capability(value, ["capabilities", i], i, numbers, ids)
                             for i, value in enumerate(listed))
        self.check_looks_back(ids)
        return Deck(title, author, guidance, credit, capabilities, source, self.tags(top))

    def tags(self, top: dict[str, Any]) -> tuple[str, ...]:
        """The organisation's own tags (its values, its objectives), offered first in the editor."""
        if top.get("tags") is None:
            return ()
        from powerdeck.core.follow_up import check_tags

        listed = self.items(top, "tags", [], "the deck")
        for index, tag in enumerate(listed):
            if not isinstance(tag, str):
                self.fail(["tags", index], f"tag {index + 1} must be text; put it in quotes")
        try:
            return check_tags(listed)
        except (TypeError, ValueError) as error:
            problem = str(error).replace('field "tags"', "the deck's tags")
            self.fail(["tags"], f"{problem}; write each tag as one short line without commas")

    def capability(self, value: Any, path: list[Any], index: int, numbers: set[int], ids: set[str]) -> Capability:
        where = f"capability {index + 1} in the list"
        mapping = self.fields(value, path, where, ("number", "title", "cards"))
        number = mapping.get("number")
        if number is None:
            self.fail(path, f'{where} has no "number"; add a line "number: {index + 1}"')
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_CAPABILITY:
            self.fail([*path, "number"], f"{where}: number should be a whole number from 1 to "
                                         f"{MAX_CAPABILITY}, not {_shown(number)}")
        if number in numbers:
            self.fail([*path, "number"], f"capability number {number} is used twice; "
                                         "give each capability its own number")
        numbers.add(number)
        where = f"capability {number}"
        title = self.text(mapping, "title", path, where)
        cards = tuple(self.card(card, [*path, "cards", j], number, j, ids)
                      for j, card in enumerate(self.items(mapping, "cards", path, where)))
        return Capability(number, title, cards)

    def card(self, value: Any, path: list[Any], number: int, index: int, ids: set[str]) -> Card:
        where = f"card {index + 1} of capability {number}"
        mapping = self.fields(value, path, where, _CARD_FIELDS)
        card_id = mapping.get("id")
        if isinstance(card_id, (int, float)) and not isinstance(card_id, bool):
            self.fail([*path, "id"], f"{where}: id {card_id} was read as a number; "
                                     f'quote card ids, e.g. "{card_id}"')
        card_id = self.text(mapping, "id", path, where)
        try:
            card_capability(card_id)
        except ValueError:
            self.fail([*path, "id"], f"{where}: id {_shown(card_id)} is not a card id: {CARD_ID_RULE}, "
                                     f'e.g. "{number}.{index + 1}"')
        if not card_id.startswith(f"{number}."):
            self.fail([*path, "id"], f'card "{card_id}" is in capability {number}, so its id must '
                                     f'start with "{number}."; fix the id or move the card')
        if card_id in ids:
            self.fail([*path, "id"], f'card id "{card_id}" is used twice; '
                                     "give each card its own id")
        ids.add(card_id)
        where = f'card "{card_id}"'
        return Card(card_id, self.text(mapping, "title", path, where),
                    self.paragraphs(mapping, path, where), number,
                    *self.workbook_fields(mapping, path, where, card_id))

    # -- the workbook's fields (docs/deck-format.md, "Worksheets") ---------------------------

    def workbook_fields(self, mapping: dict[str, Any], path: list[Any], where: str,
                        card_id: str) -> tuple[str | None, tuple[str, ...]]:
        worksheet = mapping.get("worksheet")
        if "worksheet" in mapping and worksheet not in WORKSHEET_KINDS:
            self.fail([*path, "worksheet"], f"{where}: worksheet should be one of "
                                            f"{', '.join(WORKSHEET_KINDS)}, not {_kind(worksheet)}")
        looks_back = mapping.get("looks_back", [])
        if not isinstance(looks_back, list):
            self.fail([*path, "looks_back"], f'{where}: "looks_back" should be a list of card ids, '
                                             f'e.g. ["1.2", "1.3"], not {_kind(looks_back)}')
        refs = []
        for k, ref in enumerate(looks_back):
            at = [*path, "looks_back", k]
            if isinstance(ref, (int, float)) and not isinstance(ref, bool):
                self.fail(at, f"{where}: looks_back {ref} was read as a number; "
                              f'quote card ids, e.g. "{ref}"')
            if not isinstance(ref, str) or not ref.strip():
                self.fail(at, f"{where}: looks_back should list card ids, not {_kind(ref)}")
            ref = ref.strip()
            if ref == card_id:
                self.fail(at, f"{where} cannot look back to itself; remove \"{ref}\" from looks_back")
            refs.append(ref)
            self._looks_back.append((at, where, ref))
        return worksheet, tuple(refs)

    def check_looks_back(self, ids: set[str]) -> None:
        for at, where, ref in self._looks_back:
            if ref not in ids:
                self.fail(at, f'{where} looks back to card "{ref}", which is not in the deck; '
                              "fix the id or remove it")
