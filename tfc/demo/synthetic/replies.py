"""Synthetic replies to invitations. Hash-based, so an answer never depends on the order messages go out."""

from __future__ import annotations

from tfc.demo.synthetic.sampling import unit
from tfc.demo.synthetic.tables import people

# First lines state the answer plainly; anything after is colour a parser may ignore.
YES_TEXTS: tuple[str, ...] = tuple(people()["yes_replies"])
NO_TEXTS: tuple[str, ...] = tuple(people()["no_replies"])


def reply_behaviour(volunteer_email: str, project_id: str, seed: int, yes: float = 0.55, no: float = 0.25) -> str:
    """'yes', 'no' or 'never' (no reply), fixed per (email, project, seed)."""
    if not (0 <= yes <= 1 and 0 <= no <= 1 and yes + no <= 1):
        raise ValueError("need 0 <= yes, no and yes + no <= 1")
    u = unit("reply", str(seed), volunteer_email.strip().lower(), project_id)
    return "yes" if u < yes else "no" if u < yes + no else "never"


def reply_text(answer: str, seed_key: str) -> str:
    """A human-sounding reply body for 'yes' or 'no', chosen deterministically by `seed_key`."""
    if answer == "yes":
        texts = YES_TEXTS
    elif answer == "no":
        texts = NO_TEXTS
    else:
        raise ValueError("answer must be 'yes' or 'no' ('never' sends no reply)")
    return texts[int(unit("text", answer, seed_key) * len(texts))]
