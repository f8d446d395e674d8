"""Who may do and see what: the one role policy that routes, pages and tests read.

Admins may do everything (``User.has_role``). Each tuple names the other roles allowed.
"""

from __future__ import annotations

from reuse_tracker.vocabulary import Role

#: Every signed-in role reads devices, donations, waves and the workshop's state.
READ = (Role.COORDINATOR, Role.WORKSHOP, Role.MEDIATOR, Role.VIEWER)
#: Register donations and devices, print labels.
EDIT_INTAKE = (Role.COORDINATOR, Role.WORKSHOP)
#: Work on devices at the bench.
WORKSHOP = (Role.COORDINATOR, Role.WORKSHOP)
#: Read the workshop's board and stock (mediators have no business there).
WORKSHOP_READERS = (Role.COORDINATOR, Role.WORKSHOP, Role.VIEWER)
#: Plan the programme: waves, schools, associations, allocation, settings.
COORDINATION = (Role.COORDINATOR,)
#: Meet the families: their identities, hand-overs, returns, overdue loans.
FAMILY_STAFF = (Role.COORDINATOR, Role.MEDIATOR)
#: Read the programme's exact figures.
FIGURES = (Role.COORDINATOR, Role.VIEWER)

#: Roles that may see who the families are (admins included).
FAMILY_ROLES = frozenset({Role.ADMIN, *FAMILY_STAFF})


def sees_families(user) -> bool:
    """Tell whether ``user`` may see a family's identity (name, contact, address)."""
    return user is not None and getattr(user, "role", None) in FAMILY_ROLES
