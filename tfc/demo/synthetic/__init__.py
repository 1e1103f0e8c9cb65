"""Reproducible synthetic data for the demo: volunteers, campaign requests, election results, replies.

Pure stdlib. Every generator takes a seed and builds its own `random.Random`, so output depends
only on the arguments (never on global RNG state, dict/set ordering or PYTHONHASHSEED).
Nothing here is real: names are drawn from lists, e-mail addresses live on reserved example
domains, phone numbers use the 555 exchange, and election results are simulated from scratch
(they share only the column layout of the real results files).

The tables the generators draw from (places, names, how popular each catalog skill and menu item
is) are data files beside the catalog: shared/catalog/synthetic_*.toml (read by `tables`).
"""

from tfc.demo.synthetic.campaigns import campaigns, election_date
from tfc.demo.synthetic.replies import NO_TEXTS, YES_TEXTS, reply_behaviour, reply_text
from tfc.demo.synthetic.results import ELECTION_RESULTS_HEADER, election_results
from tfc.demo.synthetic.volunteers import volunteers

__all__ = [
    "ELECTION_RESULTS_HEADER",
    "NO_TEXTS",
    "YES_TEXTS",
    "campaigns",
    "election_date",
    "election_results",
    "reply_behaviour",
    "reply_text",
    "volunteers",
]
