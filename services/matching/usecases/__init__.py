"""Matching's use cases: waves of invitations and answers (staffing, wave), a team's life after
staffing (lifecycle), the season's figures (season). Handlers call these; they call the domain
and the store's protocols."""
