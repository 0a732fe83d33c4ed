"""Charts drawn as SVG on the server: named for screen readers, every value printed, series
told apart without colour, every piece of text escaped. Pure: no database."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils.safestring import SafeString

from outcomes.selectors.reports.base import Chart, Series, Unit
from web.charts import chart_svg, chart_table, nice_ticks, value_text

SVG = "{http://www.w3.org/2000/svg}"


def bar(**changes) -> Chart:
    values = {
        "key": "ks4-a8", "title": "Attainment 8 by year", "kind": "bar", "unit": Unit.POINTS,
        "description": "Children in care scored 19.2 points in 2025, against 45.9 nationally.",
        "series": (
            Series("Children in care", (("KS2", Decimal("41.0")), ("KS4", Decimal("19.2")))),
            Series("All children nationally", (("KS2", Decimal("61.0")), ("KS4", None))),
        ),
    }
    return Chart(**{**values, **changes})


def line(**changes) -> Chart:
    values = {
        "key": "trend", "title": "Gap over time", "kind": "line", "unit": Unit.PERCENT,
        "description": "The gap grew by 2.1 points since 2022.",
        "series": (
            Series("Children in care", (("2022", Decimal("20.0")), ("2023", None),
                                        ("2024", Decimal("22.5")), ("2025", Decimal("23.0")))),
            Series("National", (("2022", Decimal("60.0")), ("2023", Decimal("61.0")),
                                ("2024", Decimal("61.5")), ("2025", Decimal("62.0")))),
        ),
    }
    return Chart(**{**values, **changes})


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - our own markup, parsed to check it


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iter(f"{SVG}text")]


def test_a_bar_chart_is_a_named_image_with_its_values_printed():
    markup = chart_svg(bar())
    assert isinstance(markup, SafeString)
    root = parse(markup)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Attainment 8 by year"
    assert desc.text.startswith("Children in care scored 19.2 points")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    words = texts(root)
    for value in ("41.0", "19.2", "61.0", "no figure"):   # every value, and the missing one
        assert value in words
    for label in ("KS2", "KS4", "Children in care", "All children nationally", "Points"):
        assert label in words   # categories, legend and the axis title
    assert "<script" not in markup and "on" + "load" not in markup


def test_bar_series_differ_by_pattern_not_colour_alone():
    root = parse(chart_svg(bar()))
    patterns = root.findall(f"{SVG}defs/{SVG}pattern")
    assert len(patterns) == 2
    # The second series' pattern has marks over its colour; the first is plain.
    assert len(list(patterns[0])) == 1 and len(list(patterns[1])) > 1
    fills = {rect.get("fill") for rect in root.iter(f"{SVG}rect") if rect.get("height") == "24"}
    assert fills == {f"url(#{patterns[0].get('id')})", f"url(#{patterns[1].get('id')})"}


def test_negative_values_draw_left_of_zero():
    chart = bar(unit=Unit.PP, series=(Series("Gap", (("KS2", Decimal("-12.5")),
                                                      ("KS4", Decimal("3.0")))),))
    root = parse(chart_svg(chart))
    assert "-12.5 pp" in texts(root) and "3.0 pp" in texts(root)
    assert "Percentage points" in texts(root)
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("height") == "24"]
    assert float(bars[0].get("x")) < float(bars[1].get("x"))   # the negative bar starts left


def test_a_line_chart_has_a_shape_and_dash_per_series_and_breaks_at_a_gap():
    root = parse(chart_svg(line()))
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Gap over time"
    paths = [p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]
    # Children in care: 2022 alone, then 2024-2025 (2023 missing); national: one line.
    assert len(paths) == 2
    assert {p.get("stroke-dasharray") for p in paths} == {None, "10 5"}
    assert any(True for _ in root.iter(f"{SVG}circle"))      # first series: circles
    assert any(r.get("width") == "12" for r in root.iter(f"{SVG}rect"))   # second: squares
    words = texts(root)
    for value in ("20.0%", "22.5%", "23.0%", "62.0%", "2022", "2025", "Percentage of children"):
        assert value in words
    assert "60%" in words   # a tick on the value axis


def test_every_piece_of_text_is_escaped():
    nasty = '<script>alert("x")</script> & "quotes"'
    chart = bar(key='"><img src=x>', title=nasty, description=nasty,
                series=(Series(nasty, ((nasty, Decimal("1")),)),))
    for drawn in (chart_svg(chart), chart_svg(line(title=nasty, description=nasty,
                                                   series=chart.series))):
        assert "<script" not in drawn and "<img" not in drawn
        root = parse(drawn)   # still well-formed
        assert root.find(f"{SVG}title").text == nasty
        assert nasty in texts(root)


def test_two_charts_on_one_page_have_distinct_ids():
    first, second = chart_svg(bar(), id_prefix="chart-0-"), chart_svg(bar(), id_prefix="chart-1-")
    ids = [e.get("id") for markup in (first, second) for e in parse(markup).iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_an_empty_chart_says_so():
    root = parse(chart_svg(bar(series=())))
    assert "There are no figures to draw." in texts(root)
    root = parse(chart_svg(line(series=(Series("Nobody", (("2025", None),)),))))
    assert "There are no figures to draw." in texts(root)


def test_ticks_are_round_and_cover_the_values():
    assert nice_ticks(0, 45.9) == [0, 10, 20, 30, 40, 50]
    assert nice_ticks(-12.5, 3) == [-15, -10, -5, 0, 5]
    assert nice_ticks(0, 0) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    assert value_text(Decimal("1234.5"), Unit.DAYS) == "1,234.5 days"
    assert value_text(None, Unit.PERCENT) == "no figure"


def test_the_chart_as_a_table():
    columns, rows = chart_table(bar())
    assert columns == ["Children in care", "All children nationally"]
    assert rows == [("KS2", ["41.0", "61.0"]), ("KS4", ["19.2", "no figure"])]


def test_a_long_trend_prints_only_each_lines_latest_value():
    years = [str(y) for y in range(2001, 2026)]
    chart = line(series=(Series("Children in care", tuple(
        (year, Decimal(n)) for n, year in enumerate(years))),))
    words = texts(parse(chart_svg(chart)))
    assert "24%" in words and "23%" not in words and "0%" in words   # 0% is a tick
    assert "2025" in words and "2024" not in words   # year labels thinned from the latest
    _, rows = chart_table(chart)
    assert rows[23] == ("2024", ["23%"])   # every value is still in the chart's table


def test_labels_where_lines_meet_stack_instead_of_overlapping():
    chart = line(series=(Series("A", (("2024", Decimal("50.0")), ("2025", Decimal("99.0")))),
                         Series("B", (("2024", Decimal("10.0")), ("2025", Decimal("98.5")))),
                         Series("C", (("2024", Decimal("90.0")), ("2025", Decimal("99.0"))))))
    root = parse(chart_svg(chart))
    plot = root.find(f"{SVG}g")
    shift = float(plot.get("transform").split()[1].rstrip(")"))
    at_2025 = sorted(float(t.get("y")) for t in plot.iter(f"{SVG}text")
                     if t.text in ("99.0%", "98.5%"))
    assert len(at_2025) == 3
    assert all(b - a >= 18 for a, b in itertools.pairwise(at_2025))
    # Stacked upwards from the points, on a halo, and still below the legend.
    highest_point = min(float(c.get("cy")) for c in plot.iter(f"{SVG}circle"))
    assert max(at_2025) < highest_point
    legend = float(next(t.get("y") for t in root.iter(f"{SVG}text") if t.text == "A"))
    assert min(at_2025) + shift > legend + 10
    assert {t.get("paint-order") for t in plot.iter(f"{SVG}text")
            if t.text == "99.0%"} == {"stroke"}
