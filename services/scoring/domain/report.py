"""The run's report for staff: a CSV of every district and a self-contained HTML page (inline SVG,
no script) ranking the districts: win probability with its range over the environment, and
tipping-point probability.

Every range printed says what it is, and cannot contradict its figure: the win-probability range
is the chance in the worst and the best tenth of simulated statewide environments (never on the
wrong side of the overall chance, `scoring.consistent_range`), printed with the same rounding as
the figure (`percent`); the share's range is its 80% interval around the expected share."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from html import escape

from services.scoring.domain.scoring import ChamberScore, DistrictPrediction

COLUMNS = (
    "state",
    "chamber",
    "year",
    "district",
    "p_dem_win",
    "p_dem_win_low",
    "p_dem_win_high",
    "dem_share_mean",
    "dem_share_sd",
    "dem_share_low",
    "dem_share_high",
    "tipping_point_prob",
    "target_score",
    "target_rank",
    "source",
    "incumbency",
    "last_winner",
)
# The CSV's header names each range for what it is (the field names stay the stored ones).
HEADERS = {
    "p_dem_win_low": "p_dem_win_if_env_worst_tenth",
    "p_dem_win_high": "p_dem_win_if_env_best_tenth",
    "dem_share_low": "dem_share_80pct_low",
    "dem_share_high": "dem_share_80pct_high",
}
RANGE_MEANING = (
    "The range beside a win probability is the chance in the tenth of simulations with the worst statewide "
    "environment for Democrats and in the tenth with the best: how much of the chance rides on the wave. "
    "The range beside a share is its 80% interval."
)


def percent(p: float) -> str:
    """A probability as staff read it: whole percents, '<1%' and '>99%' for what is neither 0 nor 1.
    Monotone, so a figure and its range printed with it keep their order."""
    if p <= 0:
        return "0%"
    if p >= 1:
        return "100%"
    text = f"{p:.0%}"  # rounds half to even: 0.005 prints "0%", so the test is on the text
    return {"0%": "<1%", "100%": ">99%"}.get(text, text)


CHART_ROWS = 40  # per chamber: the seats to help first


def to_csv(predictions: Sequence[DistrictPrediction]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([HEADERS.get(c, c) for c in COLUMNS])
    for p in predictions:
        writer.writerow([getattr(p, c) for c in COLUMNS])
    return buffer.getvalue()


def _chart(chamber: ChamberScore) -> str:
    rows = chamber.districts[:CHART_ROWS]
    left, width, pivot_w, row_h, top = 70, 480, 160, 16, 34
    height = top + row_h * len(rows) + 10
    max_tp = max((p.tipping_point_prob for p in rows), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + pivot_w + 60}" height="{height}" '
        f'role="img" aria-label="{escape(chamber.state)} {chamber.chamber} districts ranked by target score">',
        "<style>text{font:11px sans-serif}</style>",
        f'<text x="{left}" y="12">P(Democratic win): dot; bar: the chance in the worst to the best tenth of '
        "statewide environments</text>",
        f'<text x="{left + width + 20}" y="{top - 8}">P(tipping point)</text>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        x = left + tick * width
        parts.append(f'<line x1="{x}" y1="{top - 6}" x2="{x}" y2="{height - 8}" stroke="#ddd"/>')
        anchor = "end" if tick == 1 else "middle" if tick else "start"
        parts.append(f'<text x="{x}" y="{top - 8}" text-anchor="{anchor}">{tick:.0%}</text>')
    for i, p in enumerate(rows):
        y = top + i * row_h + row_h / 2
        x_low, x_high = left + p.p_dem_win_low * width, left + p.p_dem_win_high * width
        colour = "#1f5fbf" if p.p_dem_win >= 0.5 else "#bf3a1f"
        bar = max(1.0, p.tipping_point_prob / max_tp * pivot_w)
        parts += [
            f'<text x="4" y="{y + 4}">{p.target_rank}. {escape(p.district)}</text>',
            f'<line x1="{x_low:.1f}" y1="{y}" x2="{x_high:.1f}" y2="{y}" stroke="{colour}" stroke-width="4" '
            'stroke-opacity="0.35"/>',
            f'<circle cx="{left + p.p_dem_win * width:.1f}" cy="{y}" r="4" fill="{colour}">'
            f"<title>{escape(p.district)}: P(D win) {percent(p.p_dem_win)} (worst to best tenth of environments "
            f"{percent(p.p_dem_win_low)} to {percent(p.p_dem_win_high)})</title></circle>",
            f'<rect x="{left + width + 20}" y="{y - 5}" width="{bar:.1f}" height="10" fill="#7a5ea8"/>',
            f'<text x="{left + width + 24 + bar:.1f}" y="{y + 4}">{p.tipping_point_prob:.1%}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def to_html(chambers: Sequence[ChamberScore], run_id: str, computed_at: str) -> str:
    sections = []
    for c in chambers:
        s = c.summary()
        env = c.environment
        prior = f" {escape(env.explanation)}." if env is not None and env.prior is not None else ""
        pooled = ", ".join(c.errors.pooled) or "none"
        table = "\n".join(
            f"<tr><td>{p.target_rank}</td><td>{escape(p.district)}</td><td>{percent(p.p_dem_win)}</td>"
            f"<td>{percent(p.p_dem_win_low)} to {percent(p.p_dem_win_high)}</td>"
            f"<td>{p.dem_share_mean:.1%} ({p.dem_share_low:.1%} to {p.dem_share_high:.1%})</td>"
            f"<td>{p.tipping_point_prob:.2%}</td><td>{p.target_score:.3f}</td><td>{escape(p.source)}</td></tr>"
            for p in c.districts
        )
        sections.append(
            f"<section><h2>{escape(c.state)} {escape(c.chamber)} chamber, {c.year}</h2>"
            f"<p>Chance of a Democratic majority: <strong>{c.p_majority:.1%}</strong>; Democratic seats "
            f"{c.seats_mean:.1f} on average (80% of runs between {c.seats_p10:.0f} and {c.seats_p90:.0f}), "
            f"{c.runs:,} simulations. Statewide error scale {s['sd_state_total']} (Student-t, {s['state_dof']} "
            f"degrees of freedom), district error {escape(str(s['sd_district']))}, scales borrowed from other "
            f"states and cycles: {escape(pooled)}; incumbency {s['incumbency_effect']}, environment shift "
            f"{c.swing:+.3f}, trained on {', '.join(map(str, c.cycles))}.{prior}</p>"
            f"<p>{RANGE_MEANING}</p>"
            f"<figure>{_chart(c)}<figcaption>The {min(CHART_ROWS, len(c.districts))} districts to help first."
            "</figcaption></figure>"
            "<table><thead><tr><th>rank</th><th>district</th><th>P(D win)</th>"
            "<th>P(D win), worst to best tenth of environments</th>"
            "<th>D share (80% interval)</th><th>P(tipping point)</th><th>target</th><th>source</th></tr></thead>"
            f"<tbody>{table}</tbody></table></section>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>District scores {escape(run_id)}</title>"
        "<style>body{font:14px sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}"
        "td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}</style></head><body>"
        f"<h1>District scores</h1><p>Run {escape(run_id)}, computed {escape(computed_at)}. Target score "
        "= closeness x (0.5 + 0.5 x pivotality) x chamber stakes; higher = help first.</p>"
        + "".join(sections)
        + "</body></html>"
    )
