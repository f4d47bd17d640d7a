"""The entry form of a card's page: what it shows (a draft, an entry being edited or finished)
and what a POST of it does (keep the draft, save, refuse to overwrite a change made elsewhere)."""

from __future__ import annotations

import hashlib
from contextlib import suppress
from dataclasses import dataclass, field

from starlette.datastructures import FormData

from powerdeck.core.entry import FIELDS, Draft, Entry
from powerdeck.core.errors import PowerdeckError
from powerdeck.store import Log
from powerdeck.web.simple.forms import Errors, text


@dataclass
class EntryForm:
    """The form's values as shown: the texts, which entry they belong to (None: a new one) and
    that entry's `updated` when the page was made, to notice a change made in the terminal."""

    card: str
    action: str = ""
    outcome: str = ""
    learning: str = ""
    entry_id: str | None = None
    updated: str = ""
    seen: str = ""
    """A fingerprint of the entry's texts as the page showed them: `updated` is to the second, so
    a change made in the terminal within the same second is still noticed."""
    errors: Errors = field(default_factory=Errors)
    from_draft: bool = False
    conflict: Entry | None = None
    """The entry as it is now, when it changed since the page was loaded."""
    gone: bool = False
    """The entry was deleted elsewhere since the page was loaded: saving makes a new one."""
    problem: str = ""
    """A write the store refused (disk full, a damaged file): the text stays in the form."""

    @property
    def texts(self) -> tuple[str, str, str]:
        return self.action, self.outcome, self.learning

    @property
    def is_blank(self) -> bool:
        return not any(value.strip() for value in self.texts)

    @property
    def finishing(self) -> bool:
        return self.entry_id is not None and bool(self.action.strip()) and \
            not (self.outcome.strip() and self.learning.strip())

    @classmethod
    def posted(cls, card: str, form: FormData) -> EntryForm:
        entry_id = text(form, "entry_id") or None
        action, outcome, learning = (text(form, name) for name in FIELDS)
        return cls(card, action, outcome, learning, entry_id=entry_id, updated=text(form, "updated"),
                   seen=text(form, "seen"))

    @classmethod
    def shown(cls, log: Log, card: str, editing: Entry | None) -> EntryForm:
        """A new entry (the card's draft for one, if any) or `editing` (its draft, if any)."""
        draft = log.draft(card)
        if editing is not None:
            form = cls(card, editing.action, editing.outcome, editing.learning, editing.id, editing.updated,
                       fingerprint(editing))
            if draft is not None and draft.entry_id == editing.id and not draft.is_blank:
                form = _with_draft(form, draft)
            return form
        form = cls(card)
        if draft is not None and draft.entry_id is None and not draft.is_blank:
            form = _with_draft(form, draft)
        return form


def fingerprint(entry: Entry) -> str:
    """The entry's texts, hashed: what the page showed, to compare with the entry when it is saved."""
    digest = hashlib.sha256()
    for name in FIELDS:
        value = getattr(entry, name).encode("utf-8", "surrogatepass")
        digest.update(len(value).to_bytes(8, "big") + value)
    return digest.hexdigest()[:32]


def _with_draft(form: EntryForm, draft: Draft) -> EntryForm:
    form.action, form.outcome, form.learning = draft.action, draft.outcome, draft.learning
    form.from_draft = True
    return form


def draft_is_ours(log: Log, form: EntryForm) -> bool:
    """The card's one draft (the store keeps one a card, as the terminal does) is free for this
    form: there is none, it is of the same entry (or of a new one), or it is empty. A draft of
    another entry is someone's unsaved text (the terminal's, perhaps) and is never replaced."""
    current = log.draft(form.card)
    return current is None or current.entry_id == form.entry_id or current.is_blank


def keep_draft(log: Log, form: EntryForm) -> bool:
    """What was sent becomes the card's draft, which the terminal shows too (an empty form drops
    it). False when the card's draft belongs to another entry, which is left as it is."""
    if not draft_is_ours(log, form):
        return False
    if form.is_blank:
        log.clear_draft(form.card)
    else:
        log.save_draft(form.card, *form.texts, entry_id=form.entry_id)
    return True


def save(log: Log, form: EntryForm) -> Entry | None:
    """Save the form as an entry; None (with the form telling why) when it is not saved:
    nothing in Action, or the entry changed or was deleted elsewhere since the page was loaded.
    Text that is not saved is kept as the card's draft, so the terminal has it too."""
    if not can_save(log, form):
        keep_draft(log, form)
        return None
    try:
        return log.save_entry(form.card, *form.texts, entry_id=form.entry_id, clear_draft=draft_is_ours(log, form))
    except PowerdeckError:
        with suppress(PowerdeckError):  # the disk may refuse this too: the text is still in the form
            keep_draft(log, form)
        raise


def can_save(log: Log, form: EntryForm) -> bool:
    """Whether the form can be saved as it is; if not, the form says why."""
    if not form.action.strip():
        form.errors.add("action", "Enter an action: what you will do, or what you did")
        return False
    if form.entry_id is None:
        return True
    current = log.get(form.entry_id)
    if current is None:
        form.gone = True
        form.entry_id = None
        form.updated = ""
        return False
    changed = current.updated != form.updated or (form.seen and fingerprint(current) != form.seen)
    if changed and any(getattr(current, name) != value for name, value in zip(FIELDS, form.texts, strict=True)):
        form.conflict = current
        form.updated, form.seen = current.updated, fingerprint(current)  # sent again: "save mine over theirs"
        return False
    return True
