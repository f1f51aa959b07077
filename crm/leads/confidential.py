"""Confidential leads: who sees a lead as it is, and what everyone else sees of it.

A confidential lead shows its real name, domain, website, texts and people only to its owner,
the members of its team and admins. Everyone else reads its codename and finds it only by that.
This module is the one place that decides; every door asks it: the pages (through the template
globals ``lead_name``, ``can_see_lead`` and ``may_change_confidentiality``), the CSV export,
the API, the mail to staff and the search of the list.
"""

from typing import Any, cast

from sqlalchemy import ColumnElement, and_, case, exists, or_, true

from crm.auth.models import Role, User
from crm.leads.models import Company, company_team_members


class CommandLine:
    """Whoever runs the ``flask`` commands: they hold the database, so they see everything."""


COMMAND_LINE = CommandLine()
# Who reads: an account, the command line, or nobody signed in (None, or Flask-Login's anonymous
# user, which ``current_user`` is then).
Reader = User | CommandLine | None

# What outsiders read instead of the company's own values: texts staff write about a lead may
# name it, so they are left out along with the addresses and the people.
OUTSIDERS_SEE: dict[str, Any] = {
    "domain": None,
    "website": None,
    "description": "",
    "competing_locations": "",
    "expansion_plans": "",
    "stage_reason": "",
    "lost_to_location": None,
    "landing_evidence": "",
    "contacts": [],
}


def signed_in(reader: Reader) -> User | None:
    if isinstance(reader, User) and reader.is_authenticated:
        return reader
    return None


def can_see(company: Company, reader: Reader) -> bool:
    """Whether ``reader`` may see the company as it is: always for a lead that is not
    confidential; for a confidential one its owner, its team, admins and the command line."""
    if not company.is_confidential or isinstance(reader, CommandLine):
        return True
    user = signed_in(reader)
    if user is None:
        return False
    if user.has_role(Role.admin) or company.owner_id == user.id:
        return True
    return any(member.id == user.id for member in company.team)


def may_change_confidentiality(company: Company, reader: Reader) -> bool:
    """Marking, unmarking and the team are for the lead's owner and admins."""
    user = signed_in(reader)
    return user is not None and (user.has_role(Role.admin) or company.owner_id == user.id)


def shown_name(company: Company, reader: Reader) -> str:
    """The real name for those who may see it, else the codename."""
    return company.name if can_see(company, reader) else company.codename or ""


class OutsidersView:
    """A confidential company as an outsider reads it: the codename for its name, nothing of
    its addresses, texts and people; everything else (stage, figures, owner) as it is."""

    def __init__(self, company: Company) -> None:
        self._company = company

    def __getattr__(self, name: str) -> Any:
        if name == "name":
            return self._company.codename
        if name in OUTSIDERS_SEE:
            return OUTSIDERS_SEE[name]
        return getattr(self._company, name)


def seen_by(company: Company, reader: Reader) -> Company:
    """The company as ``reader`` may read it: itself, or its outsiders' view (which reads like
    a company)."""
    return company if can_see(company, reader) else cast(Company, OutsidersView(company))


def visible_to(reader: Reader) -> ColumnElement[bool]:
    """SQL: the companies ``reader`` may see as they are."""
    user = signed_in(reader)
    if isinstance(reader, CommandLine) or (user is not None and user.has_role(Role.admin)):
        return true()
    open_lead = Company.is_confidential.is_(False)
    if user is None:
        return open_lead
    return or_(
        open_lead,
        Company.owner_id == user.id,
        exists().where(
            company_team_members.c.company_id == Company.id,
            company_team_members.c.user_id == user.id,
        ),
    )


def name_seen_by(reader: Reader) -> ColumnElement[str]:
    """SQL: the name ``reader`` may read of each company, for lists that load only names."""
    return case((visible_to(reader), Company.name), else_=Company.codename)


def findable(real_match: ColumnElement[bool], pattern: str, reader: Reader) -> ColumnElement[bool]:
    """SQL for a text search: ``real_match`` (name, domain, people…) counts only for the
    companies ``reader`` may see; a confidential lead is found by its codename (lower-case
    ``pattern``) by everyone."""
    # "=" and ILIKE, which indexes serve (a trigram index on PostgreSQL), not "IS" and lower().
    by_codename = and_(Company.is_confidential == true(), Company.codename.ilike(pattern))
    return or_(and_(visible_to(reader), real_match), by_codename)
