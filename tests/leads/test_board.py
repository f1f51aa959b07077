"""The pipeline board: a card per lead, column totals, filters in the URL, and moves through the
lead's one stage move, refusals included."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from crm.auth.models import Role, User
from crm.extensions import db
from crm.leads.board import board_columns, board_filters
from crm.leads.confidential import COMMAND_LINE
from crm.leads.models import Company, FollowUpTask, LeadSource, Stage
from crm.leads.names import normalise_company_name
from crm.leads.routes import GATE_LINKS
from crm.leads.services import GATE_FIELDS, move_stage
from tests.helpers import csrf_token, submit_form


def column_of(page: str, stage: str) -> str:
    """The markup of one column of the board."""
    return page.split(f'id="stage-{stage}"', 1)[1].split("</section>", 1)[0]


def card_of(page: str, name: str) -> str:
    return page.split(f">{name}</a>", 1)[1].split("</li>", 1)[0]


def move_from_board(
    client: FlaskClient, company: Company, data: dict[str, str], board: str = "/leads/board"
) -> TestResponse:
    return submit_form(
        client, f"/leads/{company.id}/stage", {"back": board, **data}, form_page=board
    )


def test_a_card_shows_owner_country_days_in_stage_next_task_and_capex(
    staff_client: FlaskClient,
    staff_user: User,
    create_company: Callable[..., Company],
    create_task: Callable[..., FollowUpTask],
    clock: Callable[[str], None],
) -> None:
    clock("2026-03-01T09:00:00+00:00")
    company = create_company(
        name="Isotopia AB", country="SE", owner_id=staff_user.id, capex_eur=12_000_000
    )
    move_stage(company, Stage.qualified, "", staff_user)
    db.session.commit()
    create_task(staff_user, date(2026, 3, 20), "Send the site offer", company=company)
    create_task(staff_user, date(2026, 3, 10), "Call the CFO", company=company)
    clock("2026-03-08T10:00:00+00:00")
    card = card_of(column_of(staff_client.get("/leads/board").text, "qualified"), "Isotopia AB")
    assert staff_user.name in card
    assert "SE" in card
    assert "7 days" in card
    assert "Call the CFO (10 Mar 2026)" in card and "Send the site offer" not in card
    assert "€12,000,000.00" in card


def test_totals_cover_the_whole_column_and_the_cards_the_most_recently_moved(
    create_company: Callable[..., Company],
    staff_user: User,
    clock: Callable[[str], None],
) -> None:
    for day, (name, jobs, capex) in enumerate(
        [("First", 10, 1_000_000), ("Second", None, 2_000_000), ("Third", 5, None)], start=1
    ):
        clock(f"2026-03-0{day}T09:00:00+00:00")
        company = create_company(name=name, new_jobs=jobs, safeguarded_jobs=1, capex_eur=capex)
        move_stage(company, Stage.qualified, "", staff_user)
    db.session.commit()
    columns = {
        column.stage: column for column in board_columns(board_filters({}), COMMAND_LINE, size=2)
    }
    qualified = columns[Stage.qualified]
    assert [card.company.name for card in qualified.cards] == ["Third", "Second"]
    assert (qualified.totals.leads, qualified.totals.jobs, qualified.totals.capex_eur) == (
        3,
        18,
        3_000_000,
    )
    assert qualified.more == 1
    assert columns[Stage.enquiry].totals.leads == 0 and columns[Stage.enquiry].cards == []


def test_a_long_column_links_to_the_rest_in_the_leads_list(staff_client: FlaskClient) -> None:
    db.session.add_all(
        Company(name=f"Lead {number}", normalised_name=f"lead {number}", stage=Stage.active)
        for number in range(53)
    )
    db.session.commit()
    column = column_of(staff_client.get("/leads/board").text, "active")
    assert column.count('class="board-card"') == 50
    assert "active <small>(53)</small>" in column
    assert 'href="/leads/?stage=active&amp;sort=-moved">and 3 more →</a>' in column


def test_the_board_filters_by_owner_and_source_in_the_url(
    staff_client: FlaskClient,
    staff_user: User,
    create_user: Callable[..., User],
    create_company: Callable[..., Company],
) -> None:
    colleague = create_user(Role.staff, name="Ben Colleague")
    create_company(name="Mine From Web", owner_id=staff_user.id, source=LeadSource.web)
    create_company(name="Mine From Event", owner_id=staff_user.id, source=LeadSource.event)
    create_company(name="Theirs From Web", owner_id=colleague.id, source=LeadSource.web)
    page = staff_client.get(f"/leads/board?owner={staff_user.id}&source=web").text
    assert "Mine From Web" in page
    assert "Mine From Event" not in page and "Theirs From Web" not in page
    assert f'<option value="{staff_user.id}" selected>' in page
    assert '<option value="web" selected>' in page
    # The move forms bring the staff member back to the same filtered board.
    assert f'name="back" value="/leads/board?owner={staff_user.id}&amp;source=web"' in page


def test_the_board_asks_the_database_as_often_for_many_leads_as_for_few(
    staff_client: FlaskClient,
    staff_user: User,
    create_company: Callable[..., Company],
    create_task: Callable[..., FollowUpTask],
    count_queries: Callable[[], AbstractContextManager[list[str]]],
) -> None:
    def add_leads(count: int) -> None:
        for number in range(count):
            company = create_company(owner_id=staff_user.id, capex_eur=number)
            create_task(staff_user, date(2026, 3, 1), company=company)
            if number % 2:
                move_stage(company, Stage.qualified, "", staff_user)
        db.session.commit()

    add_leads(2)
    staff_client.get("/leads/board")
    with count_queries() as few:
        staff_client.get("/leads/board")
    add_leads(12)
    with count_queries() as many:
        assert staff_client.get("/leads/board").status_code == 200
    assert len(many) == len(few)


def test_moving_a_card_with_its_form_goes_back_to_the_filtered_board(
    staff_client: FlaskClient, staff_user: User, create_company: Callable[..., Company]
) -> None:
    company = create_company(name="Mover GmbH", owner_id=staff_user.id)
    board = f"/leads/board?owner={staff_user.id}"
    response = move_from_board(staff_client, company, {"stage": "qualified"}, board)
    assert response.status_code == 302
    assert response.headers["Location"] == board
    db.session.refresh(company)
    assert company.stage is Stage.qualified
    assert company.stage_changes[0].changed_by == staff_user
    page = staff_client.get(board).text
    assert "Moved to qualified." in page
    assert "Mover GmbH" in column_of(page, "qualified")


def test_a_move_that_needs_a_reason_asks_for_it_on_the_stage_form_then_returns(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    company = create_company(name="Leaving Ltd")
    refused = move_from_board(staff_client, company, {"stage": "lost"})
    assert refused.status_code == 422
    assert "Moving to lost needs a reason." in refused.text
    assert '<option value="lost" selected>' in refused.text
    assert 'name="back" type="hidden" value="/leads/board"' in refused.text
    db.session.refresh(company)
    assert company.stage is Stage.enquiry
    response = staff_client.post(
        f"/leads/{company.id}/stage",
        data={
            "csrf_token": csrf_token(refused.text),
            "stage": "lost",
            "reason": "Chose Leuven",
            "back": "/leads/board",
        },
    )
    assert (response.status_code, response.headers["Location"]) == (302, "/leads/board")
    db.session.refresh(company)
    assert (company.stage, company.stage_reason) == (Stage.lost, "Chose Leuven")


def test_a_refused_gate_names_the_missing_facts_with_links_to_them(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    company = create_company(name="Unready GmbH", stage=Stage.site_visit)
    refused = move_from_board(staff_client, company, {"stage": "decision"})
    assert refused.status_code == 422
    assert "A decision needs the capex." in refused.text
    links = f'href="/leads/{company.id}'
    assert f'{links}/edit#capex_eur">Capital expenditure (EUR)</a>' in refused.text
    assert f'{links}/edit#new_jobs">New jobs</a>' in refused.text
    assert f'{links}#company-sites">Sites</a>' in refused.text
    db.session.refresh(company)
    assert company.stage is Stage.site_visit


def test_a_move_cannot_send_anyone_to_another_address(
    staff_client: FlaskClient, create_company: Callable[..., Company]
) -> None:
    company = create_company()
    for elsewhere in ("https://evil.example/leads/board", "//evil.example/leads/board", "/admin/"):
        response = move_from_board(staff_client, company, {"stage": "qualified", "back": elsewhere})
        assert response.headers["Location"] == f"/leads/{company.id}"
        move_stage(company, Stage.enquiry, "", None)
        db.session.commit()


def test_viewers_see_the_cards_without_move_forms(
    client: FlaskClient,
    login: Callable[[User], None],
    create_user: Callable[..., User],
    create_company: Callable[..., Company],
) -> None:
    create_company(name="Watched GmbH")
    login(create_user(Role.viewer))
    page = client.get("/leads/board").text
    assert "Watched GmbH" in page
    assert "card-move" not in page and 'draggable="true"' not in page
    assert "js/board.js" not in page


def test_a_raw_company_without_history_is_on_the_board_since_its_creation(
    staff_client: FlaskClient, clock: Callable[[str], None]
) -> None:
    clock("2026-03-01T09:00:00+00:00")
    db.session.add(Company(name="Raw AB", normalised_name=normalise_company_name("Raw AB")))
    db.session.commit()
    clock("2026-03-04T09:00:00+00:00")
    assert "3 days" in card_of(staff_client.get("/leads/board").text, "Raw AB")


def test_every_fact_a_stage_gate_asks_for_has_a_link() -> None:
    assert set(GATE_LINKS) == set(GATE_FIELDS)
