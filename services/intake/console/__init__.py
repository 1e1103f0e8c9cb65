"""The staff console: server-rendered pages under /console for campaign relations and ops.

`session` signs the login cookie and CSRF tokens, `views` reads what each page shows (no Scan),
`actions` changes things (adjust, approve, decline, waves, leads, replies), `exports` shapes the
CSV downloads (also behind `tfc export`), `pages` renders the templates, `routes` is the thin
chalice blueprint.
"""
