"""Reply reading: only the new text counts, in the shapes real clients produce."""

import pytest

from services.notify.domain import mime
from services.notify.domain.replies import classify, html_to_text, new_text

QUOTED_INVITE = "> To answer, just reply to this email:\n>   YES - you're in\n>   NO  - no problem"

CORPUS = [
    (
        "Yes, count me in!\n\nOn Tue, Nov 24, 2026 at 9:01 AM Tech for Campaigns <team@x.org> wrote:\n" + QUOTED_INVITE,
        "yes",
    ),
    ("yes", "yes"),
    ("YES!!", "yes"),
    ("Sure, happy to help.", "yes"),
    ("I'm in", "yes"),
    ("👍 yes", "yes"),
    ("Sí, con gusto\n\nEl mar, 24 nov 2026 escribió:\n" + QUOTED_INVITE, "yes"),
    ("Oui !\n\nLe mar. 24 nov. 2026 à 09:01, Tech a écrit :\n" + QUOTED_INVITE, "yes"),
    ("Ja, gerne\n\nAm Di., 24. Nov. 2026 um 09:01 schrieb Tech <t@x.org>:\n" + QUOTED_INVITE, "yes"),
    ("No, sorry, swamped this month\n\n-----Original Message-----\nFrom: Tech\nYES - you're in", "no"),
    ("Nope.", "no"),
    ("I'll pass this time", "no"),
    ("Unfortunately no, I don't have the hours", "no"),
    ("Sorry, I can't right now\nSent from my iPhone\n\n" + QUOTED_INVITE, "no"),
    ("Sorry, yes I can", "yes"),
    ("\n\nOn Tue wrote:\n" + QUOTED_INVITE, "unclear"),  # only the quote says YES
    ("Maybe? What is the time commitment?", "unclear"),
    ("Can you call me?\n\n" + QUOTED_INVITE, "unclear"),
    ("Yes and no, depends on the week", "unclear"),
]


@pytest.mark.parametrize(("body", "intent"), CORPUS)
def test_corpus(body, intent):
    assert classify(body)[0] == intent


def test_new_text_stops_at_the_quote():
    assert new_text("Yes\n> Reply YES") == "Yes"


def test_html_only_reply_with_gmail_quote():
    html = (
        '<div dir="ltr">No thanks, not this time</div><br><div class="gmail_quote">'
        "<div>On Tue wrote:</div><blockquote>Reply YES to join</blockquote></div>"
    )
    assert classify(html_to_text(html))[0] == "no"


def test_mime_quoted_printable_and_charset():
    raw = (
        b"From: Ana <ana@example.com>\r\nTo: reply+abc@reply.example.org\r\nSubject: Re: invite\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: quoted-printable\r\n\r\nS=ED, encantada\r\n\r\n> YES\r\n"
    )
    parsed = mime.parse(raw)
    assert parsed.sender == "ana@example.com"
    assert classify(parsed.text)[0] == "yes"
    assert not parsed.auto_submitted


def test_auto_replies_are_flagged():
    raw = (
        b"From: a@example.com\r\nTo: b@example.org\r\nAuto-Submitted: auto-replied\r\n"
        b"Subject: Out of office\r\n\r\nI am away"
    )
    assert mime.parse(raw).auto_submitted


def test_every_reply_the_demo_and_chaos_players_send_is_read_as_meant():
    """The demo's volunteers (and bench chaos's, which checks every reply was applied) answer with
    these texts above a quote; each must be read as the answer it was sent as."""
    from tfc.demo.synthetic import NO_TEXTS, YES_TEXTS

    quote = "\n\nOn 2026-03-03T09:14:00, Tech for Campaigns <team@x.test> wrote:\n> Reply YES to join, NO to pass\n"
    for expected, texts in (("yes", YES_TEXTS), ("no", NO_TEXTS)):
        for text in texts:
            assert classify(text + quote)[0] == expected, text
