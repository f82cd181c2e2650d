"""Where a PDF's words lie on its pages (poppler's `pdftotext -bbox`), to check layout."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

XHTML = "{http://www.w3.org/1999/xhtml}"
MM = 72 / 25.4  # points in a millimetre


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)


def pdf_pages(data: bytes) -> list[Page]:
    assert data.startswith(b"%PDF")
    found = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True)
    root = ET.fromstring(found.stdout.decode())
    pages = []
    for page in root.iter(f"{XHTML}page"):
        words = [
            Word(
                word.text or "",
                float(word.get("xMin")),
                float(word.get("yMin")),
                float(word.get("xMax")),
                float(word.get("yMax")),
            )
            for word in page.iter(f"{XHTML}word")
        ]
        pages.append(Page(float(page.get("width")), float(page.get("height")), words))
    return pages
