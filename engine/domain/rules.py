"""The statutory majority words as exact integer comparisons (DOMAIN.md §2.1, §3.7, §6.5).

Why integers: a ratio such as ``yes / present > 0.5`` invites float rounding and division by
zero, while ``2*yes > present`` is exact for every count. The words follow the Civil Code's
reading rule `[S22 Art 1259]`: "以上" includes the number itself, "超过" excludes it, and
"过半数" is read as "超过半数" (so exactly half fails).

Every function is a pure formula on non-negative ints: it checks types and signs but not
whether the counts are consistent with each other (e.g. ``yes <= present``); forms do that.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = [
    "more_than_half", "half_or_more", "two_thirds_or_more", "at_most_one_third", "at_most_one_fifth",
    "at_most_fraction", "at_least_fraction", "more_than_fraction",
    "ASSEMBLY_PROFILES", "assembly_quorum_met", "assembly_passed",
    "CONGRESS_PASS_RULES", "congress_quorum_met", "congress_passed", "evaluation_satisfied",
]


def _count(name: str, value: object) -> int:
    """``value`` as a count: an int (not bool, which is an int subclass) that is >= 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def _counts(**values: object) -> None:
    for name, value in values.items():
        _count(name, value)


def _fraction(num: object, den: object) -> None:
    _count("num", num)
    if _count("den", den) == 0:
        raise ValueError("den must be > 0, got 0")


def more_than_half(x: int, n: int) -> bool:
    """过半数 / 超过半数: strictly more than half, ``2*x > n``."""
    _counts(x=x, n=n)
    return 2 * x > n


def half_or_more(x: int, n: int) -> bool:
    """半数以上: half or more, ``2*x >= n``."""
    _counts(x=x, n=n)
    return 2 * x >= n


def two_thirds_or_more(x: int, n: int) -> bool:
    """三分之二以上: two-thirds or more, ``3*x >= 2*n``."""
    _counts(x=x, n=n)
    return 3 * x >= 2 * n


def at_most_one_third(x: int, n: int) -> bool:
    """不得超过三分之一: at most one-third, ``3*x <= n``."""
    _counts(x=x, n=n)
    return 3 * x <= n


def at_most_one_fifth(x: int, n: int) -> bool:
    """不得超过百分之二十: at most 20 %, ``5*x <= n``."""
    _counts(x=x, n=n)
    return 5 * x <= n


def at_most_fraction(x: int, n: int, num: int, den: int) -> bool:
    """不超过 num/den: ``den*x <= num*n``."""
    _counts(x=x, n=n)
    _fraction(num, den)
    return den * x <= num * n


def at_least_fraction(x: int, n: int, num: int, den: int) -> bool:
    """num/den 以上 (e.g. ≥1/5 of staff ask): ``den*x >= num*n``."""
    _counts(x=x, n=n)
    _fraction(num, den)
    return den * x >= num * n


def more_than_fraction(x: int, n: int, num: int, den: int) -> bool:
    """超过 num/den: ``den*x > num*n``."""
    _counts(x=x, n=n)
    _fraction(num, den)
    return den * x > num * n


# Resident assemblies (DOMAIN.md §3.7): profile -> (quorum(present, eligible),
# passed(yes, present, eligible)). "members" in the table is the eligible base.
ASSEMBLY_PROFILES: dict[str, tuple[Callable[[int, int], bool], Callable[[int, int, int], bool]]] = {
    # 居民会议 [S3 Art 9]: more than half attend; more than half of those present agree.
    "jmh_art9": (
        lambda present, eligible: 2 * present > eligible,
        lambda yes, present, eligible: 2 * yes > present,
    ),
    # 居民代表会议, local template mirroring village law: two-thirds attend.
    "rep_assembly_2of3": (
        lambda present, eligible: 3 * present >= 2 * eligible,
        lambda yes, present, eligible: 2 * yes > present,
    ),
    # 居民代表会议, other template: a majority of all members; quorum is an ASSUMPTION (jmh_art9).
    "rep_assembly_all_majority": (
        lambda present, eligible: 2 * present > eligible,
        lambda yes, present, eligible: 2 * yes > eligible,
    ),
}


def _assembly_profile(profile: object):
    try:
        return ASSEMBLY_PROFILES[profile]  # type: ignore[index]
    except (KeyError, TypeError):
        allowed = ", ".join(ASSEMBLY_PROFILES)
        raise ValueError(f"unknown assembly profile {profile!r}; allowed: {allowed}") from None


def assembly_quorum_met(present: int, eligible: int, profile: str = "jmh_art9") -> bool:
    """应到/实到: whether enough attend for the assembly ``profile`` (§3.7) to decide."""
    quorum, _ = _assembly_profile(profile)
    _counts(present=present, eligible=eligible)
    return quorum(present, eligible)


def assembly_passed(yes: int, present: int, eligible: int, profile: str = "jmh_art9") -> bool:
    """通过: whether the motion carries under ``profile`` (§3.7); the quorum is checked separately."""
    _, passed = _assembly_profile(profile)
    _counts(yes=yes, present=present, eligible=eligible)
    return passed(yes, present, eligible)


def congress_quorum_met(present: int, total: int) -> bool:
    """职代会 三分之二以上 出席: ``3*present >= 2*total`` [S12 Art 36; S16 Art 11]."""
    _counts(present=present, total=total)
    return 3 * present >= 2 * total


# Congress pass rules (DOMAIN.md §6.5): Yunnan's strict 过半数 is the default; the national
# 集体合同规定 Art 36 literally says 半数以上.
CONGRESS_PASS_RULES: dict[str, Callable[[int, int], bool]] = {
    "strict_majority_of_all": lambda yes, total: 2 * yes > total,  # [S16 Art 11; S15 Art 20]
    "half_or_more_of_all": lambda yes, total: 2 * yes >= total,  # [S12 Art 36]
}


def congress_passed(yes: int, total: int, pass_rule: str = "strict_majority_of_all") -> bool:
    """全体职工代表过半数/半数以上 通过, per ``pass_rule`` (base: all delegates, not those present)."""
    try:
        rule = CONGRESS_PASS_RULES[pass_rule]
    except (KeyError, TypeError):
        allowed = ", ".join(CONGRESS_PASS_RULES)
        raise ValueError(f"unknown pass_rule {pass_rule!r}; allowed: {allowed}") from None
    _counts(yes=yes, total=total)
    return rule(yes, total)


def evaluation_satisfied(satisfied: int, basically_satisfied: int, respondents: int) -> bool:
    """民事民评 满意: (基本)满意 过半数, ``2*(satisfied+basically_satisfied) > respondents`` (ASSUMPTION)."""
    _counts(satisfied=satisfied, basically_satisfied=basically_satisfied, respondents=respondents)
    return 2 * (satisfied + basically_satisfied) > respondents
