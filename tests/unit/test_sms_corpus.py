"""The SMS corpus (tests/fixtures/sms/expected.csv): texts as people send them, each with the
keyword a careful reader (and the carriers' opt-out rules) gives it. A wrong `stop` silences a
volunteer; a missed one keeps texting someone who asked us to stop."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from services.notify.domain.sms import read
from tests.field_cases import field_case

CORPUS = Path(__file__).parent.parent / "fixtures" / "sms" / "expected.csv"
ROWS = list(csv.DictReader(CORPUS.open(encoding="utf-8")))


def test_the_corpus_is_large_and_covers_every_keyword():
    assert len(ROWS) >= 80
    assert {r["keyword"] for r in ROWS} == {"stop", "start", "help", "yes", "no", "unclear"}


@pytest.mark.parametrize("row", ROWS, ids=[r["text"][:40] for r in ROWS])
def test_text_gets_its_keyword(row):
    reply = read(row["text"])
    assert (reply.keyword, reply.code or "") == (row["keyword"], row["code"])


@pytest.mark.parametrize(
    "text", ["Liked “Reply YES to join”", "Reacted 👍 to “Reply YES to join”", "Laughed at “Reply NO to pass”"]
)
def test_a_reaction_is_never_an_answer(text):
    reply = read(text)
    assert reply.reaction is True
    assert reply.keyword == "unclear"


# Field cases (../shared/field-cases/sms, kept outside the repository); skipped where absent.
FIELD_KEYWORDS = {
    "C08/inbound_opt_out.json": "stop",
    "C08/inbound_OPT-OUT.json": "stop",
    "C10/inbound_stop_thank_you.json": "stop",
    "C10/inbound_please_stop.json": "stop",
    "C11/inbound_stop.json": "stop",
    "C12/inbound_enthusiastic_yes.json": "unclear",
    "C12/inbound_imessage_tapback.json": "unclear",
}


@pytest.mark.parametrize("name", sorted(FIELD_KEYWORDS))
def test_field_case(name):
    text = json.loads(field_case("sms", name).read_text(encoding="utf-8"))["text"]
    assert read(text).keyword == FIELD_KEYWORDS[name]


def test_classify_sms_command_prints_one_json_line_per_text():
    from typer.testing import CliRunner

    from tfc.cli import app

    texts = ["Stop. Thank you", "YES K7Q", "Liked “Reply YES”", "help"]
    result = CliRunner().invoke(app, ["notify", "classify-sms", *texts])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [(d["text"], d["keyword"], d["code"]) for d in lines] == [
        ("Stop. Thank you", "stop", None),
        ("YES K7Q", "yes", "K7Q"),
        ("Liked “Reply YES”", "unclear", None),
        ("help", "help", None),
    ]
