"""The floor for bench/paste.py: a bare Textual TextArea, focused, soft-wrapped as powerdeck's
fields are. ctrl+q quits (Textual's default binding)."""

from textual.app import App, ComposeResult
from textual.widgets import Footer, TextArea


class PasteFloor(App[None]):
    def compose(self) -> ComposeResult:
        yield TextArea(id="field", soft_wrap=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()


if __name__ == "__main__":
    PasteFloor().run()
