"""Staff invite a volunteer they chose: which open seat the invitation is for, or why none.

Plain Python. The lead seat first when they are lead-trained (leads are the scarce kind), else
the first open member seat whose skill they have.
"""

from __future__ import annotations

from shared.models import Slot, Volunteer


def seat_for(slots: list[Slot], volunteer: Volunteer, already_on_team: bool) -> tuple[Slot | None, str]:
    """(the seat, "") or (None, the reason staff are told)."""
    if already_on_team:
        return None, "already on this team"
    open_seats = [s for s in slots if s.volunteer_id is None]
    if not open_seats:
        return None, "the team is full"
    if volunteer.lead_trained:
        lead = next((s for s in open_seats if s.role == "lead"), None)
        if lead is not None:
            return lead, ""
    member = next((s for s in open_seats if s.role == "member" and s.skill in volunteer.skills), None)
    if member is not None:
        return member, ""
    open_kinds = ", ".join(sorted({s.skill or "lead" for s in open_seats}))
    return None, f"no open seat fits their skills (open: {open_kinds})"
