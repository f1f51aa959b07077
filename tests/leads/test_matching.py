import pytest
from flask import Flask

from crm.extensions import db
from crm.leads.matching import domain_of_url, employer_domain, find_matching_companies
from crm.leads.models import Company
from crm.leads.names import normalise_company_name


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ROTOP Pharmaka GmbH", "Rotop Pharmaka"),
        ("Müller Radiochemie AG", "Mueller Radiochemie"),
        ("Atlantic Theranostics, Inc.", "atlantic theranostics"),
        ("Nordlicht Isotopes AB", "Nordlicht-Isotopes"),
        ("Société Générale Radio S.A.", "Societe Generale Radio"),
    ],
)
def test_names_people_mean_alike_normalise_alike(one: str, other: str) -> None:
    assert normalise_company_name(one) == normalise_company_name(other)


def test_different_names_stay_different() -> None:
    assert normalise_company_name("ABX GmbH") != normalise_company_name("ABX-CRO GmbH")


def test_free_mail_addresses_name_no_employer() -> None:
    assert employer_domain("jane@gmail.com") is None
    assert employer_domain("Jane@Rotop-Pharmaka.DE") == "rotop-pharmaka.de"


def test_urls_give_their_bare_domain() -> None:
    assert domain_of_url("https://www.Rotop-Pharmaka.de/about") == "rotop-pharmaka.de"


def test_companies_are_found_by_domain_or_by_name(app: Flask) -> None:
    rotop = Company(
        name="ROTOP Pharmaka GmbH", normalised_name="rotop pharmaka", domain="rotop-pharmaka.de"
    )
    other = Company(name="Other", normalised_name="other", domain="other.example")
    db.session.add_all([rotop, other])
    db.session.flush()
    assert find_matching_companies(None, "Rotop Pharmaka") == [rotop]
    assert find_matching_companies("rotop-pharmaka.de", None) == [rotop]
    assert find_matching_companies("nothing.example", "Nothing") == []
