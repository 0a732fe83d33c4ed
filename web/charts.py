"""A report's charts drawn as SVG on the server: no JavaScript, readable by screen readers
(`role="img"` named by the chart's `<title>` and `<desc>`), printable.

Series are told apart by pattern (bars) or by marker shape and line dash (lines) as well as by
colour, and every value is printed beside its bar or point, so nothing rests on colour alone.
Pure functions of a `Chart`: every piece of text is escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from outcomes.selectors.reports.base import Chart, Series, Unit

# GOV.UK Frontend's colours: blue, orange, purple, green, pink, dark grey.
PALETTE = ("#1d70b8", "#f47738", "#4c2c92", "#00703c", "#d53880", "#505a5f")
PATTERNS = ("solid", "diagonal", "dots", "crosshatch", "horizontal", "vertical")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "triangle-down")
DASHES = ("", "10 5", "3 4", "14 4 3 4", "6 3", "2 2")

TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "arial, sans-serif"
FONT_SIZE = 16
WIDTH = 720
CHAR_WIDTH = 8.2            # an average character of 16px Arial, for laying out labels

AXIS_TITLES = {
    Unit.PERCENT: "Percentage of children",
    Unit.POINTS: "Points",
    Unit.PP: "Percentage points",
    Unit.COUNT: "Number of children",
    Unit.DAYS: "Days",
}
NO_FIGURE = "no figure"


def value_text(value: Decimal | float | None, unit: Unit) -> str:
    """A value as printed on the chart: "45.0%", "-2.1 pp", "31.5"."""
    if value is None:
        return NO_FIGURE
    number = f"{value:,f}" if isinstance(value, Decimal) else f"{value:,g}"
    return number + {Unit.PERCENT: "%", Unit.PP: " pp", Unit.DAYS: " days"}.get(unit, "")


def nice_ticks(low: float, high: float, target: int = 5) -> list[float]:
    """Round tick values covering `low`..`high` (which include 0), about `target` of them."""
    if high == low:
        high = low + 1
    raw = (high - low) / target
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    count = round((end - start) / step)
    return [round(start + i * step, 10) for i in range(count + 1)]


def _tick_text(value: float, unit: Unit) -> str:
    text = f"{value:,.10g}"
    return text + ("%" if unit == Unit.PERCENT else "")


def _id(chart: Chart, prefix: str) -> str:
    return prefix + (re.sub(r"[^a-z0-9-]+", "-", chart.key.lower()).strip("-") or "chart")


def _attrs(**attributes: object) -> str:
    return " ".join(f'{name.rstrip("_").replace("_", "-")}="{escape(str(value))}"'
                     for name, value in attributes.items() if value is not None)


def _text(x: float, y: float, words: str, **attributes: object) -> str:
    return (f'<text {_attrs(x=_n(x), y=_n(y), **attributes)}>{escape(words)}</text>')


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _wrap(words: str, width: int) -> list[str]:
    """Split a label into lines of at most `width` characters (a longer word stays whole)."""
    lines: list[str] = []
    for word in words.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


# --- Patterns, markers and the legend --------------------------------------------------------

def _pattern(pattern_id: str, index: int) -> str:
    colour, kind = PALETTE[index % len(PALETTE)], PATTERNS[index % len(PATTERNS)]
    marks = {
        "solid": "",
        "diagonal": '<path d="M-2 2 L2 -2 M0 8 L8 0 M6 10 L10 6" stroke="#ffffff" '
                    'stroke-width="2"/>',
        "dots": '<circle cx="4" cy="4" r="1.8" fill="#ffffff"/>',
        "crosshatch": '<path d="M0 0 L8 8 M8 0 L0 8" stroke="#ffffff" stroke-width="1.5"/>',
        "horizontal": '<path d="M0 4 L8 4" stroke="#ffffff" stroke-width="2"/>',
        "vertical": '<path d="M4 0 L4 8" stroke="#ffffff" stroke-width="2"/>',
    }[kind]
    return (f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>')


def _marker(shape: str, x: float, y: float, colour: str, size: float = 6) -> str:
    s = size
    match shape:
        case "circle":
            return f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(s)}" fill="{colour}"/>'
        case "square":
            return (f'<rect x="{_n(x - s)}" y="{_n(y - s)}" width="{_n(2 * s)}" '
                    f'height="{_n(2 * s)}" fill="{colour}"/>')
        case "triangle":
            points = f"{_n(x)},{_n(y - s - 1)} {_n(x + s + 1)},{_n(y + s)} {_n(x - s - 1)},{_n(y + s)}"
        case "triangle-down":
            points = f"{_n(x)},{_n(y + s + 1)} {_n(x + s + 1)},{_n(y - s)} {_n(x - s - 1)},{_n(y - s)}"
        case "diamond":
            points = (f"{_n(x)},{_n(y - s - 1)} {_n(x + s + 1)},{_n(y)} {_n(x)},{_n(y + s + 1)} "
                      f"{_n(x - s - 1)},{_n(y)}")
        case _:  # cross
            return (f'<path d="M{_n(x - s)} {_n(y - s)} L{_n(x + s)} {_n(y + s)} M{_n(x + s)} '
                    f'{_n(y - s)} L{_n(x - s)} {_n(y + s)}" stroke="{colour}" '
                    f'stroke-width="3"/>')
    return f'<polygon points="{points}" fill="{colour}"/>'


@dataclass
class _Legend:
    markup: str
    height: float


def _legend(series: Sequence[Series], key: str, *, top: float, left: float, lines: bool) -> _Legend:
    """Each series' swatch (its pattern, or its line and marker) and name, wrapping rows."""
    parts, x, y = [], left, top
    for index, item in enumerate(series):
        width = 28 + len(item.label) * CHAR_WIDTH + 24
        if x > left and x + width > WIDTH:
            x, y = left, y + 26
        colour = PALETTE[index % len(PALETTE)]
        if lines:
            dash = DASHES[index % len(DASHES)]
            parts.append(f'<line x1="{_n(x)}" y1="{_n(y + 8)}" x2="{_n(x + 22)}" '
                         f'y2="{_n(y + 8)}" stroke="{colour}" stroke-width="3"'
                         + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
            parts.append(_marker(MARKERS[index % len(MARKERS)], x + 11, y + 8, colour, 5))
        else:
            parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="18" height="18" '
                         f'fill="url(#{key}-pattern-{index})" stroke="{TEXT}" stroke-width="1"/>')
        parts.append(_text(x + 28, y + 14, item.label, fill=TEXT))
        x += width
    return _Legend("".join(parts), y - top + 26 if series else 0)


def _svg(chart: Chart, key: str, height: float, body: str, defs: str = "") -> SafeString:
    return mark_safe(  # noqa: S308 - every piece of text above went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="waymark-chart__svg" role="img" '
        f'focusable="false" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}" '
        f'aria-labelledby="{key}-title {key}-desc">'
        f'<title id="{key}-title">{escape(chart.title)}</title>'
        f'<desc id="{key}-desc">{escape(chart.description)}</desc>'
        + (f"<defs>{defs}</defs>" if defs else "")
        + body + "</svg>")


def _categories(series: Sequence[Series]) -> list[str]:
    seen: dict[str, None] = {}
    for item in series:
        for label, _ in item.points:
            seen.setdefault(label, None)
    return list(seen)


def _values(series: Sequence[Series]) -> list[float]:
    return [float(value) for item in series for _, value in item.points if value is not None]


def _empty(chart: Chart, key: str) -> SafeString:
    return _svg(chart, key, 60, _text(10, 35, "There are no figures to draw.", fill=TEXT))


# --- Bar chart (horizontal, grouped) ---------------------------------------------------------

BAR = 24
BAR_GAP = 4
GROUP_GAP = 20


def bar_chart(chart: Chart, *, id_prefix: str = "chart-") -> SafeString:
    """One group of horizontal bars per category (the x labels), one bar per series, each with
    its value printed at its end."""
    key = _id(chart, id_prefix)
    categories, values = _categories(chart.series), _values(chart.series)
    if not categories or not chart.series:
        return _empty(chart, key)
    ticks = nice_ticks(min([0.0, *values]), max([0.0, *values]))
    low, high = ticks[0], ticks[-1]
    label_chars = min(max(len(c) for c in categories), 28)
    left = 12 + max(40, label_chars * CHAR_WIDTH)
    right = WIDTH - 110                  # room for the value printed after the longest bar
    legend = _legend(chart.series, key, top=10, left=12, lines=False)
    top = 10 + legend.height + 10

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * (right - left)

    points = {(i, label): value for i, item in enumerate(chart.series)
              for label, value in item.points}
    body, y = [], top
    group_height = len(chart.series) * (BAR + BAR_GAP) - BAR_GAP
    for category in categories:
        lines = _wrap(category, 28)
        first = y + group_height / 2 - (len(lines) - 1) * 9 + 5
        body.append("".join(_text(left - 8, first + n * 18, line, fill=TEXT,
                                   text_anchor="end") for n, line in enumerate(lines)))
        for index in range(len(chart.series)):
            value = points.get((index, category))
            middle = y + BAR / 2 + 5
            if value is None:
                body.append(_text(x(0) + 6, middle, NO_FIGURE, fill=TEXT, font_style="italic"))
            else:
                start, end = sorted((x(0), x(float(value))))
                body.append(f'<rect x="{_n(start)}" y="{_n(y)}" width="{_n(max(end - start, 1))}" '
                            f'height="{BAR}" fill="url(#{key}-pattern-{index})" '
                            f'stroke="{TEXT}" stroke-width="1"/>')
                label_x = x(float(value)) + 6 if value >= 0 else x(0) + 6
                body.append(_text(label_x, middle, value_text(value, chart.unit), fill=TEXT,
                                  font_weight="bold"))
            y += BAR + BAR_GAP
        y += GROUP_GAP - BAR_GAP
    bottom = y - GROUP_GAP + 10
    axis = []
    for tick in ticks:
        axis.append(f'<line x1="{_n(x(tick))}" y1="{_n(top - 4)}" x2="{_n(x(tick))}" '
                    f'y2="{_n(bottom)}" stroke="{GRID}" stroke-width="1"/>')
        axis.append(_text(x(tick), bottom + 20, _tick_text(tick, chart.unit), fill=TEXT,
                          text_anchor="middle"))
    axis.append(f'<line x1="{_n(x(0))}" y1="{_n(top - 4)}" x2="{_n(x(0))}" y2="{_n(bottom)}" '
                f'stroke="{TEXT}" stroke-width="2"/>')
    axis.append(_text((left + right) / 2, bottom + 46, AXIS_TITLES.get(chart.unit, ""),
                      fill=TEXT, text_anchor="middle", font_weight="bold"))
    defs = "".join(_pattern(f"{key}-pattern-{i}", i) for i in range(len(chart.series)))
    return _svg(chart, key, bottom + 60, legend.markup + "".join(axis) + "".join(body), defs)


# --- Line chart (a trend) --------------------------------------------------------------------

PLOT_HEIGHT = 280
LABEL_ROOM = 60             # the width a printed value needs beside its neighbours
LABEL_HEIGHT = 18


def line_chart(chart: Chart, *, id_prefix: str = "chart-") -> SafeString:
    """One line per series across the categories (the years), a distinct marker and dash for
    each, each point's value printed beside it. A missing value breaks the line."""
    key = _id(chart, id_prefix)
    categories, values = _categories(chart.series), _values(chart.series)
    if not categories or not values:
        return _empty(chart, key)
    ticks = nice_ticks(min([0.0, *values]), max([0.0, *values]))
    low, high = ticks[0], ticks[-1]
    legend = _legend(chart.series, key, top=10, left=12, lines=True)
    tick_width = max(len(_tick_text(t, chart.unit)) for t in ticks) * CHAR_WIDTH
    left = 40 + tick_width
    right = WIDTH - 50
    top = 10 + legend.height + 24
    bottom = top + PLOT_HEIGHT
    step = (right - left) / len(categories)

    def x(index: int) -> float:
        return left + step * (index + 0.5)

    def y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    axis = []
    for tick in ticks:
        axis.append(f'<line x1="{_n(left)}" y1="{_n(y(tick))}" x2="{_n(right)}" '
                    f'y2="{_n(y(tick))}" stroke="{GRID if tick else TEXT}" '
                    f'stroke-width="{2 if tick == 0 else 1}"/>')
        axis.append(_text(left - 8, y(tick) + 5, _tick_text(tick, chart.unit), fill=TEXT,
                          text_anchor="end"))
    # Label every `every`th category, counted back from the latest, so labels never touch.
    widest = max(len(category) for category in categories) + 2
    every = max(1, math.ceil(widest * CHAR_WIDTH / step))
    for index, category in enumerate(categories):
        if (len(categories) - 1 - index) % every == 0:
            axis.append(_text(x(index), bottom + 24, category, fill=TEXT, text_anchor="middle"))
    axis.append(f'<line x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left)}" y2="{_n(bottom)}" '
                f'stroke="{TEXT}" stroke-width="1"/>')
    middle = (top + bottom) / 2
    axis.append(_text(14, middle, AXIS_TITLES.get(chart.unit, ""), fill=TEXT,
                      text_anchor="middle", font_weight="bold",
                      transform=f"rotate(-90 14 {_n(middle)})"))
    body = []
    labels: dict[int, list[tuple[float, str]]] = {}
    for index, item in enumerate(chart.series):
        colour = PALETTE[index % len(PALETTE)]
        dash = DASHES[index % len(DASHES)]
        by_category = dict(item.points)
        segments: list[list[tuple[float, float]]] = [[]]
        for position, category in enumerate(categories):
            value = by_category.get(category)
            if value is None:
                segments.append([])
            else:
                segments[-1].append((x(position), y(float(value))))
        for segment in segments:
            if len(segment) > 1:
                path = " ".join(f"{'M' if n == 0 else 'L'}{_n(px)} {_n(py)}"
                                for n, (px, py) in enumerate(segment))
                body.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="3"'
                            + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")
        # When the points are too close for every value, only each line's latest is printed
        # (every value is in the chart's table below it).
        shown = [p for p, c in enumerate(categories) if by_category.get(c) is not None]
        labelled = shown if step >= LABEL_ROOM else shown[-1:]
        for position in shown:
            value = by_category[categories[position]]
            py = y(float(value))
            body.append(_marker(MARKERS[index % len(MARKERS)], x(position), py, colour))
            if position in labelled:
                labels.setdefault(position, []).append((py, value_text(value, chart.unit)))
    # Each value just above its point; where lines meet, the labels stack upwards rather than
    # overlap, on a white halo so a line crossing them does not hide them.
    placed: list[tuple[float, float, str]] = []
    for position, stack in labels.items():
        above = math.inf
        for py, words in sorted(stack, reverse=True):
            above = min(py - 12, above - LABEL_HEIGHT)
            placed.append((x(position), above, words))
    # Room for the highest label below the legend: the plot moves down if it needs to.
    shift = max(0.0, 10 + legend.height + LABEL_HEIGHT - min((ly for _, ly, _ in placed),
                                                             default=math.inf))
    body += [_text(lx, ly, words, fill=TEXT, text_anchor="middle", font_weight="bold",
                   stroke="#ffffff", stroke_width=4, paint_order="stroke")
             for lx, ly, words in placed]
    return _svg(chart, key, bottom + 40 + shift,
                legend.markup + f'<g transform="translate(0 {_n(shift)})">' + "".join(axis)
                + "".join(body) + "</g>")


def chart_svg(chart: Chart, *, id_prefix: str = "chart-") -> SafeString:
    """The chart as inline SVG markup, safe to put in a page."""
    if chart.kind == "line":
        return line_chart(chart, id_prefix=id_prefix)
    return bar_chart(chart, id_prefix=id_prefix)


def chart_table(chart: Chart) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The chart's figures as a table (series across, categories down), for those who would
    rather read than look."""
    categories = _categories(chart.series)
    by_series = [dict(item.points) for item in chart.series]
    return ([item.label for item in chart.series],
            [(category, [value_text(points.get(category), chart.unit) for points in by_series])
             for category in categories])
