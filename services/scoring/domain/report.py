"""The run's report for staff: a CSV of every district and a self-contained HTML page (inline SVG,
no script) ranking the districts: win probability with its 10-90% environment interval, and
tipping-point probability."""

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
CHART_ROWS = 40  # per chamber: the seats to help first


def to_csv(predictions: Sequence[DistrictPrediction]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in predictions:
        writer.writerow({c: getattr(p, c) for c in COLUMNS})
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
        f'<text x="{left}" y="12">P(Democratic win): dot; bar: if the statewide environment lands at its '
        "10th-90th percentile</text>",
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
            f"<title>{escape(p.district)}: p={p.p_dem_win:.0%}, share {p.dem_share_mean:.1%} "
            f"± {p.dem_share_sd:.1%}</title></circle>",
            f'<rect x="{left + width + 20}" y="{y - 5}" width="{bar:.1f}" height="10" fill="#7a5ea8"/>',
            f'<text x="{left + width + 24 + bar:.1f}" y="{y + 4}">{p.tipping_point_prob:.1%}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def to_html(chambers: Sequence[ChamberScore], run_id: str, computed_at: str) -> str:
    sections = []
    for c in chambers:
        s = c.summary()
        table = "\n".join(
            f"<tr><td>{p.target_rank}</td><td>{escape(p.district)}</td><td>{p.p_dem_win:.1%}</td>"
            f"<td>{p.p_dem_win_low:.0%}-{p.p_dem_win_high:.0%}</td>"
            f"<td>{p.dem_share_mean:.1%} ± {p.dem_share_sd:.1%}</td>"
            f"<td>{p.tipping_point_prob:.2%}</td><td>{p.target_score:.3f}</td><td>{escape(p.source)}</td></tr>"
            for p in c.districts
        )
        sections.append(
            f"<section><h2>{escape(c.state)} {escape(c.chamber)} chamber, {c.year}</h2>"
            f"<p>Chance of a Democratic majority: <strong>{c.p_majority:.1%}</strong>; Democratic seats "
            f"{c.seats_mean:.1f} on average (80% of runs between {c.seats_p10:.0f} and {c.seats_p90:.0f}), "
            f"{c.runs:,} simulations. Statewide error scale {s['sd_state']} (Student-t, {s['state_dof']} "
            f"degrees of freedom), district error {s['sd_district']}, incumbency {s['incumbency_effect']}, "
            f"environment shift {c.swing:+.3f}, trained on {', '.join(map(str, c.cycles))}.</p>"
            f"<figure>{_chart(c)}<figcaption>The {min(CHART_ROWS, len(c.districts))} districts to help first."
            "</figcaption></figure>"
            "<table><thead><tr><th>rank</th><th>district</th><th>P(D win)</th><th>10-90% env.</th>"
            "<th>D share</th><th>P(tipping point)</th><th>target</th><th>source</th></tr></thead>"
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
