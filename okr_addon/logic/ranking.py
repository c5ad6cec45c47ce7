"""Ranks within a comparable group, the way a sports table shows them."""


def competition_ranks(scores):
    """{key: (position, group size)} for {key: score}, the best score first.

    Equal scores share the better position and the next one skips ("1, 2, 2,
    4"), so nobody is ranked above someone who did as well.
    """
    ordered = sorted(scores.values(), reverse=True)
    first = {}
    for position, score in enumerate(ordered, start=1):
        first.setdefault(score, position)
    return {key: (first[score], len(ordered)) for key, score in scores.items()}
