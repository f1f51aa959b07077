from collections.abc import Callable

from flask import Flask

from crm.leads.models import Company


def test_the_suggest_command_prints_the_ranking_with_explanations(
    app: Flask, create_company: Callable[..., Company]
) -> None:
    company = create_company(needs=("gmp-production", "sterility-testing"))
    result = app.test_cli_runner().invoke(args=["partners", "suggest", str(company.id)])
    assert result.exit_code == 0
    first_two = result.output.splitlines()[:2]
    assert any("CUP Laboratorien" in line for line in first_two)
    assert any("ABX advanced" in line and "matches: GMP production" in line for line in first_two)


def test_the_suggest_command_says_why_a_company_gets_no_suggestions(
    app: Flask, create_company: Callable[..., Company]
) -> None:
    company = create_company()
    result = app.test_cli_runner().invoke(args=["partners", "suggest", str(company.id)])
    assert "No needs are recorded" in result.output


def test_the_suggest_command_rejects_an_unknown_company(app: Flask, seeded: None) -> None:
    result = app.test_cli_runner().invoke(args=["partners", "suggest", "4711"])
    assert result.exit_code == 2
    assert "There is no company with id 4711" in result.output
