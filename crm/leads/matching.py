"""Finding the company a person or a new record belongs to, by web domain or by name."""

from collections.abc import Sequence

from sqlalchemy import bindparam, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Text

from crm.extensions import db
from crm.leads.models import Company
from crm.leads.names import normalise_company_name

# Addresses at these domains say nothing about the employer.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.de",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "gmx.at",
        "gmx.ch",
        "web.de",
        "t-online.de",
        "freenet.de",
        "posteo.de",
        "mailbox.org",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "126.com",
        "naver.com",
        "zoho.com",
    }
)


def domain_of_url(url: str) -> str | None:
    """``https://www.Rotop-Pharmaka.de/about`` → ``rotop-pharmaka.de``."""
    host = url.strip().lower().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    host = host.removeprefix("www.")
    return host or None


def employer_domain(email: str) -> str | None:
    """The domain of a work address (internationalised names in their ASCII form), or None
    for free-mail providers."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return None if not domain or domain in FREE_MAIL_DOMAINS else domain


def find_matching_companies(domain: str | None, name: str | None) -> list[Company]:
    """Live companies with the same domain or the same normalised name, best matches first."""
    return companies_matching([(domain, name)])[0]


MATCHING_LOCKS = text(
    "SELECT pg_advisory_xact_lock(hashtextextended(key, 0))"
    " FROM (SELECT key FROM unnest(:keys) AS key ORDER BY key) AS sorted"
).bindparams(bindparam("keys", type_=ARRAY(Text)))


def serialise_matching(domain: str | None, name: str | None) -> None:
    """On PostgreSQL: until the transaction ends, wait for any other transaction matching
    (and perhaps creating) a company with this domain or this name, so that two people of one
    new company registering at once make one lead, not two (advisory locks on the keys, taken
    in sorted order)."""
    keys = sorted(
        ([f"lead-domain:{domain.lower()}"] if domain else [])
        + ([f"lead-name:{normalise_company_name(name)}"] if name else [])
    )
    db.session.execute(MATCHING_LOCKS, {"keys": keys})


# Keys looked up per query by ``companies_matching``.
MATCH_BATCH = 1_000


def companies_matching(keys: Sequence[tuple[str | None, str | None]]) -> list[list[Company]]:
    """For each (domain, name) of ``keys``, what ``find_matching_companies`` finds: live
    companies with the same domain or the same normalised name, those with the same domain
    first, then by id. One query per ``MATCH_BATCH`` keys."""
    wanted = [
        ((domain or "").lower() or None, normalise_company_name(name) if name else "")
        for domain, name in keys
    ]
    by_domain: dict[str, list[Company]] = {}
    by_name: dict[str, list[Company]] = {}
    for start in range(0, len(wanted), MATCH_BATCH):
        batch = wanted[start : start + MATCH_BATCH]
        domains = {domain for domain, _ in batch if domain}
        names = {name for _, name in batch if name}
        if not (domains or names):
            continue
        found = db.session.scalars(
            select(Company).where(
                or_(Company.domain.in_(domains), Company.normalised_name.in_(names)),
                Company.is_archived.is_(False),
            )
        )
        for company in found:
            if company.domain in domains:
                by_domain.setdefault(company.domain, []).append(company)
            if company.normalised_name in names:
                by_name.setdefault(company.normalised_name, []).append(company)
    matches = []
    for (domain, _), (lowered, normalised) in zip(keys, wanted, strict=True):
        either = {
            company.id: company
            for company in by_domain.get(lowered or "", []) + by_name.get(normalised, [])
        }
        in_order = [either[company_id] for company_id in sorted(either)]
        matches.append(sorted(in_order, key=lambda company: company.domain != domain))
    return matches
