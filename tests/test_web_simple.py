"""The simple view over HTTP: every page, the entry form's whole life, drafts shared with the
terminal, changes made elsewhere never overwritten, CSRF, hostile text, a damaged log, the log's
filters and pages, export and the workbook. Against real files, through the real store."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytest.importorskip("nhsuk_frontend_jinja", reason="the web extra (Python 3.11 or later) is not installed")

from httpx import Response
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from powerdeck.deck.model import Deck
from powerdeck.export import ExportOptions, export_bytes
from powerdeck.store.log import Log
from web_app import HOSTILE, SECRET, fill, make_app

PAGES = ["/?choose=1", "/cards", "/cards/4.2", "/cards/1.2", "/log", "/overview", "/export", "/workbook",
         "/workbook/1.2", "/workbook/1.3", "/workbook/2.3", "/workbook/7.1", "/about", "/accessibility"]
LONG = ("ten thousand characters, 🧑‍⚕️ مرحبا <b>not bold</b> & " * 200)[:10_000]


@pytest.fixture
def client(data_dir: Path) -> TestClient:
    return TestClient(make_app(data_dir))


def token(client: TestClient) -> str:
    """The token every form of this client's session carries (as its pages show it)."""
    from powerdeck.web.simple import csrf

    return csrf.token(SECRET, client.app.state.session_id)


def form_value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def save(client: TestClient, card: str = "4.2", action: str = "Invite the youth group", outcome: str = "",
         learning: str = "", entry_id: str = "", updated: str = "", do: str = "save") -> Response:
    data = {"csrf_token": token(client), "action": action, "outcome": outcome, "learning": learning,
            "entry_id": entry_id, "updated": updated, "do": do}
    return client.post(f"/cards/{card}", data=data, follow_redirects=False)


def entry_id_of(response: Response) -> str:
    found = re.search(r"#entry-([0-9a-f]{32})", response.headers["location"])
    assert found
    return found.group(1)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_empty_and_full(data_dir: Path, path: str) -> None:
    empty = TestClient(make_app(data_dir / "empty")).get(path)
    fill(data_dir / "full").close()
    full = TestClient(make_app(data_dir / "full")).get(path)
    for response in (empty, full):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert 'href="#maincontent"' in response.text and 'id="maincontent"' in response.text
        assert 'href="/signout"' in response.text and "New NHS Alliance" in response.text
        assert "<script>" not in response.text  # nothing inline: the CSP would refuse it
        for form in re.findall(r'<form method="post".*?</form>', response.text, re.S):
            assert 'name="csrf_token"' in form


def test_card_page_has_the_cards_words_exactly_and_the_form(client: TestClient, deck: Deck) -> None:
    import html

    page = client.get("/cards/4.2").text
    assert f'name="csrf_token" value="{token(client)}"' in page
    card = deck.card("4.2")
    assert html.escape(card.title, quote=False).replace("'", "&#39;") in page or card.title in page
    for paragraph in card.paragraphs:
        assert html.escape(paragraph).replace("&#x27;", "&#39;") in page
    for label in ("Action", "Outcome", "Learning"):
        assert re.search(rf'<label class="[^"]*" for="{label.lower()}">\s*{label}\s*</label>', page)
    assert re.search(r"<button[^>]*>Save[^<]*</button>", page)


def test_write_finish_edit_delete_and_undo(client: TestClient, data_dir: Path) -> None:
    saved = save(client, action="Invite the youth group")
    assert saved.status_code == 303
    entry_id = entry_id_of(saved)
    with Log.open(data_dir) as log:
        entry = log.get(entry_id)
        assert entry is not None and entry.is_open and entry.action == "Invite the youth group"
    page = client.get(f"/cards/4.2?edit={entry_id}").text
    assert "Finish this entry" in page
    finished = save(client, action="Invite the youth group", outcome="Six came", learning="Ask earlier",
                    entry_id=entry_id, updated=form_value(page, "updated"))
    assert finished.status_code == 303
    with Log.open(data_dir) as log:
        entry = log.get(entry_id)
        assert entry is not None and not entry.is_open and entry.outcome == "Six came"
        before = entry
    assert "Edit this entry" in client.get(f"/cards/4.2?edit={entry_id}").text
    assert "Delete this entry?" in client.get(f"/entries/{entry_id}/delete").text
    deleted = client.post(f"/entries/{entry_id}/delete", data={"csrf_token": token(client)})
    assert deleted.status_code == 200 and "Undo" in deleted.text
    with Log.open(data_dir) as log:
        assert log.get(entry_id) is None
    undone = client.post("/entries/undo", data={"csrf_token": token(client), "entry": form_value(deleted.text, "entry"),
                                                "signature": form_value(deleted.text, "signature")},
                         follow_redirects=False)
    assert undone.status_code == 303
    with Log.open(data_dir) as log:
        assert log.get(entry_id) == before


def test_a_forged_undo_puts_nothing_back(client: TestClient, data_dir: Path) -> None:
    import base64
    import json

    forged = base64.urlsafe_b64encode(json.dumps({
        "id": "forged", "card": "4.2", "capability": 4, "action": "not mine", "outcome": "", "learning": "",
        "created": "2026-01-01T00:00:00+00:00", "updated": "2026-01-01T00:00:00+00:00"}).encode()).decode()
    response = client.post("/entries/undo", data={"csrf_token": token(client), "entry": forged, "signature": "0" * 64})
    assert response.status_code == 400
    with Log.open(data_dir) as log:
        assert log.count() == 0


def test_a_draft_is_kept_when_the_form_is_sent_and_the_terminal_sees_it(client: TestClient, data_dir: Path) -> None:
    kept = save(client, action="half a thought", do="draft")
    assert kept.status_code == 303
    with Log.open(data_dir) as log:
        draft = log.draft("4.2")
        assert draft is not None and draft.action == "half a thought" and draft.entry_id is None
        assert log.count() == 0
    refused = save(client, action="  ", outcome="an outcome before any action")
    assert refused.status_code == 400 and "There is a problem" in refused.text and 'href="#action"' in refused.text
    with Log.open(data_dir) as log:
        draft = log.draft("4.2")
        assert draft is not None and draft.outcome == "an outcome before any action"


def test_a_draft_from_the_terminal_is_in_the_page_and_saving_clears_it(client: TestClient, data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        log.save_draft("4.2", "typed in the terminal <b>", "", "")
    page = client.get("/cards/4.2").text
    assert "typed in the terminal &lt;b&gt;" in page and "This is your draft" in page
    save(client, action="typed in the terminal <b>")
    with Log.open(data_dir) as log:
        assert log.draft("4.2") is None and log.count() == 1


def test_autosave_keeps_the_draft(client: TestClient, data_dir: Path) -> None:
    response = client.post("/cards/4.2/draft", data={"csrf_token": token(client), "action": "as I type",
                                                     "outcome": "", "learning": "", "entry_id": "", "updated": ""})
    assert response.status_code == 204
    with Log.open(data_dir) as log:
        draft = log.draft("4.2")
        assert draft is not None and draft.action == "as I type"


def test_another_entrys_draft_is_never_replaced(client: TestClient, data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        other = log.add("4.2", "an entry being edited in the terminal")
        log.save_draft("4.2", "the terminal's unsaved edit", "", "", entry_id=other.id)
    assert client.post("/cards/4.2/draft", data={"csrf_token": token(client), "action": "new text",
                                                 "entry_id": ""}).status_code == 409
    assert save(client, action="a new entry from the page").status_code == 303
    with Log.open(data_dir) as log:
        draft = log.draft("4.2")
        assert draft is not None and draft.action == "the terminal's unsaved edit" and draft.entry_id == other.id
        assert log.count() == 2


def test_a_change_made_in_the_terminal_is_shown_never_overwritten(client: TestClient, data_dir: Path) -> None:
    entry_id = entry_id_of(save(client, action="first words"))
    page = client.get(f"/cards/4.2?edit={entry_id}").text
    loaded = form_value(page, "updated")
    time.sleep(1.1)  # `updated` is to the second
    with Log.open(data_dir) as log:
        log.update(entry_id, outcome="written in the terminal")
    clash = save(client, action="first words", outcome="written in the page", entry_id=entry_id, updated=loaded)
    assert clash.status_code == 409
    assert "changed somewhere else" in clash.text and "written in the terminal" in clash.text
    assert "written in the page" in clash.text  # the person's text is still in the form
    with Log.open(data_dir) as log:
        entry = log.get(entry_id)
        assert entry is not None and entry.outcome == "written in the terminal"
        draft = log.draft("4.2")
        assert draft is not None and draft.outcome == "written in the page"
    again = save(client, action="first words", outcome="written in the page", entry_id=entry_id,
                 updated=form_value(clash.text, "updated"))
    assert again.status_code == 303
    with Log.open(data_dir) as log:
        entry = log.get(entry_id)
        assert entry is not None and entry.outcome == "written in the page"


def test_an_entry_deleted_in_the_terminal_is_said_and_saving_makes_new(client: TestClient, data_dir: Path) -> None:
    entry_id = entry_id_of(save(client, action="soon gone"))
    page = client.get(f"/cards/4.2?edit={entry_id}").text
    with Log.open(data_dir) as log:
        log.delete(entry_id)
    gone = save(client, action="soon gone", outcome="mine", entry_id=entry_id, updated=form_value(page, "updated"))
    assert gone.status_code == 409 and "deleted somewhere else" in gone.text
    assert form_value(gone.text, "entry_id") == ""
    assert save(client, action="soon gone", outcome="mine").status_code == 303
    with Log.open(data_dir) as log:
        assert [entry.outcome for entry in log.entries()] == ["mine"]


def test_a_form_without_its_sessions_token_changes_nothing(data_dir: Path) -> None:
    mine = TestClient(make_app(data_dir, session_id="mine"))
    other = TestClient(make_app(data_dir, session_id="someone else's"))
    stolen = token(other)
    for data in ({"action": "forged"}, {"action": "forged", "csrf_token": stolen},
                 {"action": "forged", "csrf_token": ""}):
        response = mine.post("/cards/4.2", data={**data, "do": "save"})
        assert response.status_code == 403 and "expired" in response.text
    assert mine.post("/cards/4.2/draft", data={"action": "forged"}).status_code == 403
    assert mine.post("/export", data={"format": "json"}).status_code == 403
    with Log.open(data_dir) as log:
        assert log.count() == 0 and log.draft("4.2") is None


@pytest.mark.parametrize("text", [*HOSTILE, LONG, "\n\nstarts with two blank lines", "ends with spaces   "])
def test_a_persons_text_comes_back_exactly_and_inert(client: TestClient, data_dir: Path, text: str) -> None:
    entry_id = entry_id_of(save(client, action=text, outcome=text, learning=text))
    with Log.open(data_dir) as log:
        entry = log.get(entry_id)
        assert entry is not None and (entry.action, entry.outcome, entry.learning) == (text, text, text)
    import html

    for page in (client.get("/cards/4.2").text, client.get(f"/entries/{entry_id}").text,
                 client.get(f"/cards/4.2?edit={entry_id}").text, client.get("/log", params={"q": text[:20]}).text):
        assert "<script>alert" not in page and "<b>bold</b>" not in page and "<b>not bold</b>" not in page
    edit = client.get(f"/cards/4.2?edit={entry_id}").text
    shown = re.search(r'<textarea[^>]*name="action"[^>]*>\n(.*?)</textarea>', edit, re.S)
    assert shown and html.unescape(shown.group(1)) == text


def test_line_breaks_sent_by_a_browser_are_stored_as_typed(client: TestClient, data_dir: Path) -> None:
    entry_id = entry_id_of(save(client, action="one\r\ntwo\rthree\nfour"))
    with Log.open(data_dir) as log:
        entry = log.get(entry_id)
        assert entry is not None and entry.action == "one\ntwo\nthree\nfour"


def test_a_damaged_log_gets_the_terminals_one_line_as_a_page(client: TestClient, data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    (data_dir / "log.json").write_text("{ this is not json")
    for path in ("/cards", "/cards/4.2", "/log", "/export", "/workbook/1.2"):
        response = client.get(path)
        assert response.status_code == 500
        assert "Your review log cannot be opened" in response.text
        line = re.search(r'<p class="pd-problem" role="alert">(.*?)</p>', response.text, re.S)
        assert line and "\n" not in line.group(1).strip() and "log.json" in line.group(1)
    assert (data_dir / "log.json").read_text() == "{ this is not json"
    assert save(client).status_code == 500
    assert (data_dir / "log.json").read_text() == "{ this is not json"


def test_the_logs_filters_are_get_parameters(data_dir: Path) -> None:
    fill(data_dir, 120).close()
    client = TestClient(make_app(data_dir))
    everything = client.get("/log").text
    assert "120 entries, newest first" in everything and "page 1 of 5" in everything
    on_card = client.get("/log?card=4.2").text
    assert re.search(r"(\d+) of 120 entries match", on_card)
    with Log.open(data_dir) as log:
        from powerdeck.core.entry import EntryFilter

        for query, wanted in (("card=4.2", EntryFilter(card="4.2")),
                              ("capability=1&capability=3", EntryFilter(capabilities=frozenset({1, 3}))),
                              ("open=1", EntryFilter(open_only=True)),
                              ("q=outcome+11", EntryFilter(text="outcome 11")),
                              ("period=dates&from=1/2/2026&to=2026-02-28", EntryFilter(
                                  since=__import__("datetime").date(2026, 2, 1),
                                  until=__import__("datetime").date(2026, 2, 28)))):
            page = client.get(f"/log?{query}").text
            count = len(log.entries(wanted))
            assert f"{count} of 120 entries match" in page, query
    bad = client.get("/log?period=dates&from=31/02/2026")
    assert bad.status_code == 400 and 'href="#from"' in bad.text and "February 2026 has no day 31" in bad.text
    second = client.get("/log?page=2").text
    assert "page 2 of 5" in second and 'href="/log?page=3"' in second


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["capability", "card", "q", "open", "period", "from", "to", "page"]),
                       st.text(max_size=30), max_size=8))
def test_any_log_query_is_a_page_never_a_crash(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/log", params=params)
    assert response.status_code in (200, 400)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\r\x00"), min_size=1, max_size=300))
def test_any_text_a_person_sends_is_stored_exactly(client: TestClient, data_dir: Path, text: str) -> None:
    response = save(client, card="5.1", action="a" + text, outcome=text)
    assert response.status_code == 303
    with Log.open(data_dir) as log:
        entry = log.get(entry_id_of(response))
        assert entry is not None and (entry.action, entry.outcome) == ("a" + text, text)


def test_export_gives_the_terminals_bytes_and_remembers_name_and_role(data_dir: Path, deck: Deck) -> None:
    fill(data_dir, 60).close()
    client = TestClient(make_app(data_dir))
    response = client.post("/export", data={"csrf_token": token(client), "format": "markdown", "layout": "standard",
                                            "period": "dates", "from": "1/2/2026", "to": "31/3/2026",
                                            "name": "Sam Jones", "role": "Team leader"})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith('attachment; filename="powerdeck-log-')
    import datetime

    with Log.open(data_dir) as log:
        assert log.get_state("reviewer_name") == "Sam Jones"
        options = ExportOptions(fmt="markdown", since=datetime.date(2026, 2, 1), until=datetime.date(2026, 3, 31),
                                name="Sam Jones", role="Team leader")
        expected = export_bytes(log.entries(options.entry_filter()), deck, options, log.worksheets().values())
    strip = re.compile(rb"Exported from powerdeck on [^.]*\.")
    assert strip.sub(b"", response.content) == strip.sub(b"", expected)
    assert 'value="Sam Jones"' in client.get("/export").text
    word = client.post("/export", data={"csrf_token": token(client), "format": "docx", "period": "appraisal-this"})
    assert word.status_code == 200 and word.content[:2] == b"PK"


def test_export_refuses_a_layout_the_format_cannot_have(client: TestClient) -> None:
    response = client.post("/export", data={"csrf_token": token(client), "format": "csv", "layout": "nmc",
                                            "period": "any"})
    assert response.status_code == 400 and 'href="#layout"' in response.text


def test_export_of_a_filtered_log_keeps_its_filters(data_dir: Path) -> None:
    fill(data_dir, 60).close()
    client = TestClient(make_app(data_dir))
    page = client.get("/export?card=1.1&open=1").text
    assert "Only the entries that match the log" in page
    response = client.post("/export", data={"csrf_token": token(client), "format": "json", "period": "any",
                                            "card": "1.1", "open": "1", "filters": "1"})
    import json

    exported = json.loads(response.content)
    assert exported["entries"] and all(e["card"] == "1.1" and (not e["outcome"] or not e["learning"])
                                       for e in exported["entries"])


def test_voices_added_and_edited_and_the_cloud_has_its_ranked_list(client: TestClient, data_dir: Path) -> None:
    for phrase, role in (("safer streets", "young carer"), ("Safer  streets", ""), ("<script>x</script>", "")):
        added = client.post("/workbook/1.3", data={"csrf_token": token(client), "do": "add", "phrase": phrase,
                                                   "role": role}, follow_redirects=False)
        assert added.status_code == 303
    page = client.get("/workbook/1.3").text
    alt = re.search(r'<img src="/workbook/1.3/cloud.svg" alt="([^"]*)"', page)
    assert alt and "1. safer streets (said 2 times); 2. &lt;script&gt;x&lt;/script&gt; (said 1 time)" in alt.group(1)
    svg = client.get("/workbook/1.3/cloud.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<script>" not in svg.text
    with Log.open(data_dir) as log:
        sheet = log.worksheet("1.3")
        assert sheet is not None and sheet.text == "safer streets | young carer\nSafer streets\n<script>x</script>\n"
    edited = client.post("/workbook/1.3", data={"csrf_token": token(client), "text": "just one",
                                                "updated": sheet.updated}, follow_redirects=False)
    assert edited.status_code == 303
    with Log.open(data_dir) as log:
        sheet = log.worksheet("1.3")
        assert sheet is not None and sheet.text == "just one"


def test_a_worksheet_changed_elsewhere_is_shown_not_overwritten(client: TestClient, data_dir: Path) -> None:
    from powerdeck.workbook.model import Worksheet

    with Log.open(data_dir) as log:
        loaded = log.save_worksheet(Worksheet("8.1", "list", text="first"))
        time.sleep(1.1)
        log.save_worksheet(Worksheet("8.1", "list", text="from the terminal"))
    clash = client.post("/workbook/8.1", data={"csrf_token": token(client), "text": "from the page",
                                               "updated": loaded.updated})
    assert clash.status_code == 409 and "from the terminal" in clash.text and "from the page" in clash.text
    with Log.open(data_dir) as log:
        sheet = log.worksheet("8.1")
        assert sheet is not None and sheet.text == "from the terminal"


def test_the_relationship_map_as_a_table(client: TestClient, data_dir: Path) -> None:
    added = client.post("/workbook/1.2/people", data={"csrf_token": token(client), "name": "JS", "ring": "close",
                                                      "quality": "stressed", "sector": "faith", "missing": "1"},
                        follow_redirects=False)
    assert added.status_code == 303
    assert client.post("/workbook/1.2/people", data={"csrf_token": token(client), "name": " "}).status_code == 400
    with Log.open(data_dir) as log:
        sheet = log.worksheet("1.2")
        assert sheet is not None and len(sheet.people) == 1
        person = sheet.people[0]
        assert (person.name, person.ring, person.quality, person.sector, person.missing) == \
            ("JS", "close", "stressed", "faith", True)
    table = client.get("/workbook/1.2").text
    assert "<table" in table and re.search(r"<th[^>]*>Name</th>", table) and "JS" in table
    assert client.get(f"/workbook/1.2/people/{person.id}").status_code == 200
    client.post(f"/workbook/1.2/people/{person.id}", data={"csrf_token": token(client), "name": "housing lead",
                                                          "ring": "far", "quality": "distant", "sector": "housing"})
    with Log.open(data_dir) as log:
        sheet = log.worksheet("1.2")
        assert sheet is not None and sheet.people[0].name == "housing lead" and not sheet.people[0].missing
    assert "off the map?" in client.get(f"/workbook/1.2/people/{person.id}/delete").text
    client.post(f"/workbook/1.2/people/{person.id}/delete", data={"csrf_token": token(client)})
    with Log.open(data_dir) as log:
        sheet = log.worksheet("1.2")
        assert sheet is not None and sheet.people == ()


def test_cards_that_look_back_show_what_they_look_back_at(data_dir: Path) -> None:
    fill(data_dir, 10).close()
    page = TestClient(make_app(data_dir)).get("/workbook/2.3").text
    assert "What this card looks back at" in page
    assert "1.2 Mapping relationships" in page and "housing lead" in page  # the map
    assert "safer streets" in page  # the voices of 1.3
    assert 'href="/workbook/2.3"' in TestClient(make_app(data_dir)).get("/cards/2.3").text


def test_the_first_page_offers_both_ways_and_remembers_the_choice(client: TestClient, data_dir: Path) -> None:
    page = client.get("/").text
    assert "Open the deck (full screen, keyboard)" in page
    assert "Simple view (works with screen readers and zoom)" in page
    chosen = client.post("/", data={"csrf_token": token(client), "view": "cards"}, follow_redirects=False)
    assert chosen.headers["location"] == "/cards"
    assert client.get("/", follow_redirects=False).headers["location"] == "/cards"
    assert client.get("/?choose=1").status_code == 200
    client.post("/", data={"csrf_token": token(client), "view": "deck"})
    assert client.get("/", follow_redirects=False).headers["location"] == "/deck"


def test_a_missing_card_or_entry_is_a_page(client: TestClient) -> None:
    for path in ("/cards/99.1", "/entries/nothing", "/entries/nothing/delete", "/workbook/4.2"):
        response = client.get(path)
        assert response.status_code == 404 and "<h1>Page not found</h1>" in response.text


def test_the_card_page_shows_ten_entries_and_links_to_the_rest(data_dir: Path) -> None:
    with Log.open(data_dir) as log:
        for n in range(15):
            log.add("4.2", f"entry {n}")
    page = TestClient(make_app(data_dir)).get("/cards/4.2").text
    assert page.count('class="pd-entry"') == 10 and 'href="/log?card=4.2"' in page


def test_the_static_files_carry_nhs_uk_frontends_licence() -> None:
    from powerdeck.web.simple.site import STATIC

    licence = (STATIC / "nhsuk" / "LICENCE").read_text()
    assert "MIT License" in licence and "NHS.UK" in licence
    css = (STATIC / "nhsuk" / "nhsuk-frontend.min.css").read_text()
    assert "assets.nhs.uk" not in css and "url(/assets/" not in css
    for icon in re.findall(r"url\(/static/nhsuk/(assets/images/[^)]+)\)", css):
        assert (STATIC / "nhsuk" / icon).is_file()


def test_secret_key_binds_the_token(data_dir: Path) -> None:
    from powerdeck.web.simple import csrf

    assert csrf.token(SECRET, "a") != csrf.token(SECRET, "b")
    assert csrf.valid(SECRET, "a", csrf.token(SECRET, "a")) and not csrf.valid(SECRET, "a", None)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(["action", "outcome", "learning", "entry_id", "updated", "do"]),
                       st.text(max_size=40), max_size=6))
def test_any_posted_card_form_is_a_page_never_a_crash(client: TestClient, data_dir: Path,
                                                      fields: dict[str, str]) -> None:
    response = client.post("/cards/6.1", data={"csrf_token": token(client), **fields}, follow_redirects=False)
    assert response.status_code in (303, 400, 409)
    with Log.open(data_dir) as log:
        for entry in log.entries():
            assert entry.card == "6.1"


def test_the_simple_view_imports_nothing_of_the_terminal_or_the_doors() -> None:
    import ast

    from powerdeck.web.simple.site import WEB

    for path in [*sorted((WEB / "simple").glob("*.py")), WEB / "person.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                assert not name.startswith(("textual", "powerdeck.tui", "powerdeck.cli", "powerdeck.serve")), \
                    f"{path.name} imports {name}"


def test_a_change_made_in_the_terminal_within_the_same_second_is_still_noticed(client: TestClient,
                                                                               data_dir: Path) -> None:
    entry_id = entry_id_of(save(client, action="first words"))
    page = client.get(f"/cards/4.2?edit={entry_id}").text
    with Log.open(data_dir) as log:
        log.update(entry_id, outcome="written in the terminal")
        changed = log.get(entry_id)
        assert changed is not None
    data = {"csrf_token": token(client), "action": "first words", "outcome": "written in the page", "do": "save",
            "entry_id": entry_id, "updated": changed.updated,  # as if both fell in the same second
            "seen": form_value(page, "seen")}
    clash = client.post("/cards/4.2", data=data, follow_redirects=False)
    assert clash.status_code == 409 and "written in the terminal" in clash.text
    with Log.open(data_dir) as log:
        entry = log.get(entry_id)
        assert entry is not None and entry.outcome == "written in the terminal"


def test_a_worksheet_changed_within_the_same_second_is_still_noticed(client: TestClient, data_dir: Path) -> None:
    from powerdeck.workbook.model import Worksheet

    with Log.open(data_dir) as log:
        log.save_worksheet(Worksheet("8.1", "list", text="first"))
    page = client.get("/workbook/8.1").text
    with Log.open(data_dir) as log:
        now = log.save_worksheet(Worksheet("8.1", "list", text="from the terminal"))
    clash = client.post("/workbook/8.1", data={"csrf_token": token(client), "text": "from the page",
                                               "updated": now.updated, "seen": form_value(page, "seen")})
    assert clash.status_code == 409
    with Log.open(data_dir) as log:
        sheet = log.worksheet("8.1")
        assert sheet is not None and sheet.text == "from the terminal"
    again = client.post("/workbook/8.1", data={"csrf_token": token(client), "text": "from the page",
                                               "updated": form_value(clash.text, "updated"),
                                               "seen": form_value(clash.text, "seen")}, follow_redirects=False)
    assert again.status_code == 303


@pytest.mark.parametrize("query", ["capability=²", "capability=٣", "page=²", "page=99999999999999"])
def test_numbers_in_a_link_are_ascii_digits_or_ignored(client: TestClient, query: str) -> None:
    """`"²".isdigit()` is true and `int("²")` fails: a link with one gave a server error."""
    assert client.get(f"/log?{query}").status_code == 200
    assert client.get(f"/export?{query}").status_code == 200


def test_writes_from_the_page_leave_the_terminal_a_fresh_summary(client: TestClient, data_dir: Path) -> None:
    """The simple view wrote through its own Log and left the log's first-frame summary stale: the
    terminal's next start then read the whole log. Each write now refreshes it, as the writer
    thread's do (store/log_summary.py)."""
    from powerdeck.store import log_path, open_log
    from powerdeck.store.log_summary import read_summary

    fill(data_dir, 40).close()
    entry_id = entry_id_of(save(client, card="4.2", action="Written in the browser"))
    summary = read_summary(log_path(data_dir))
    assert summary is not None, "a summary that describes the log as it is now"
    assert entry_id in {entry.id for entry in summary.card("4.2").newest}
    with Log.open(data_dir) as log:
        assert sum(found.count for found in summary.cards.values()) == len(log.entries()) == 41
    sheet = client.post("/workbook/1.3", data={"csrf_token": token(client), "do": "add", "phrase": "more buses"},
                        follow_redirects=False)
    assert sheet.status_code == 303, sheet.text[:300]
    summary = read_summary(log_path(data_dir))
    assert summary is not None and "more buses" in summary.worksheets["1.3"]["text"]
    log, first_frame = open_log(data_dir)  # the terminal's start: its first frame from the summary
    try:
        assert first_frame is not None
    finally:
        log.close()
