"""The console's districts page says what a win probability's range is, and a score stored by an
older run whose range sat outside its figure (the range was once taken at the environment's 10th
and 90th percentiles) is shown with the figure inside it."""

import re
from datetime import UTC, datetime

from services.intake.console import views
from services.intake.console.pages import render
from shared.models import DistrictScore
from shared.storage.memory import memory_store


def test_the_range_brackets_the_figure_and_says_what_it_is():
    store = memory_store()
    old = DistrictScore(
        state="VA",
        chamber="lower",
        district="7",
        run_id="r1",
        year=2026,
        dem_share=0.36,
        p_dem_win=0.02,
        p_dem_win_low=0.0,
        p_dem_win_high=0.004,  # below the figure: the old conditional-on-a-percentile range
        target_score=0.1,
        target_rank=1,
        computed_at=datetime.now(UTC),
    )
    store.scores.put_scores("r1", {"run_id": "r1", "report_html": "reports/r1/report.html"}, [old])
    run, rows = views.districts(store)
    (row,) = rows
    assert row.p_low is not None and row.p_high is not None
    assert row.p_low <= row.p_dem_win <= row.p_high
    html = render("districts", run=run, rows=rows, state="", chamber="", states=["VA"], chart_rows=40)
    assert "worst to the best tenth of statewide environments" in html  # the table's column
    # The chart's description labels the chart: no word there may contain "state", or the page's
    # "State" filter is no longer the only control labelled so (the browser test selects by label).
    description = html.split('<desc id="chart-desc">')[1].split("</desc>")[0]
    assert "worst to the best tenth of simulated environments" in description
    assert "state" not in description.lower()
    figure, low, high = re.search(r"<td>(\d+)% \((\d+) to (\d+)%\)</td>", html).groups()
    assert int(low) <= int(figure) <= int(high)
