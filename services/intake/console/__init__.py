"""The staff console: server-rendered pages under /console for campaign relations and ops.

`session` signs the login cookie and CSRF tokens, `web` is what every console route shares (the
logged-in session, CSRF-checked forms, pages with the staff security headers), `views` reads what
each page shows (no Scan), `queues` reads the dead-letter queues' depths, `actions` changes things
(adjust, approve, decline, waves, replies), `exports` shapes the CSV downloads (also behind
`tfc export`), `pages` renders the templates. The thin chalice blueprints: `routes` (log-in,
pipeline, review, a project), `people` (campaigns, volunteers, replies), `data` (districts,
exports, the import's email lookup).
"""
