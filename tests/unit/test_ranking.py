"""Plain-pytest checks of ranks within a group."""

from okr_addon.logic import ranking


def test_best_score_first_and_ties_share_the_better_position():
    ranks = ranking.competition_ranks({"a": 1.12, "b": 0.95, "c": 1.12, "d": 0.4})
    assert ranks == {"a": (1, 4), "c": (1, 4), "b": (3, 4), "d": (4, 4)}


def test_alone_in_a_group_and_an_empty_group():
    assert ranking.competition_ranks({"only": 0.7}) == {"only": (1, 1)}
    assert ranking.competition_ranks({}) == {}
