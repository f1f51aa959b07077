"""Finding the company a person or a new record belongs to, by web domain or by name."""

from sqlalchemy import or_, select

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
    conditions = []
    if domain:
        conditions.append(Company.domain == domain.lower())
    normalised = normalise_company_name(name) if name else ""
    if normalised:
        conditions.append(Company.normalised_name == normalised)
    if not conditions:
        return []
    found = db.session.scalars(
        select(Company).where(or_(*conditions), Company.is_archived.is_(False)).order_by(Company.id)
    ).all()
    return sorted(found, key=lambda company: company.domain != domain)
