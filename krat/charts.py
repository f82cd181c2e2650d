"""Charts as SVG, drawn on the server: one code path for the web page and the PDF.

Each function returns a `Chart` whose `.svg` is safe markup (every label escaped) for
a page, and whose `.data_uri` is the same image for an `<img>` in a WeasyPrint PDF.
Charts carry a title and description for screen readers; pages should still show
the numbers in a table beside them.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from krat.numbers import format_number

# Okabe–Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
HIGHLIGHT = "#FBE9D0"
FONT = "DejaVu Sans, Arial, sans-serif"


@dataclass(frozen=True)
class Series:
    """One series of bars. `values` are the heights; `texts`, when given, are how each
    value reads in the tooltips and the screen readers' description (a figure with no
    value reads "—" and a hidden one "< 3", while its bar is drawn at 0): the chart never
    states a number the table beside it does not."""

    name: str
    values: Sequence[float]
    color: str | None = None
    texts: Sequence[str] | None = None

    @classmethod
    def of_cells(cls, name: str, cells: Sequence, color: str | None = None) -> Series:
        """A series of report cells (`krat.suppression.Cell`): drawn as `cell.drawn`,
        read as the cell prints."""
        return cls(name=name, values=[c.drawn for c in cells], color=color, texts=[str(c) for c in cells])

    def text(self, index: int) -> str:
        return self.texts[index] if self.texts is not None else _number(self.values[index])


@dataclass(frozen=True)
class Chart:
    svg: SafeString

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(str(self.svg).encode()).decode()

    def __html__(self) -> str:
        return str(self.svg)

    def __str__(self) -> SafeString:
        # Django's {{ chart }} calls str() before it looks for __html__: stay safe markup.
        return self.svg


AXIS_STEPS = 4  # at most this many steps above zero


def _count_ticks(value: float) -> list[int]:
    """Whole-number ticks from 0 for an axis of counts up to `value`, at most four steps of
    1, 2 or 5 times a power of ten: 7 → 0 2 4 6 8, 45 → 0 20 40 60, 0 → 0 1."""
    if value <= 0:
        return [0, 1]
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(value / step) <= AXIS_STEPS:
                return [step * i for i in range(math.ceil(value / step) + 1)]
        magnitude *= 10


def _number(value: float) -> str:
    """A label's number as the reader's language writes it: 1.680, 12,5."""
    return str(format_number(round(value, 1)))


def _svg(width: int, height: float, title: str, description: str, body: list[str]) -> Chart:
    markup = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" font-family="{FONT}" font-size="11">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>" + "".join(body) + "</svg>"
    )
    return Chart(svg=mark_safe(markup))  # noqa: S308 - every text above is escaped


def _legend(series: Sequence[Series], x: float, y: float) -> list[str]:
    parts = []
    for index, item in enumerate(series):
        color = item.color or PALETTE[index % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="{y + index * 16}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + index * 16 + 9}">{escape(item.name)}</text>')
    return parts


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    stacked: bool = False,
    highlight: Sequence[int] = (),
    width: int = 640,
    height: int = 260,
) -> Chart:
    """Vertical bars per category, grouped or stacked; `highlight` shades categories
    (the tourist-season months, say)."""
    left, right, top, bottom = 40, 150 if len(series) > 1 else 10, 10, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = (
        [sum(s.values[i] for s in series) for i in range(len(categories))]
        if stacked
        else [max((s.values[i] for s in series), default=0) for i in range(len(categories))]
    )
    ticks = _count_ticks(max(totals, default=0))
    top_value = ticks[-1]
    slot = plot_w / max(len(categories), 1)
    body = []
    for index in highlight:
        body.append(
            f'<rect x="{left + index * slot:.1f}" y="{top}" width="{slot:.1f}" height="{plot_h}" fill="{HIGHLIGHT}"/>'
        )
    for value in ticks:
        y = top + plot_h - plot_h * value / top_value
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>')
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{_number(value)}</text>')
    bar_w = slot * 0.7 / (1 if stacked else max(len(series), 1))
    for i, category in enumerate(categories):
        base: float = top + plot_h
        for j, item in enumerate(series):
            amount = item.values[i]
            h = plot_h * amount / top_value
            color = item.color or PALETTE[j % len(PALETTE)]
            x = left + i * slot + slot * 0.15 + (0 if stacked else j * bar_w)
            y = base - h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{color}">'
                f"<title>{escape(category)}: {escape(item.name)} {escape(item.text(i))}</title></rect>"
            )
            if stacked:
                base = y
        label_x = left + i * slot + slot / 2
        body.append(
            f'<text x="{label_x:.1f}" y="{top + plot_h + 14}" text-anchor="middle">{escape(category)}</text>'
        )
    if len(series) > 1:
        body += _legend(series, width - right + 10, top)
    description = "; ".join(
        f"{category}: " + ", ".join(f"{s.name} {s.text(i)}" for s in series)
        for i, category in enumerate(categories)
    )
    return _svg(width, height, title, description, body)


def hbar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    stacked: bool = True,
    width: int = 640,
    row_height: int = 24,
    label_width: int = 200,
) -> Chart:
    """Horizontal bars, one row per category (objectives, institutions, funnel stages).

    The legend of several series starts above the bars and wraps onto further lines
    when it is wider than the chart (a narrow dashboard card, long Albanian names).
    """
    legend_items: list[tuple[float, float, str, str]] = []
    if len(series) > 1:
        x, y = float(label_width), 4.0
        for j, item in enumerate(series):
            item_w = 24 + 7 * len(item.name)
            if x > label_width and x + item_w - 10 > width:
                x, y = float(label_width), y + 16
            legend_items.append((x, y, item.color or PALETTE[j % len(PALETTE)], item.name))
            x += item_w
    legend_h = (legend_items[-1][1] + 14) if legend_items else 0
    top, right = 8 + legend_h, 40
    height = top + row_height * max(len(categories), 1) + 8
    plot_w = width - label_width - right
    totals = (
        [sum(s.values[i] for s in series) for i in range(len(categories))]
        if stacked
        else [max((s.values[i] for s in series), default=0) for i in range(len(categories))]
    )
    top_value = max(totals, default=0) or 1
    body = []
    for x, y, color, name in legend_items:
        body.append(f'<rect x="{x:g}" y="{y:g}" width="10" height="10" fill="{color}"/>')
        body.append(f'<text x="{x + 14:g}" y="{y + 9:g}">{escape(name)}</text>')
    for i, category in enumerate(categories):
        y = top + i * row_height
        label = category if len(category) <= 32 else category[:31] + "…"
        body.append(
            f'<text x="{label_width - 6}" y="{y + row_height / 2 + 4:.1f}" text-anchor="end">{escape(label)}</text>'
        )
        x = label_width
        bar_h = (row_height - 6) / (1 if stacked else max(len(series), 1))
        for j, item in enumerate(series):
            value = item.values[i]
            w = plot_w * value / top_value
            color = item.color or PALETTE[j % len(PALETTE)]
            bar_y = y + 3 + (0 if stacked else j * bar_h)
            body.append(
                f'<rect x="{x:.1f}" y="{bar_y:.1f}" width="{w:.1f}" height="{bar_h:.1f}" fill="{color}">'
                f"<title>{escape(category)}: {escape(item.name)} {escape(item.text(i))}</title></rect>"
            )
            if stacked:
                x += w
            else:
                body.append(
                    f'<text x="{x + w + 3:.1f}" y="{bar_y + bar_h - 2:.1f}">{escape(item.text(i))}</text>'
                )
        if stacked:
            # One series: its figure as the table prints it ("—", "< 3"), never the 0 its bar
            # is drawn at; several: the sum of what they draw.
            end = series[0].text(i) if len(series) == 1 else _number(totals[i])
            body.append(f'<text x="{x + 4:.1f}" y="{y + row_height / 2 + 4:.1f}">{escape(end)}</text>')
    description = "; ".join(
        f"{category}: " + ", ".join(f"{s.name} {s.text(i)}" for s in series)
        for i, category in enumerate(categories)
    )
    return _svg(width, height, title, description, body)


def funnel_chart(stages: Sequence[tuple[str, object]], *, title: str, width: int = 640) -> Chart:
    """Stages of a path (received → interviewed → … → employed), each bar beside its count:
    (label, report cell) pairs (`Series.of_cells`)."""
    return hbar_chart(
        [label for label, _cell in stages],
        [Series.of_cells(title, [cell for _label, cell in stages], color=PALETTE[0])],
        title=title,
        width=width,
        label_width=240,
    )


# --- The twelve counties as a tile map ------------------------------------------------------------

#: Albania's twelve counties as tiles (column, row), each roughly where it lies: no boundary
#: data ships with a package we use, and equal tiles let a small county read as well as a
#: large one.
TILES: dict[str, tuple[int, int]] = {
    "Shkodër": (1, 0),
    "Kukës": (2, 0),
    "Lezhë": (1, 1),
    "Dibër": (2, 1),
    "Durrës": (0, 2),
    "Tiranë": (1, 2),
    "Elbasan": (2, 2),
    "Fier": (0, 3),
    "Berat": (1, 3),
    "Korçë": (2, 3),
    "Vlorë": (0, 4),
    "Gjirokastër": (1, 4),
}
#: Sequential blues (ColorBrewer "Blues"), light to dark: readable in grey too.
SHADES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]


@dataclass(frozen=True)
class Tile:
    """A county on the map: `value` shades it (None: no number to draw — not reported,
    hidden or not yet published — left white and dashed), `text` is what it reads."""

    name: str
    value: float | None
    text: str


def _shade_steps(top: float) -> list[tuple[int, str]]:
    """(upper limit, shade) of each step: the top count cut in at most len(SHADES) whole
    steps (fewer when the counts are small), spread over the light-to-dark range."""
    limits = sorted({max(1, math.ceil(top * (i + 1) / len(SHADES))) for i in range(len(SHADES))})
    last = len(limits) - 1
    return [
        (limit, SHADES[round(i * (len(SHADES) - 1) / last) if last else len(SHADES) // 2])
        for i, limit in enumerate(limits)
    ]


def tile_map(tiles: Sequence[Tile], *, title: str, tile: int = 92, gap: int = 4) -> Chart:
    """The counties as squares placed as on the map (`TILES`; a name not there goes on a
    row below), each shaded by its value and reading its name and text."""
    columns = 1 + max(c for c, _r in TILES.values())
    rows = 1 + max(r for _c, r in TILES.values())
    extra = [t for t in tiles if t.name not in TILES]
    places = {t.name: TILES[t.name] for t in tiles if t.name in TILES}
    for index, item in enumerate(extra):
        places[item.name] = (index % columns, rows + index // columns)
    height_rows = rows + (len(extra) + columns - 1) // columns
    legend_w = 150
    width = columns * (tile + gap) + legend_w
    height = max(height_rows * (tile + gap), len(SHADES) * 18 + 20)
    drawn = [t.value for t in tiles if t.value is not None]
    top = max(drawn, default=0) or 1
    steps = _shade_steps(top)
    body = []
    for item in tiles:
        column, row = places[item.name]
        x, y = column * (tile + gap), row * (tile + gap)
        if item.value is None:
            fill, ink, stroke = "#ffffff", "#333333", ' stroke="#777777" stroke-dasharray="4 3"'
        else:
            fill = next((shade for limit, shade in steps if item.value <= limit), steps[-1][1])
            ink, stroke = "#ffffff" if SHADES.index(fill) >= 3 else "#111111", ""
        body.append(
            f'<rect x="{x}" y="{y}" width="{tile}" height="{tile}" fill="{fill}"{stroke}>'
            f"<title>{escape(item.name)}: {escape(item.text)}</title></rect>"
        )
        body.append(
            f'<text x="{x + tile / 2:g}" y="{y + tile / 2 - 4:g}" text-anchor="middle" fill="{ink}" '
            f'font-weight="bold">{escape(item.name)}</text>'
        )
        text = item.text if len(item.text) <= 19 else item.text[:18] + "…"
        body.append(
            f'<text x="{x + tile / 2:g}" y="{y + tile / 2 + 12:g}" text-anchor="middle" fill="{ink}" '
            f'font-size="9">{escape(text)}</text>'
        )
    x0 = columns * (tile + gap) + 10
    low = 0
    for index, (limit, shade) in enumerate(steps):
        y = 10 + index * 18
        body.append(f'<rect x="{x0}" y="{y}" width="14" height="14" fill="{shade}" stroke="#999"/>')
        span = _number(low) if low == limit else f"{_number(low)}–{_number(limit)}"
        body.append(f'<text x="{x0 + 20}" y="{y + 11}">{span}</text>')
        low = limit + 1
    description = "; ".join(f"{t.name}: {t.text}" for t in tiles)
    return _svg(width, height, title, description, body)
