"""Intake's HTTP routes by area, one chalice blueprint each, all mounted by services/intake/app.py:
`public` (forms, catalogue, campaign requests, sign-ups), `unsubscribe` (RFC 8058), `ops` (staff
routes behind the ops key: campaign view, approvals, leads, roster import, lifecycle) and
`personal_data` (a person's data exported or erased). Each route parses (parsing.py), calls a use
case (usecases.py, privacy.py) and answers (responses.py)."""
