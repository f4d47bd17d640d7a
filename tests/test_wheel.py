"""The built wheel, installed in a fresh venv (not the checkout), carries the deck and starts."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from powerdeck import __version__

ROOT = Path(__file__).resolve().parent.parent


def _run(cmd: list[str], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "POWERDECK_DECK", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(PYTHONIOENCODING="utf-8", COLUMNS="80", PIP_DISABLE_PIP_VERSION_CHECK="1")
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                            encoding="utf-8", timeout=timeout)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.mark.slow
def test_wheel_installs_and_runs(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-q", "-w", str(dist),
          str(ROOT)], cwd=tmp_path)
    wheels = list(dist.glob("powerdeck-*.whl"))
    assert len(wheels) == 1
    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "powerdeck/deck.yaml" in names
    assert "powerdeck/deck/model.py" in names and "powerdeck/cli/cards.py" in names
    assert "powerdeck/tui/app.tcss" in names and "powerdeck/tui/screens/workbook/map_screen.tcss" in names
    # The simple view's templates, its own assets and NHS.UK frontend's compiled CSS with its licence:
    # a pip-only install has no npm to fetch them.
    assert {"powerdeck/web/templates/base.html", "powerdeck/web/static/simple/autosave.js",
            "powerdeck/web/static/nhsuk/nhsuk-frontend.min.css", "powerdeck/web/static/nhsuk/LICENCE",
            "powerdeck/web/static/nhsuk/assets/images/nhsuk-icon-cross.svg"} <= set(names)
    assert "powerdeck/export/forms/trust-yearly-review.docx" in names
    assert "powerdeck/export/forms/council-values-conversation.docx" in names

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", str(wheels[0])], cwd=tmp_path)

    powerdeck = str(bin_dir / "powerdeck")
    version = _run([powerdeck, "--version"], cwd=tmp_path)
    assert version.stdout.strip() == f"powerdeck {__version__}"
    outline = _run([powerdeck, "cards"], cwd=tmp_path)
    assert "10.4" in outline.stdout and "New NHS Alliance" in outline.stdout
    card = _run([powerdeck, "cards", "9.3"], cwd=tmp_path)
    assert "performance – what measures" in " ".join(card.stdout.split())
    forms = _run([powerdeck, "export", "--data", str(tmp_path / "data"), "--template", "list"], cwd=tmp_path)
    assert "trust-yearly-review" in forms.stdout and "council-values-conversation" in forms.stdout
    where = _run([str(bin_dir / "python"), "-c",
                  "from powerdeck.deck.model import load_deck; print(load_deck().source)"], cwd=tmp_path)
    assert str(venv) in where.stdout and str(ROOT / "src") not in where.stdout
