"""The ranking is a pure function: fixed examples, no database."""

from dataclasses import dataclass, field

from crm.partners.ranking import NO_MATCH, NO_NEEDS, rank_partners


@dataclass(frozen=True)
class Tag:
    slug: str
    label: str


@dataclass(frozen=True)
class Offer:
    name: str
    capabilities: list[Tag] = field(default_factory=list)


GMP = Tag("gmp-production", "GMP production")
STERILITY = Tag("sterility-testing", "Sterility testing")
HPLC = Tag("hplc", "HPLC analysis")
HOT_CELLS = Tag("hot-cells", "Custom hot cells")
KITS = Tag("reagent-kits", "Reagent kits")


def names(ranking: object) -> list[str]:
    return [s.partner.name for s in ranking.suggestions]  # type: ignore[attr-defined]


def test_a_company_without_needs_gets_no_suggestions_and_the_reason() -> None:
    ranking = rank_partners([], [Offer("ABX", [GMP])])
    assert ranking.suggestions == []
    assert ranking.why_empty == NO_NEEDS


def test_partners_matching_nothing_are_left_out() -> None:
    ranking = rank_partners([GMP], [Offer("ITD", [HOT_CELLS])])
    assert ranking.suggestions == []
    assert ranking.why_empty == NO_MATCH


def test_covering_more_needs_ranks_higher_than_being_focused() -> None:
    generalist = Offer("Generalist", [GMP, STERILITY, KITS, HPLC])
    specialist = Offer("Specialist", [GMP])
    ranking = rank_partners([GMP, STERILITY], [specialist, generalist])
    assert names(ranking) == ["Generalist", "Specialist"]


def test_of_two_partners_covering_the_same_needs_the_specialist_ranks_first() -> None:
    broad = Offer("Broad", [GMP, KITS, HPLC])
    narrow = Offer("Narrow", [GMP, KITS])
    assert names(rank_partners([GMP], [broad, narrow])) == ["Narrow", "Broad"]


def test_score_follows_the_documented_formula() -> None:
    ranking = rank_partners([GMP, STERILITY], [Offer("ABX", [GMP, KITS, HPLC, HOT_CELLS])])
    assert ranking.suggestions[0].score == 0.8 * 1 / 2 + 0.2 * 1 / 4


def test_an_exact_fit_scores_one() -> None:
    ranking = rank_partners([GMP, STERILITY], [Offer("Exact", [STERILITY, GMP])])
    assert ranking.suggestions[0].score == 1.0


def test_equal_scores_are_ordered_by_name() -> None:
    ranking = rank_partners([GMP], [Offer("Zeta", [GMP]), Offer("Alpha", [GMP])])
    assert names(ranking) == ["Alpha", "Zeta"]


def test_explanation_lists_the_matched_capabilities_in_the_order_of_the_needs() -> None:
    ranking = rank_partners([STERILITY, HPLC, GMP], [Offer("CUP", [HPLC, STERILITY])])
    assert ranking.suggestions[0].explanation == "matches: Sterility testing, HPLC analysis"
