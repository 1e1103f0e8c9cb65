"""The reply corpus: messages in the shapes real clients produce (tests/fixtures/replies), each
with the intent it must get (expected.csv). The quoted invitation's "YES" never counts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from services.notify.domain.reading import read_any

CORPUS = Path(__file__).parent.parent / "fixtures" / "replies"
EXPECTED = list(csv.DictReader((CORPUS / "expected.csv").open(encoding="utf-8")))


def test_every_fixture_has_an_expected_intent():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".eml", ".txt")}
    assert files == {row["file"] for row in EXPECTED}
    assert len(files) >= 30


@pytest.mark.parametrize("row", EXPECTED, ids=[row["file"] for row in EXPECTED])
def test_reply_gets_its_intent(row):
    reading = read_any((CORPUS / row["file"]).read_bytes())
    assert reading.intent == row["intent"]
    assert reading.auto_reply is (row["auto_reply"] == "true")
    assert reading.reply_text.startswith(row["reply_starts_with"])
    # Nothing of the quoted invitation survives into the text the intent was read from.
    assert "you're in" not in reading.reply_text.replace("I'm in", "")
    assert "Tech for Campaigns <" not in reading.reply_text
    assert "reply to this email" not in reading.reply_text.lower()


def test_classify_reply_command_prints_one_json_line_per_file(tmp_path):
    import json

    from typer.testing import CliRunner

    from tfc.cli import app

    body = tmp_path / "body.txt"
    body.write_text("Nope\n\nOn Tue, Nov 24, 2026 at 9:01 AM Tech <t@x.org> wrote:\n> Reply YES to join\n")
    files = [str(CORPUS / "gmail_yes.eml"), str(CORPUS / "auto_submitted_ooo.eml"), str(body)]
    result = CliRunner().invoke(app, ["notify", "classify-reply", *files])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(d["path"], d["intent"], d["auto_reply"]) for d in lines] == [
        (files[0], "yes", False),
        (files[1], "unclear", True),
        (files[2], "no", False),
    ]
    assert lines[2]["reply_text"] == "Nope"


def test_classify_reply_command_names_a_missing_file(tmp_path):
    from typer.testing import CliRunner

    from tfc.cli import app

    result = CliRunner().invoke(app, ["notify", "classify-reply", str(tmp_path / "missing.eml")])
    assert result.exit_code == 1
    assert "missing.eml" in result.output


def test_a_huge_reply_is_read_from_its_top_only():
    from services.notify.domain.replies import MAX_READ_CHARS, classify

    intent, text = classify("Yes, I'm in\n\n" + "filler line\n" * 200_000 + "no")
    assert intent == "yes"
    assert len(text) <= MAX_READ_CHARS
