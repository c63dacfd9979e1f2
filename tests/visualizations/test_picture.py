"""Pictures for slides: projector size, not blank, same colours and legend, the same every time."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pytest
from matplotlib import image

from citykg.errors import QueryError
from visualizations.network import build_network
from visualizations.picture import render_picture
from visualizations.style import KIND_STYLES


def pixels(png: bytes) -> np.ndarray:
    return image.imread(io.BytesIO(png), format="png")


def test_png_has_projector_size_and_is_not_blank(small_graph):
    picture = pixels(render_picture(small_graph(), date=date(2025, 1, 1)))
    assert picture.shape[:2] == (1080, 1920)
    rgb = (picture[:, :, :3] * 255).round().astype(int)
    assert (rgb < 250).any(axis=2).mean() > 0.005, "more than a few pixels are drawn"
    project = tuple(int(KIND_STYLES["project"].colour[i : i + 2], 16) for i in (1, 3, 5))
    assert (np.abs(rgb - project).sum(axis=2) < 6).sum() > 50, "the project's colour is on the picture"


def test_other_sizes_on_request(small_graph):
    assert pixels(render_picture(small_graph(), width=1280, height=720)).shape[:2] == (720, 1280)


def test_the_same_graph_gives_the_same_picture(small_graph):
    for fmt in ("png", "svg"):
        first = render_picture(small_graph(), fmt=fmt, date=date(2025, 1, 1))
        assert first == render_picture(small_graph(), fmt=fmt, date=date(2025, 1, 1))


def test_svg_has_title_legend_and_date_as_text(small_graph):
    svg = render_picture(small_graph(lang="en"), fmt="svg", title="Partners", date=date(2025, 1, 1)).decode()
    for text in ("Partners", "Legend", "Organisations (1)", "Projects (1)", "Generated on 2025-01-01"):
        assert text in svg
    assert "http://" not in svg.replace("http://www.w3.org", "").replace("http://purl.org", "").replace("http://creativecommons.org", "")


def test_an_empty_map_is_a_picture_with_its_message():
    svg = render_picture(build_network([], lang="ro"), fmt="svg").decode()
    assert "Nicio entitate nu corespunde acestor filtre." in svg


def test_unknown_picture_format(small_graph):
    with pytest.raises(QueryError, match="one of png, svg"):
        render_picture(small_graph(), fmt="gif")
