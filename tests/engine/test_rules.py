"""The majority words of DOMAIN.md §2.1 and the vote profiles of §3.7 / §6.5, at every boundary."""

from __future__ import annotations

from fractions import Fraction

import pytest

from engine.domain import rules

HALF, TWO_THIRDS, THIRD, FIFTH = Fraction(1, 2), Fraction(2, 3), Fraction(1, 3), Fraction(1, 5)

# ---------------------------------------------------------------------------------------------
# Boundary tables: the exact boundary and both neighbours, for small, odd, even and scenario N.

MORE_THAN_HALF = [
    (0, 0, False), (1, 0, True),
    (0, 1, False), (1, 1, True),
    (0, 2, False), (1, 2, False), (2, 2, True),  # exactly half of 2 is not 过半数
    (1, 3, False), (2, 3, True), (3, 3, True),
    (2, 4, False), (3, 4, True),
    (3, 7, False), (4, 7, True),
    (20, 41, False), (21, 41, True), (30, 41, True),  # A-T3 quorum: 2·20 = 40 not > 41; A-T1: 30 present
    (29, 60, False), (30, 60, False), (31, 60, True),  # B-T3 quorum: 60 not > 60, 62 > 60
    (15, 31, False), (16, 31, True), (17, 31, True),  # B-T3 pass: 34 > 31
    (59, 120, False), (60, 120, False), (61, 120, True),  # §2.1: 60 of 120 fails under 过半数
    (70, 120, True),  # C-T1: 140 > 120
]

HALF_OR_MORE = [
    (0, 0, True),
    (0, 1, False), (1, 1, True),
    (0, 2, False), (1, 2, True), (2, 2, True),  # 以上 includes exactly half
    (1, 3, False), (2, 3, True),
    (1, 4, False), (2, 4, True), (3, 4, True),
    (3, 7, False), (4, 7, True),
    (20, 41, False), (21, 41, True),
    (29, 60, False), (30, 60, True), (31, 60, True),
    (59, 120, False), (60, 120, True), (61, 120, True),  # §2.1: 60 of 120 passes the national profile
]

TWO_THIRDS_OR_MORE = [
    (0, 0, True),
    (0, 1, False), (1, 1, True),
    (1, 2, False), (2, 2, True),  # 3·1 = 3 < 4
    (1, 3, False), (2, 3, True), (3, 3, True),
    (2, 4, False), (3, 4, True),  # 6 < 8, 9 ≥ 8
    (4, 6, True), (3, 6, False), (5, 6, True),
    (27, 41, False), (28, 41, True),  # 81 < 82, 84 ≥ 82
    (39, 60, False), (40, 60, True), (41, 60, True),
    (79, 120, False), (80, 120, True), (81, 120, True),
    (85, 120, True),  # C-T1 congress quorum: 3·85 = 255 ≥ 240
]

AT_MOST_ONE_THIRD = [
    (0, 0, True), (1, 0, False),
    (0, 1, True), (1, 1, False),
    (0, 2, True), (1, 2, False),
    (1, 3, True), (2, 3, False),
    (1, 4, True), (2, 4, False),
    (1, 5, True), (2, 5, False),  # C-T5 R5: 2 external experts of 5 reps, 3·2 = 6 > 5
    (2, 6, True), (3, 6, False),
    (13, 41, True), (14, 41, False),
    (19, 60, True), (20, 60, True), (21, 60, False),
    (40, 120, True), (41, 120, False),
]

AT_MOST_ONE_FIFTH = [
    (0, 0, True), (1, 0, False),
    (0, 1, True), (1, 1, False),
    (0, 4, True), (1, 4, False),
    (1, 5, True), (2, 5, False),
    (1, 9, True), (2, 9, False),
    (1, 10, True), (2, 10, True), (3, 10, False),
    (8, 41, True), (9, 41, False),
    (12, 60, True), (13, 60, False),
    (18, 120, True),  # 5·18 = 90 ≤ 120
    (23, 120, True), (24, 120, True), (25, 120, False),
]

WORDS = {
    "more_than_half": (rules.more_than_half, MORE_THAN_HALF),
    "half_or_more": (rules.half_or_more, HALF_OR_MORE),
    "two_thirds_or_more": (rules.two_thirds_or_more, TWO_THIRDS_OR_MORE),
    "at_most_one_third": (rules.at_most_one_third, AT_MOST_ONE_THIRD),
    "at_most_one_fifth": (rules.at_most_one_fifth, AT_MOST_ONE_FIFTH),
}


@pytest.mark.parametrize(
    "name,x,n,expected",
    [(name, x, n, expected) for name, (_, table) in WORDS.items() for x, n, expected in table],
)
def test_majority_word_boundaries(name, x, n, expected):
    assert WORDS[name][0](x, n) is expected


# Generic fractions: (x, n, num, den, at_most, at_least, more_than)
FRACTIONS = [
    (0, 0, 1, 5, True, True, False),
    (1, 5, 1, 5, True, True, False),  # exactly 1/5: at most and at least, but not more than
    (0, 5, 1, 5, True, False, False),
    (2, 5, 1, 5, False, True, True),
    (23, 120, 1, 5, True, False, False),  # staff petition: 5·23 = 115 < 120
    (24, 120, 1, 5, True, True, False),  # 5·24 = 120 ≥ 120, the ≥1/5 trigger holds
    (25, 120, 1, 5, False, True, True),
    (2, 6, 1, 3, True, True, False),
    (3, 6, 1, 3, False, True, True),
    (60, 120, 1, 2, True, True, False),
    (61, 120, 1, 2, False, True, True),
    (80, 120, 2, 3, True, True, False),
    (79, 120, 2, 3, True, False, False),
    (3, 4, 3, 4, True, True, False),
    (7, 7, 1, 1, True, True, False),
    (8, 7, 1, 1, False, True, True),
    (0, 7, 0, 1, True, True, False),  # 0/1: nothing is "more than none" unless x > 0
    (1, 7, 0, 1, False, True, True),
    (6, 4, 3, 2, True, True, False),  # fractions above 1 are allowed
]


@pytest.mark.parametrize("x,n,num,den,at_most,at_least,more_than", FRACTIONS)
def test_fraction_boundaries(x, n, num, den, at_most, at_least, more_than):
    assert rules.at_most_fraction(x, n, num, den) is at_most
    assert rules.at_least_fraction(x, n, num, den) is at_least
    assert rules.more_than_fraction(x, n, num, den) is more_than


def test_named_words_agree_with_the_generic_fractions():
    for n in range(0, 61):
        for x in range(0, 61):
            assert rules.more_than_half(x, n) == rules.more_than_fraction(x, n, 1, 2)
            assert rules.half_or_more(x, n) == rules.at_least_fraction(x, n, 1, 2)
            assert rules.two_thirds_or_more(x, n) == rules.at_least_fraction(x, n, 2, 3)
            assert rules.at_most_one_third(x, n) == rules.at_most_fraction(x, n, 1, 3)
            assert rules.at_most_one_fifth(x, n) == rules.at_most_fraction(x, n, 1, 5)


# ---------------------------------------------------------------------------------------------
# Brute force against exact rational arithmetic.

COUNTS = range(0, 61)


@pytest.mark.parametrize("n", COUNTS)
def test_words_match_exact_fractions(n):
    for x in COUNTS:
        share = Fraction(x)
        assert rules.more_than_half(x, n) == (share > HALF * n)
        assert rules.half_or_more(x, n) == (share >= HALF * n)
        assert rules.two_thirds_or_more(x, n) == (share >= TWO_THIRDS * n)
        assert rules.at_most_one_third(x, n) == (share <= THIRD * n)
        assert rules.at_most_one_fifth(x, n) == (share <= FIFTH * n)


@pytest.mark.parametrize("num,den", [(0, 1), (1, 1), (1, 2), (1, 3), (2, 3), (1, 5), (3, 10), (4, 5), (5, 4)])
def test_generic_fractions_match_exact_fractions(num, den):
    ratio = Fraction(num, den)
    for n in COUNTS:
        for x in COUNTS:
            assert rules.at_most_fraction(x, n, num, den) == (x <= ratio * n)
            assert rules.at_least_fraction(x, n, num, den) == (x >= ratio * n)
            assert rules.more_than_fraction(x, n, num, den) == (x > ratio * n)


def test_large_counts_stay_exact():
    # A float ratio would round here: (10**17 + 2) / (2 * 10**17 + 2) == 0.5 in floats, yet it is more
    # than half. Integer arithmetic gets both sides of the boundary right.
    n = 2 * 10**17 + 2
    assert not rules.more_than_half(10**17 + 1, n)
    assert rules.more_than_half(10**17 + 2, n)
    assert rules.half_or_more(10**17 + 1, n)


# ---------------------------------------------------------------------------------------------
# Resident assemblies (§3.7): (present, eligible, quorum) and (yes, present, eligible, passed).

ASSEMBLY_QUORUM = {
    "jmh_art9": [
        (0, 0, False), (1, 1, True), (1, 2, False), (2, 2, True), (1, 3, False), (2, 3, True),
        (20, 41, False), (21, 41, True), (30, 41, True),  # A-T3 and A-T1
        (30, 60, False), (31, 60, True),  # B-T3
    ],
    "rep_assembly_2of3": [
        (0, 0, True), (1, 2, False), (2, 2, True), (1, 3, False), (2, 3, True),
        (27, 41, False), (28, 41, True),
        (39, 60, False), (40, 60, True), (41, 60, True),
    ],
    "rep_assembly_all_majority": [  # ASSUMPTION: the jmh_art9 quorum
        (1, 2, False), (2, 2, True),
        (20, 41, False), (21, 41, True),
        (30, 60, False), (31, 60, True),
    ],
}

ASSEMBLY_PASS = {
    "jmh_art9": [  # majority of those present; the eligible base plays no part
        (0, 0, 0, False), (1, 1, 1, True), (1, 2, 3, False), (2, 2, 3, True),
        (15, 30, 41, False), (16, 30, 41, True), (22, 30, 41, True),  # A-T1: 44 > 30
        (15, 31, 60, False), (16, 31, 60, True), (17, 31, 60, True),  # B-T3: 34 > 31
        (13, 26, 41, False), (14, 26, 41, True), (15, 26, 41, True),  # A-T3 reconvened: 26 present
    ],
    "rep_assembly_2of3": [
        (1, 2, 2, False), (2, 2, 2, True),
        (20, 40, 60, False), (21, 40, 60, True),
    ],
    "rep_assembly_all_majority": [  # majority of all members, however many attend
        (22, 30, 41, True), (21, 30, 41, True), (20, 30, 41, False),
        (30, 31, 60, False), (31, 31, 60, True),
        (1, 1, 2, False), (2, 2, 2, True),
    ],
}


@pytest.mark.parametrize(
    "profile,present,eligible,expected",
    [(profile, *row) for profile, table in ASSEMBLY_QUORUM.items() for row in table],
)
def test_assembly_quorum(profile, present, eligible, expected):
    assert rules.assembly_quorum_met(present, eligible, profile) is expected


@pytest.mark.parametrize(
    "profile,yes,present,eligible,expected",
    [(profile, *row) for profile, table in ASSEMBLY_PASS.items() for row in table],
)
def test_assembly_passed(profile, yes, present, eligible, expected):
    assert rules.assembly_passed(yes, present, eligible, profile) is expected


def test_assembly_default_profile_is_jmh_art9():
    assert rules.assembly_quorum_met(21, 41) is True and rules.assembly_quorum_met(20, 41) is False
    assert rules.assembly_passed(16, 30, 41) is True and rules.assembly_passed(15, 30, 41) is False


def test_assembly_profiles_brute_force():
    for eligible in range(0, 41):
        for present in range(0, 41):
            assert rules.assembly_quorum_met(present, eligible, "jmh_art9") == (present > HALF * eligible)
            assert rules.assembly_quorum_met(present, eligible, "rep_assembly_2of3") == (
                present >= TWO_THIRDS * eligible)
            assert rules.assembly_quorum_met(present, eligible, "rep_assembly_all_majority") == (
                present > HALF * eligible)
            for yes in range(0, 41, 3):
                assert rules.assembly_passed(yes, present, eligible, "jmh_art9") == (yes > HALF * present)
                assert rules.assembly_passed(yes, present, eligible, "rep_assembly_2of3") == (
                    yes > HALF * present)
                assert rules.assembly_passed(yes, present, eligible, "rep_assembly_all_majority") == (
                    yes > HALF * eligible)


@pytest.mark.parametrize("profile", ["", "JMH_ART9", "rep_assembly", None, 1])
def test_unknown_assembly_profile(profile):
    for call in (lambda: rules.assembly_quorum_met(1, 1, profile),
                 lambda: rules.assembly_passed(1, 1, 1, profile)):
        with pytest.raises(ValueError) as info:
            call()
        message = str(info.value)
        assert repr(profile) in message
        for allowed in ("jmh_art9", "rep_assembly_2of3", "rep_assembly_all_majority"):
            assert allowed in message


# ---------------------------------------------------------------------------------------------
# Congress (§6.5): quorum 3·present ≥ 2·total; pass on all delegates, strict by default.

@pytest.mark.parametrize("present,total,expected", [
    (0, 0, True), (0, 1, False), (1, 1, True), (1, 2, False), (2, 2, True),
    (1, 3, False), (2, 3, True),
    (79, 120, False), (80, 120, True), (81, 120, True),
    (85, 120, True),  # C-T1: 255 ≥ 240
])
def test_congress_quorum(present, total, expected):
    assert rules.congress_quorum_met(present, total) is expected


@pytest.mark.parametrize("yes,total,strict,national", [
    (0, 0, False, True),
    (0, 1, False, False), (1, 1, True, True),
    (1, 2, False, True), (2, 2, True, True),
    (1, 3, False, False), (2, 3, True, True),
    (59, 120, False, False),
    (60, 120, False, True),  # §2.1: the Yunnan default and the national literal rule diverge here
    (61, 120, True, True),
    (70, 120, True, True),  # C-T1: 140 > 120
    (60, 119, True, True), (59, 119, False, False),
])
def test_congress_passed(yes, total, strict, national):
    assert rules.congress_passed(yes, total) is strict
    assert rules.congress_passed(yes, total, "strict_majority_of_all") is strict
    assert rules.congress_passed(yes, total, "half_or_more_of_all") is national


@pytest.mark.parametrize("pass_rule", ["strict", "", None, "Strict_Majority_Of_All"])
def test_unknown_congress_pass_rule(pass_rule):
    with pytest.raises(ValueError) as info:
        rules.congress_passed(1, 1, pass_rule)
    message = str(info.value)
    assert repr(pass_rule) in message
    assert "strict_majority_of_all" in message and "half_or_more_of_all" in message


# ---------------------------------------------------------------------------------------------
# Satisfaction (§3.x A step 20): (satisfied + basically satisfied) more than half of respondents.

@pytest.mark.parametrize("happy,basically,respondents,expected", [
    (0, 0, 0, False), (1, 0, 1, True), (0, 1, 1, True),
    (1, 0, 2, False), (1, 1, 2, True),
    (90, 18, 120, True),  # A-T1: 2·108 = 216 > 120
    (20, 4, 50, False),  # B-T4 first evaluation: 48 not > 50
    (25, 0, 50, False), (25, 1, 50, True), (13, 13, 50, True),
    (35, 0, 50, True),  # B-T4 after rework
    (30, 0, 40, True),  # B-T2
    (20, 0, 40, False), (20, 1, 40, True),
])
def test_satisfied(happy, basically, respondents, expected):
    assert rules.evaluation_satisfied(happy, basically, respondents) is expected


def test_satisfied_brute_force():
    for respondents in range(0, 31):
        for happy in range(0, 31):
            for basically in range(0, 31 - happy):
                assert rules.evaluation_satisfied(happy, basically, respondents) == (
                    Fraction(happy + basically) > HALF * respondents)


# ---------------------------------------------------------------------------------------------
# Validation: ints only (bool is an int subclass but not a count), non-negative, den > 0.

TWO_ARGS = [rules.more_than_half, rules.half_or_more, rules.two_thirds_or_more, rules.at_most_one_third,
            rules.at_most_one_fifth, rules.congress_quorum_met, rules.congress_passed]
FOUR_ARGS = [rules.at_most_fraction, rules.at_least_fraction, rules.more_than_fraction]
BAD_TYPES = [True, False, 1.0, 0.5, "3", None, Fraction(1), [1]]


@pytest.mark.parametrize("function", TWO_ARGS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", BAD_TYPES, ids=repr)
def test_two_argument_functions_reject_non_ints(function, bad):
    first, second = ("x", "n") if function.__name__ not in ("congress_quorum_met", "congress_passed") else (
        ("present", "total") if function.__name__ == "congress_quorum_met" else ("yes", "total"))
    with pytest.raises(TypeError, match=first):
        function(bad, 1)
    with pytest.raises(TypeError, match=second):
        function(1, bad)


@pytest.mark.parametrize("function", TWO_ARGS, ids=lambda f: f.__name__)
def test_two_argument_functions_reject_negatives(function):
    with pytest.raises(ValueError, match="must be >= 0"):
        function(-1, 3)
    with pytest.raises(ValueError, match="must be >= 0"):
        function(1, -3)


@pytest.mark.parametrize("function", FOUR_ARGS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("position,name", list(enumerate(["x", "n", "num", "den"])))
def test_fraction_functions_name_the_bad_argument(function, position, name):
    for bad in BAD_TYPES:
        args = [1, 5, 1, 5]
        args[position] = bad
        with pytest.raises(TypeError, match=rf"^{name} must be an int"):
            function(*args)
    args = [1, 5, 1, 5]
    args[position] = -1
    with pytest.raises(ValueError, match=rf"^{name} must be >= 0"):
        function(*args)


@pytest.mark.parametrize("function", FOUR_ARGS, ids=lambda f: f.__name__)
def test_zero_denominator_is_rejected(function):
    with pytest.raises(ValueError, match="den must be > 0"):
        function(1, 5, 1, 0)


@pytest.mark.parametrize("args,name", [
    ((True, 1, 1), "present"), ((1, 1.0, 1), "eligible"),
    ((-1, 1, 1), "present"), ((1, -1, 1), "eligible"),
])
def test_assembly_quorum_validates(args, name):
    present, eligible, _ = args
    with pytest.raises((TypeError, ValueError), match=rf"^{name} must"):
        rules.assembly_quorum_met(present, eligible)


@pytest.mark.parametrize("args,name", [
    (("1", 1, 1), "yes"), ((1, None, 1), "present"), ((1, 1, False), "eligible"),
    ((-1, 1, 1), "yes"), ((1, -1, 1), "present"), ((1, 1, -1), "eligible"),
])
def test_assembly_passed_validates_every_count(args, name):
    # Including the count a profile does not use: bad data must never pass silently.
    for profile in rules.ASSEMBLY_PROFILES:
        with pytest.raises((TypeError, ValueError), match=rf"^{name} must"):
            rules.assembly_passed(*args, profile)


@pytest.mark.parametrize("args,name", [
    ((1.5, 0, 2), "satisfied"), ((0, "1", 2), "basically_satisfied"), ((0, 0, True), "respondents"),
    ((-1, 0, 2), "satisfied"), ((0, -1, 2), "basically_satisfied"), ((0, 0, -2), "respondents"),
])
def test_satisfied_validates(args, name):
    with pytest.raises((TypeError, ValueError), match=rf"^{name} must"):
        rules.evaluation_satisfied(*args)


def test_results_are_real_bools():
    assert type(rules.more_than_half(1, 1)) is bool
    assert type(rules.assembly_passed(1, 1, 1, "rep_assembly_all_majority")) is bool
    assert type(rules.congress_passed(1, 1, "half_or_more_of_all")) is bool
    assert type(rules.evaluation_satisfied(1, 0, 1)) is bool


def test_every_rule_has_a_docstring_naming_its_word():
    words = {
        rules.more_than_half: "过半数",
        rules.half_or_more: "半数以上",
        rules.two_thirds_or_more: "三分之二以上",
        rules.at_most_one_third: "不得超过三分之一",
        rules.at_most_one_fifth: "不得超过百分之二十",
    }
    for function, word in words.items():
        assert word in function.__doc__.splitlines()[0]
    assert "S22 Art 1259" in rules.__doc__
