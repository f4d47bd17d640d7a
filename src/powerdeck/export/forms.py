"""An organisation's own Word form filled from the review log (`powerdeck export --template`).

A form is a .docx with Jinja tags typed into it (`{{ name }}`, `{% for e in entries %}`,
`{%tr for e in open_entries %}` to repeat a table row; docs/forms.md). It is filled with docxtpl
in Jinja's SandboxedEnvironment with autoescape on: without the sandbox a form can reach Python's
internals; without autoescape "Met <Ward 7> & the PCN lead" silently comes out as "Met ".

A form is outside input, so before anything is written:
- a form naming a field the context does not have (form_context.py) is refused in one line that
  names the unknown fields; so is a field an entry does not have, met while filling;
- it is filled in a separate Python process with a CPU-time and memory limit and a deadline, so
  a loop of a million (or a million squared) ends in one line, not a hung export;
- `range` is capped at 10,000 items and the `safe` filter (which would switch escaping off) is
  not there.

Two sample forms ship in `export/forms/` (built by scripts/make_sample_forms.py).
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from importlib import resources
from typing import TYPE_CHECKING, Any

from powerdeck.core.errors import PowerdeckError
from powerdeck.core.text import visible_line
from powerdeck.export.form_context import unknown_names

if TYPE_CHECKING:
    from importlib.abc import Traversable

TIME_LIMIT = 20.0
"""Seconds a form may take to fill (the two samples take well under one)."""
MEMORY_LIMIT = 1 << 30
MAX_FORM_BYTES = 20 * 1024 * 1024
MAX_OUTPUT_BYTES = 50 * 1024 * 1024
MAX_RANGE = 10_000
SAMPLES = {
    "trust-yearly-review": "A trust's yearly review: against our values, objectives, CPD, next year",
    "council-values-conversation": "A council's values conversation: our values, insight, barriers",
}


class FormError(PowerdeckError):
    """A form that cannot be filled; nothing was written."""


def sample_forms() -> dict[str, Traversable]:
    """The forms that ship with powerdeck, by name."""
    folder = resources.files("powerdeck.export") / "forms"
    return {name: folder / f"{name}.docx" for name in SAMPLES}


def used_names(form: bytes) -> list[str]:
    """The top-level names a form's body, headers and footers use."""
    import io

    from docxtpl import DocxTemplate

    try:
        template = DocxTemplate(io.BytesIO(form))
        return sorted(template.get_undeclared_template_variables(jinja_env=_environment()))
    except Exception as error:  # a damaged zip or XML, a Jinja syntax error: all one line
        raise FormError(f"the form cannot be read: {_describe(error)}") from None


def fill_form(form: bytes, context: dict[str, Any], *, time_limit: float = TIME_LIMIT) -> bytes:
    """The form filled from `context` (form_context.py), as .docx bytes; FormError otherwise."""
    if len(form) > MAX_FORM_BYTES:
        raise FormError(f"the form is larger than {MAX_FORM_BYTES // (1024 * 1024)} MB: is it the right file?")
    unknown = unknown_names(used_names(form))
    if unknown:
        raise FormError(f"the form uses fields powerdeck does not have: {', '.join(unknown)} "
                        "(docs/forms.md lists the fields)")
    request = json.dumps({"form": base64.b64encode(form).decode("ascii"), "context": context,
                          "cpu": max(1, int(time_limit))})
    environment = {key: value for key, value in os.environ.items() if key in ("PATH", "LANG", "LC_ALL", "HOME")}
    child = f"import sys; sys.path[:0] = {[p for p in sys.path if p]!r}; {_CHILD}"
    try:
        done = subprocess.run([sys.executable, "-I", "-S", "-c", child], input=request.encode("utf-8"),
                              capture_output=True, timeout=time_limit + 5, env=environment, check=False)
    except subprocess.TimeoutExpired:
        raise FormError(f"the form took longer than {time_limit:.0f} seconds to fill (a loop too long?): "
                        "nothing was written") from None
    if done.returncode == 0 and done.stdout.startswith(b"PK"):
        if len(done.stdout) > MAX_OUTPUT_BYTES:
            raise FormError("the filled form would be larger than 50 MB: nothing was written")
        return done.stdout
    message = done.stderr.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == 3 and message:
        raise FormError(visible_line(message[-1])[:300])
    raise FormError(f"the form took longer than {time_limit:.0f} seconds or more memory than allowed "
                    "to fill (a loop too long?): nothing was written")


_CHILD = "from powerdeck.export.forms import child_main; child_main()"
"""The filling process: it reads the request on stdin and writes the .docx bytes to stdout, or
one line to stderr and exits 3."""


def child_main() -> None:
    """The separate process that fills a form (see `fill_form`)."""
    import io
    import resource

    request = json.loads(sys.stdin.buffer.read())
    cpu = int(request["cpu"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ValueError, OSError):  # a lower hard limit already: keep it
        pass
    try:
        from docxtpl import DocxTemplate

        template = DocxTemplate(io.BytesIO(base64.b64decode(request["form"])))
        template.render(request["context"], jinja_env=_environment(), autoescape=True)
        out = io.BytesIO()
        template.save(out)
    except MemoryError:
        sys.stderr.write("the form needs more memory than allowed to fill (a loop too long?): "
                         "nothing was written\n")
        sys.exit(3)
    except Exception as error:
        sys.stderr.write(f"{_describe(error)}\n")
        sys.exit(3)
    sys.stdout.buffer.write(out.getvalue())
    sys.stdout.flush()


def _capped_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise FormError(f"the form asks for a range of {len(numbers):,} numbers: at most {MAX_RANGE:,}")
    return numbers


def _environment() -> Any:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    environment = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    environment.filters.pop("safe", None)
    environment.globals = {"range": _capped_range}
    return environment


def _describe(error: BaseException) -> str:
    """One line for what went wrong filling or reading a form."""
    from jinja2 import TemplateSyntaxError, UndefinedError
    from jinja2.exceptions import SecurityError

    if isinstance(error, FormError):
        return str(error)
    if isinstance(error, SecurityError):
        return "the form tries to reach inside powerdeck, which is not allowed: nothing was written"
    if isinstance(error, UndefinedError):
        return (f"the form uses a field powerdeck does not have ({visible_line(str(error))[:120]}); "
                "docs/forms.md lists the fields")
    if isinstance(error, TemplateSyntaxError):
        return f"the form has a mistake in its tags: {visible_line(str(error.message or error))[:160]}"
    if isinstance(error, OverflowError):
        return f"the form asks for too much: {visible_line(str(error))[:160]}"
    return f"{type(error).__name__}: {visible_line(str(error))[:160]}"
