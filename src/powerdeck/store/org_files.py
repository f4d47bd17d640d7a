"""What an organisation puts beside the log for everyone: its own tags (`tags.txt`) and its own
Word forms (`forms/*.docx`), in the data folder or, on a team server, the state folder the
administrator looks after. A person never uploads either over the server.

`tags.txt` holds one tag a line (a line starting with `#` is a comment); a tag that could not be
stored on an entry is refused in one line naming the file and the line. A file that is not a
regular file, or too big, is refused the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from powerdeck.core.errors import PowerdeckError
from powerdeck.core.follow_up import MAX_TAGS, check_tag
from powerdeck.core.text import visible_line
from powerdeck.store.path_checks import SpecialFile, read_named_file, read_regular

TAGS_NAME = "tags.txt"
FORMS_NAME = "forms"
MAX_TAGS_BYTES = 64 * 1024
FORM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
"""A form's name is its file name without `.docx`: letters, digits, `-` and `_` (so a server can
match it exactly and no path can be named)."""


def read_tags_file(path: Path) -> tuple[str, ...]:
    """The tags in one `tags.txt` (none when it is missing)."""
    try:
        raw = read_regular(path, MAX_TAGS_BYTES)
    except SpecialFile as error:
        raise PowerdeckError(f"cannot read {path}: {error}") from None
    except OSError as error:
        raise PowerdeckError(f"cannot read {path}: {error.strerror or error}") from None
    if raw is None:
        return ()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PowerdeckError(f"{path} is not UTF-8 text: save it as UTF-8") from None
    tags: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        tag = line.strip()
        if not tag or tag.startswith("#"):
            continue
        try:
            tags.append(check_tag(tag))
        except (TypeError, ValueError):
            raise PowerdeckError(f"{path}, line {number}: a tag must be one line of up to 60 characters, "
                                 "without commas or control characters") from None
    if len(tags) > MAX_TAGS * 10:
        raise PowerdeckError(f"{path} has more than {MAX_TAGS * 10} tags: keep the ones people use")
    return tuple(tags)


TEAM_PEOPLE = "people"
"""On a team server each person's data folder is STATE/people/NAME (serve/state.py's PEOPLE_DIR)."""


def shared_folders(data_folder: Path) -> list[Path]:
    """Where an organisation's tags.txt and forms/ may be for this person: their data folder, and
    on a team server the state folder the administrator looks after."""
    folders = [data_folder]
    if data_folder.parent.name == TEAM_PEOPLE:
        folders.insert(0, data_folder.parent.parent)
    return folders


def organisation_tags(deck_tags: Iterable[str], folders: Iterable[Path]) -> tuple[str, ...]:
    """The deck's `tags:` then each folder's `tags.txt`, in that order, each tag once (ignoring case)."""
    seen: dict[str, str] = {}
    for tag in [*deck_tags, *(tag for folder in folders for tag in read_tags_file(folder / TAGS_NAME))]:
        seen.setdefault(tag.casefold(), tag)
    return tuple(seen.values())


def placed_forms(folders: Iterable[Path]) -> dict[str, Path]:
    """The forms in each folder's `forms/` by name (a later folder's form of the same name wins);
    only regular `.docx` files with a plain name, never a symlink."""
    found: dict[str, Path] = {}
    for folder in folders:
        directory = folder / FORMS_NAME
        try:
            children = sorted(directory.iterdir())
        except OSError:
            continue
        for child in children:
            if child.suffix != ".docx" or not FORM_NAME.fullmatch(child.stem):
                continue
            if child.is_symlink() or not child.is_file():
                continue
            found[child.stem] = child
    return found


def read_form(template: str, folders: Sequence[Path], *, names_only: bool = False) -> tuple[str, bytes]:
    """The form's short name and bytes, by name or path (`names_only`: by name, as on a team
    server, where a path would name the server's files); one-line PowerdeckError otherwise."""
    from powerdeck.export.forms import MAX_FORM_BYTES, sample_forms

    placed = placed_forms(folders)
    if template in placed:
        path = placed[template]
    elif template in sample_forms():
        return template, sample_forms()[template].read_bytes()
    elif names_only:
        raise PowerdeckError(f"there is no form called {visible_line(template)[:64]!r} here: "
                             f"the forms are {', '.join([*sample_forms(), *placed])}")
    else:
        path = Path(template).expanduser()
        if path.suffix.lower() != ".docx":
            raise PowerdeckError(f"--template {visible_line(template)[:80]!r}: give a Word form (.docx) or a "
                                 "form's name; powerdeck export --template list shows them")
    data = read_named_file(path, MAX_FORM_BYTES, refused=f"cannot use {visible_line(str(path))} as a form")
    stem = path.stem if FORM_NAME.fullmatch(path.stem) else "form"
    return stem, data
