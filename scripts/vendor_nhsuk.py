"""Vendor NHS.UK frontend's compiled CSS and the icons it uses into src/powerdeck/web/static/nhsuk/.

A pip install has no npm, so the simple view carries the compiled files itself. Run with the
package from `npm pack nhsuk-frontend@VERSION`:

    python scripts/vendor_nhsuk.py nhsuk-frontend-10.6.1.tgz

What is changed from the package, and why:
- the Frutiger @font-face rules are dropped: the font is licensed to the NHS and served from
  assets.nhs.uk, which the Content-Security-Policy (fonts from our own origin only) and a council's
  firewall would both refuse; the CSS falls back to Arial, as NHS.UK frontend itself does offline;
- `url(/assets/...)` becomes `url(/static/nhsuk/assets/...)`, where the icons are served here.
NHS.UK frontend's JavaScript is not vendored: every component used works without it.
"""

from __future__ import annotations

import re
import sys
import tarfile
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "src" / "powerdeck" / "web" / "static" / "nhsuk"
LICENCE = """MIT License

Copyright (c) 2019 NHS.UK

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""
FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
ASSETS = re.compile(r"url\(/assets/")


def main(package: str) -> None:
    with tarfile.open(package) as tar:
        version = tar.extractfile("package/package.json")
        assert version is not None
        import json

        number = json.load(version)["version"]
        css_file = tar.extractfile(f"package/dist/nhsuk/nhsuk-frontend-{number}.min.css")
        assert css_file is not None
        css = css_file.read().decode("utf-8")
        css = FONT_FACE.sub("", css)
        css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
        css = ASSETS.sub("url(/static/nhsuk/assets/", css)
        TARGET.mkdir(parents=True, exist_ok=True)
        (TARGET / "nhsuk-frontend.min.css").write_text(css, encoding="utf-8")
        (TARGET / "VERSION").write_text(f"nhsuk-frontend {number} (npm), compiled CSS and icons\n")
        (TARGET / "LICENCE").write_text(LICENCE)
        images = TARGET / "assets" / "images"
        images.mkdir(parents=True, exist_ok=True)
        for member in tar.getmembers():
            name = member.name.rsplit("/", 1)[-1]
            if member.name.startswith("package/dist/nhsuk/assets/images/") and member.isfile() \
                    and (name.endswith(".svg") or name == "favicon.ico"):
                data = tar.extractfile(member)
                assert data is not None
                (images / name).write_bytes(data.read())
    print(f"nhsuk-frontend {number} vendored into {TARGET}")


if __name__ == "__main__":
    main(sys.argv[1])
