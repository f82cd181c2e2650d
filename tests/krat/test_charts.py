import base64
import xml.etree.ElementTree as ET

from krat.charts import Series, bar_chart, funnel_chart, hbar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ET.fromstring(str(chart.svg))


def test_a_bar_chart_is_valid_svg_with_one_bar_per_value_and_an_accessible_name():
    chart = bar_chart(
        ["Janar", "Korrik"],
        [Series("2026", [3, 12]), Series("2025", [1, 9])],
        title="Fëmijë në situatë rruge",
        highlight=[1],
    )
    root = parse(chart)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Fëmijë në situatë rruge"
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [b.find(f"{SVG}title").text for b in bars] == [
        "Janar: 2026 3",
        "Janar: 2025 1",
        "Korrik: 2026 12",
        "Korrik: 2025 9",
    ]
    assert "Korrik: 2026 12, 2025 9" in root.find(f"{SVG}desc").text


def test_taller_values_draw_taller_bars():
    root = parse(bar_chart(["a", "b"], [Series("s", [2, 8])], title="t"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert float(bars[1].get("height")) == 4 * float(bars[0].get("height"))


def test_labels_are_escaped_so_user_text_cannot_inject_markup():
    chart = hbar_chart(['<script>alert("x")</script>'], [Series("s", [1])], title="<b>t</b>")
    assert "<script>" not in str(chart.svg)
    assert "&lt;script&gt;" in str(chart.svg)
    parse(chart)


def test_a_funnel_keeps_stage_order_and_zero_data_still_draws():
    from krat.suppression import exact

    chart = funnel_chart(
        [("Të pritur", exact(40)), ("Të intervistuar", exact(30)), ("Të punësuar", exact(0))],
        title="Punësimi",
    )
    text = str(chart.svg)
    assert text.index("Të pritur") < text.index("Të intervistuar") < text.index("Të punësuar")
    parse(bar_chart(["a"], [Series("s", [0])], title="empty"))


def test_a_chart_reads_a_figure_as_its_table_prints_it_never_0_for_no_value():
    """No value and a withheld count are drawn without a bar, and read as the table prints them."""
    from krat.suppression import exact, no_value, withheld

    cells = [exact(4), no_value(), withheld(2)]
    for chart in (
        bar_chart(["a", "b", "c"], [Series.of_cells("Viktima", cells)], title="t"),
        funnel_chart([("a", cells[0]), ("b", cells[1]), ("c", cells[2])], title="t"),
    ):
        parse(chart)
        description = str(chart.svg).split("<desc>", 1)[1].split("</desc>", 1)[0]
        assert description.count(" 0") == 0, description
        name = "Viktima" if "Viktima" in description else "t"
        assert description == f"a: {name} 4; b: {name} —; c: {name} x", description
    # The funnel's figure beside each bar reads as the table too (found drawing 0 for "—").
    labels = [t.text for t in ET.fromstring(str(chart.svg)).iter(f"{SVG}text")]
    assert labels == ["a", "4", "b", "—", "c", "x"], labels


def test_the_data_uri_carries_the_same_svg_for_pdfs():
    chart = bar_chart(["a"], [Series("s", [1])], title="t")
    assert base64.b64decode(chart.data_uri.split(",", 1)[1]).decode() == str(chart.svg)


def test_a_chart_prints_as_markup_in_a_template():
    from django.template import Context, Template

    chart = bar_chart(["a"], [Series("s", [1])], title="t")
    assert Template("{{ chart }}").render(Context({"chart": chart})).startswith("<svg")


def test_the_tile_map_places_the_twelve_counties_and_reads_every_one():
    from krat.charts import TILES, Tile, tile_map

    tiles = [Tile(name, float(i), str(i)) for i, name in enumerate(TILES)]
    tiles[3] = Tile(tiles[3].name, None, "nuk ka raportuar")
    svg = str(tile_map([*tiles, Tile("Qarku i ri", 2.0, "2")], title="Viktima <b>").svg)
    assert svg.count("<rect") == 13 + 5  # a tile per county (one not on the map) and the legend
    assert "Viktima &lt;b&gt;" in svg and 'stroke-dasharray="4 3"' in svg  # no number: dashed
    assert all(name in svg for name in TILES) and "Qarku i ri" in svg
