"""Issue 16's console for a season, on the in-memory store: start-up checks, words, lists and
search with cursor paging, lifecycle guards, matching that notices."""

from __future__ import annotations

from typer.testing import CliRunner

from tfc.cli import app as cli


def test_tfc_up_refuses_a_short_ops_key_saying_the_rule():
    result = CliRunner().invoke(cli, ["up", "--ops-key", "twelve-chars"])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "must be at least 16 characters (this one has 12)" in said
