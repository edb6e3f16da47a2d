"""Plotly charts for the report notebooks: labels a seller reads, rates as percentages, and
figures displayed as HTML *without* plotly.js.

The report renderer (`pipeline.reports`) embeds plotly.js once in the page head of every report
that has a chart, so a report opens offline and never asks a CDN for anything; the figures
here only carry their data and a `Plotly.newPlot` call. Outside a report (JupyterLab) the same
output also carries plotly's own MIME type, which JupyterLab draws itself.

Text that comes from buyers or exports (reason texts, product names, store names) is HTML-
escaped before plotly sees it: plotly draws a few tags (`<b>`, `<br>`) in labels and hovers.

Figures are plain dicts in plotly's JSON schema ({"data": [...], "layout": {...}}), written out
without plotly's Python validation: building `plotly.graph_objects` figures cost a report a
third of its time, for nothing the browser needs.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence

import pandas as pd
import plotly.io as pio

from pipeline.i18n import _, label, month_short, percent, short_day


def rate_label(rate: str) -> str:
    """What a seller calls each rate of the metrics API."""
    return {
        "sold_not_shipped_rate": _("Sold, not shipped"),
        "late_shipment_rate": _("Late shipments"),
        "pre_fulfilment_cancel_rate": _("Cancelled by the seller before shipping"),
    }.get(rate, rate)


SELLER_FAULT = "#c62828"  # red: counts against the store
NOT_FAULT = "#90a4ae"  # grey-blue: the buyer's or nobody's doing
ACCENT = "#1565c0"
RATE_COLOURS = {
    "sold_not_shipped_rate": "#c62828",
    "late_shipment_rate": "#ef6c00",
    "pre_fulfilment_cancel_rate": "#6a1b9a",
}
# Latin text in the system's UI font, Chinese in the first CJK font the viewer has: macOS
# (PingFang SC, Hiragino Sans GB), Windows (Microsoft YaHei), Linux (Noto Sans CJK SC from
# fonts-noto-cjk, Source Han Sans SC, WenQuanYi Micro Hei). report.css names the same stack.
FONT = (
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'PingFang SC', "
    "'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', "
    "'WenQuanYi Micro Hei', sans-serif"
)
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
GRID = "#eceff1"
Figure = dict


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def reason_label(code: str) -> str:
    """A cancel reason in the platform's wording (商品缺货 / Out of stock), as a chart or table label."""
    return _capital(label("cancel_reason", code))


def cause_label(code: str) -> str:
    """A close cause in the platform's wording (卖家发货超时 / Seller did not ship in time)."""
    return _capital(label("close_cause", code))


def escape(text: object) -> str:
    """Buyer- or export-supplied text, safe inside a plotly label or hover."""
    return "" if text is None or (isinstance(text, float) and pd.isna(text)) else html.escape(str(text))


def _axis(**settings: object) -> dict:
    return {
        "gridcolor": GRID,
        "zerolinecolor": "#cfd8dc",
        "linecolor": "#cfd8dc",
        "automargin": True,
    } | settings


def figure(data: list[dict], *, title: str, height: int, **layout: object) -> Figure:
    """A figure with the common look: white background, a left-aligned title, readable fonts."""
    settings: dict = {
        "title": {"text": html.escape(title), "x": 0.01, "xanchor": "left", "font": {"size": 17}},
        "font": {"family": FONT, "size": 13, "color": "#263238"},
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 60, "b": 40},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
        "hoverlabel": {"font": {"family": FONT}},
        "colorway": [ACCENT, "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f", "#ad1457"],
    }
    for axis in ("xaxis", "yaxis"):
        settings[axis] = _axis(**layout.pop(axis, {}))
    return {"data": data, "layout": settings | layout}


def figure_html(fig: Figure) -> str:
    """The figure as a <div> and its Plotly.newPlot call, without plotly.js itself."""
    return pio.to_html(
        fig,
        validate=False,
        full_html=False,
        include_plotlyjs=False,
        config=PLOTLY_CONFIG,
        default_height=f"{fig['layout'].get('height', 420)}px",
        default_width="100%",
    )


class Chart:
    """A figure as the notebook displays it: HTML for the report, plotly JSON for JupyterLab."""

    def __init__(self, fig: Figure) -> None:
        self.fig = fig

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {
            "text/html": figure_html(self.fig),
            "application/vnd.plotly.v1+json": json.loads(pio.to_json(self.fig, validate=False)),
            "text/plain": f"<chart: {html.unescape(self.fig['layout']['title']['text'])}>",
        }


def show(fig: Figure) -> Chart:
    """Return the figure wrapped for display (the last expression of a cell displays it)."""
    return Chart(fig)


def _count_axis(counts: Iterable, title: str) -> dict:
    """An axis of order counts: whole numbers only (no 0.5 orders), with room to the right of the
    longest bar for its "n (share)" label."""
    top = max([int(c) for c in counts], default=0)
    axis: dict = {"title": {"text": title}, "rangemode": "tozero", "range": [0, max(top * 1.3, 1)]}
    if top <= 8:
        axis["dtick"] = 1
    else:
        axis["tickformat"] = ",d"
    return axis


def _ints(values: Iterable) -> list[int]:
    return [int(v) for v in values]


def _floats(values: Iterable) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in values]


# --- the report's charts ------------------------------------------------------------------------
# Titles, axes, legends and hovers are written in the report's language (`pipeline.i18n`); plotly's
# own placeholders (%{x}, %{y}, ...) stay as they are in every translation.


def reasons_bar(reasons: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Cancel reasons as horizontal bars, the most frequent on top; the seller's-fault reasons
    (they count toward the sold-not-shipped rate) in red, the others in grey."""
    rows = reasons.sort_values(["count", "reason"], ascending=[True, False])
    data = []
    for fault, name, colour in (
        (False, _("not the seller's fault"), NOT_FAULT),
        (True, _("seller's fault (counts as sold-not-shipped)"), SELLER_FAULT),
    ):
        part = rows[rows["seller_fault"].astype(bool) == fault]
        raw = part["raw_text"] if "raw_text" in part else [None] * len(part)
        data.append(
            {
                "type": "bar",
                "name": name,
                "orientation": "h",
                "x": _ints(part["count"]),
                "y": [reason_label(r) for r in part["reason"]],
                "marker": {"color": colour},
                "text": [f"{n} ({percent(s, 0)})" for n, s in zip(part["count"], part["share"], strict=True)],
                "textposition": "outside",
                "cliponaxis": False,
                "customdata": [[escape(t) or "–"] for t in raw],
                "hovertemplate": _("%{y}: %{x} orders<br>as exported: %{customdata[0]}") + "<extra></extra>",
            }
        )
    return figure(
        data,
        title=title or _("Why orders were cancelled"),
        height=max(220, 60 + 34 * len(rows)),
        barmode="overlay",
        xaxis=_count_axis(rows["count"], _("cancelled orders")),
        yaxis={"categoryorder": "array", "categoryarray": [reason_label(r) for r in rows["reason"]]},
    )


def causes_bar(causes: pd.DataFrame, *, title: str | None = None) -> Figure:
    """Close causes as horizontal bars, with the share of closed orders and the inferred count."""
    rows = causes.sort_values(["count", "cause"], ascending=[True, False])
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": _ints(rows["count"]),
        "y": [cause_label(c) for c in rows["cause"]],
        "marker": {"color": [SELLER_FAULT if c == "seller_ship_timeout" else ACCENT for c in rows["cause"]]},
        "text": [f"{n} ({percent(s, 0)})" for n, s in zip(rows["count"], rows["share"], strict=True)],
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": [[int(n)] for n in rows["inferred"]],
        "hovertemplate": _("%{y}: %{x} orders<br>cause inferred for %{customdata[0]}") + "<extra></extra>",
    }
    return figure(
        [bar],
        title=title or _("Why orders closed"),
        height=max(200, 60 + 34 * len(rows)),
        xaxis=_count_axis(rows["count"], _("closed orders")),
        showlegend=False,
    )


def rate_trend(
    periods: pd.DataFrame,
    *,
    rates: Sequence[str],
    limits: Iterable[tuple[str, float, str]] = (),
    title: str,
) -> Figure:
    """Weekly (or monthly) rates as lines, with dashed policy limit lines (label, value, rate)."""
    x = [short_day(pd.Timestamp(d).date()) for d in periods["period_from"]]
    data = [
        {
            "type": "scatter",
            "name": rate_label(rate),
            "x": x,
            "y": _floats(periods[rate]),
            "mode": "lines+markers",
            "line": {"color": RATE_COLOURS.get(rate, ACCENT), "width": 2.5},
            "hovertemplate": _("week of %{x}: %{y:.2%}") + "<extra>%{fullData.name}</extra>",
        }
        for rate in rates
    ]
    for name, value, rate in limits:
        # a dashed line of its own colour, named in the legend (labels on the plot would overlap)
        data.append(
            {
                "type": "scatter",
                "name": html.escape(_("{policy} limit {limit}", policy=name, limit=percent(value, 1))),
                "x": x,
                "y": [float(value)] * len(x),
                "mode": "lines",
                "line": {"dash": "dash", "color": RATE_COLOURS.get(rate, "#546e7a"), "width": 1.5},
                "hovertemplate": html.escape(_("limit {limit}", limit=percent(value, 1)))
                + f"<extra>{html.escape(name)}</extra>",
            }
        )
    return figure(
        data,
        title=title,
        height=460,
        legend={"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0.0},
        yaxis={"tickformat": ".1%", "title": {"text": _("share of orders")}, "rangemode": "tozero"},
        xaxis={"title": {"text": _("week starting")}, "type": "category"},
        hovermode="x unified",
    )


def reasons_by_period(monthly: pd.DataFrame, *, title: str) -> Figure:
    """Stacked bars of cancel reasons per period: seller's-fault reasons in reds, others in greys."""
    months = sorted(monthly["period_from"].unique())
    x = [month_short(pd.Timestamp(m).date()) for m in months]
    totals = monthly.groupby("reason")["count"].sum().sort_values(ascending=False)
    reds = ["#b71c1c", "#e53935", "#ef9a9a", "#ffcdd2"]
    greys = ["#37474f", "#607d8b", "#90a4ae", "#b0bec5", "#cfd8dc", "#78909c", "#546e7a", "#eceff1"]
    fault = dict(zip(monthly["reason"], monthly["seller_fault"].astype(bool), strict=False))
    data = []
    for index, reason in enumerate(totals.index):
        part = monthly[monthly["reason"] == reason].set_index("period_from")["count"]
        palette = reds if fault.get(reason) else greys
        data.append(
            {
                "type": "bar",
                "name": reason_label(reason) + (" ★" if fault.get(reason) else ""),
                "x": x,
                "y": [int(part.get(m, 0)) for m in months],
                "marker": {"color": palette[index % len(palette)]},
                "hovertemplate": _("%{x}: %{y} orders") + "<extra>%{fullData.name}</extra>",
            }
        )
    return figure(
        data,
        title=title,
        height=420,
        barmode="stack",
        yaxis={"title": {"text": _("cancelled orders")}},
        xaxis={"type": "category"},
        legend={"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1.0, "yanchor": "top"},
    )


def hours_bar(table: pd.DataFrame, *, title: str) -> Figure:
    """Median and 90th-percentile hours from order to close, per close cause."""
    rows = table.sort_values("median_hours_to_close", ascending=True)
    labels = [cause_label(c) for c in rows["cause"]]
    data = [
        {
            "type": "bar", "name": name, "orientation": "h", "x": _floats(rows[column]), "y": labels,
            "marker": {"color": colour}, "hovertemplate": f"%{{y}}: {hover}<extra></extra>",
        }
        for name, column, colour, hover in (
            (_("median"), "median_hours_to_close", ACCENT, _("half close within %{x:.0f} h")),
            (_("90 % within"), "p90_hours_to_close", "#90caf9", _("90 % close within %{x:.0f} h")),
        )
    ]  # fmt: skip
    return figure(
        data,
        title=title,
        height=max(220, 80 + 44 * len(rows)),
        barmode="group",
        xaxis={"title": {"text": _("hours from order to close")}, "rangemode": "tozero"},
    )


def ranking_bar(
    stores: pd.DataFrame, *, rate: str, title: str, limit: tuple[str, float] | None = None
) -> Figure:
    """Stores ranked by a rate, the worst on top; bars past the limit in red."""
    rows = stores.sort_values([rate, "store"], ascending=[True, False], na_position="first")
    values = _floats(rows[rate])
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": [escape(s) for s in rows["store"]],
        "marker": {"color": [SELLER_FAULT if limit and (v or 0) > limit[1] else ACCENT for v in values]},
        "text": [percent(v, 1) for v in values],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{y}: %{x:.2%}<extra></extra>",
    }
    extra: dict = {}
    if limit:
        extra["shapes"] = [
            {
                "type": "line", "xref": "x", "yref": "paper", "x0": limit[1], "x1": limit[1],
                "y0": 0, "y1": 1, "line": {"dash": "dash", "color": "#546e7a"},
            }
        ]  # fmt: skip
        extra["annotations"] = [
            {
                "xref": "x", "yref": "paper", "x": limit[1], "y": 1, "yanchor": "bottom", "showarrow": False,
                "text": html.escape(_("{policy} limit {limit}", policy=limit[0], limit=percent(limit[1], 1))),
                "font": {"size": 11, "color": "#546e7a"},
            }
        ]  # fmt: skip
    return figure(
        [bar],
        title=title,
        height=max(220, 80 + 30 * len(rows)),
        xaxis={"tickformat": ".1%", "title": {"text": rate_label(rate)}, "rangemode": "tozero"},
        yaxis={"type": "category"},
        showlegend=False,
        **extra,
    )


def heatmap(grid: pd.DataFrame, *, title: str, colour_max: float | None = None) -> Figure:
    """Stores (rows) by period (columns) of a rate; empty cells where a store had no base."""
    z = [_floats(row) for row in grid.to_numpy(dtype=float)]
    cells = {
        "type": "heatmap",
        "z": z,
        "x": [short_day(pd.Timestamp(c).date()) for c in grid.columns],
        "y": [escape(s) for s in grid.index],
        "text": [["" if v is None else percent(v, 1) for v in row] for row in z],
        "texttemplate": "%{text}",
        "colorscale": [[0, "#f1f8e9"], [0.5, "#ffb74d"], [1, "#b71c1c"]],
        "zmin": 0,
        "colorbar": {"tickformat": ".0%", "title": {"text": _("rate")}},
        "hovertemplate": _("%{y}, week of %{x}: %{z:.2%}") + "<extra></extra>",
        "xgap": 2,
        "ygap": 2,
    }
    if colour_max is not None:
        cells["zmax"] = colour_max
    return figure(
        [cells],
        title=title,
        height=max(240, 110 + 34 * len(grid.index)),
        xaxis={"title": {"text": _("week starting")}, "type": "category", "showgrid": False},
        yaxis={"type": "category", "autorange": "reversed", "showgrid": False},
    )
