"""Tests for quizzes.analysis, classical test theory item analysis (no Flask app or database needed).

The expected numbers are worked out by hand in the comments, or come from an independent
formula written out here (stdlib ``statistics``, KR-20, the covariance form of alpha).
"""
from __future__ import annotations

import math
import random
import statistics
from collections.abc import Mapping, Sequence

import pytest

from quizzes.analysis import (
    Flag,
    FlagThresholds,
    ResponseRecord,
    analyse_items,
    cronbach_alpha,
    pearson,
    standard_error_of_measurement,
)

# 6 candidates x 4 dichotomous items, used by several tests.
#             I1 I2 I3 I4   total
HAND = [
    [1, 1, 1, 1],  # 4
    [1, 1, 1, 0],  # 3
    [1, 1, 0, 0],  # 2
    [1, 0, 1, 0],  # 2
    [0, 1, 0, 0],  # 1
    [0, 0, 0, 0],  # 0
]


def records_from(
    matrix: Sequence[Sequence[float | None]], weights: Mapping[int, float] | None = None, scale: float = 1.0,
) -> list[ResponseRecord]:
    """Records for a candidates x items credit matrix: attempt ids 1.., question ids 1..,
    total = scale * sum(credit * weight), None meaning unanswered."""
    weights = weights or {}
    records = []
    for attempt_id, row in enumerate(matrix, start=1):
        total = scale * sum((credit or 0.0) * weights.get(q, 1.0) for q, credit in enumerate(row, start=1))
        records.extend(ResponseRecord(attempt_id, q, credit, (), total) for q, credit in enumerate(row, start=1))
    return records


def textbook_alpha(matrix: Sequence[Sequence[float]]) -> float:
    """Alpha in its covariance form, k/(k-1) * 2 * sum_{i<j} cov(i, j) / var(total),
    which equals the variance form because var(total) = sum var(i) + 2 sum_{i<j} cov(i, j)."""
    k = len(matrix[0])
    columns = list(zip(*matrix, strict=True))
    covariances = sum(statistics.covariance(columns[i], columns[j]) for i in range(k) for j in range(i + 1, k))
    return k / (k - 1) * 2 * covariances / statistics.variance([sum(row) for row in matrix])


# --------------------------------------------------------------------------- the hand-computed matrix

def test_facility_of_the_hand_matrix():
    questions = analyse_items(records_from(HAND)).questions
    # Column sums 4, 4, 3, 1 out of 6 candidates.
    assert [questions[q].facility for q in (1, 2, 3, 4)] == pytest.approx([4 / 6, 4 / 6, 3 / 6, 1 / 6])
    # I1: four 1s, two 0s; sum of squared deviations = 4*(1/3)^2 + 2*(2/3)^2 = 4/3; sample var = (4/3)/5.
    assert questions[1].sd == pytest.approx(math.sqrt(4 / 15))
    assert questions[1].attempts == 6 and questions[1].unanswered == 0


def test_corrected_discrimination_of_the_hand_matrix():
    questions = analyse_items(records_from(HAND)).questions
    # I1: x = 1 1 1 1 0 0, rest = total - x = 3 2 1 1 1 0; means 2/3 and 4/3.
    #   Sxy = sum(x*rest) - n*mx*my = 7 - 6*(2/3)*(4/3) = 5/3
    #   Sxx = 4 - 6*(4/9) = 4/3;   Syy = sum(rest^2) - n*my^2 = 16 - 6*(16/9) = 16/3
    #   r = (5/3) / sqrt(4/3 * 16/3) = (5/3) / (8/3) = 5/8
    assert questions[1].discrimination == pytest.approx(5 / 8)
    # I3: x = 1 1 0 1 0 0, rest = 3 2 2 1 1 0; means 1/2 and 3/2.
    #   Sxy = 6 - 6*0.5*1.5 = 1.5;  Sxx = 3 - 1.5 = 1.5;  Syy = 19 - 6*2.25 = 5.5
    assert questions[3].discrimination == pytest.approx(1.5 / math.sqrt(1.5 * 5.5))
    # I4: x = 1 0 0 0 0 0, rest = 3 3 2 2 1 0; means 1/6 and 11/6.
    #   Sxy = 3 - 11/6 = 7/6;  Sxx = 1 - 1/6 = 5/6;  Syy = 27 - 121/6 = 41/6
    #   r = (7/6) / sqrt(5/6 * 41/6) = 7 / sqrt(205)
    assert questions[4].discrimination == pytest.approx(7 / math.sqrt(205))


def test_corrected_discrimination_matches_the_stdlib_correlation():
    questions = analyse_items(records_from(HAND)).questions
    for q in (1, 2, 3, 4):
        item = [row[q - 1] for row in HAND]
        rest = [sum(row) - row[q - 1] for row in HAND]
        assert questions[q].discrimination == pytest.approx(statistics.correlation(item, rest))


def test_upper_lower_group_discrimination_of_the_hand_matrix():
    questions = analyse_items(records_from(HAND)).questions
    # round(0.27 * 6) = 2 per group: upper = candidates 1, 2 (totals 4, 3); lower = 6, 5 (totals 0, 1).
    assert [questions[q].upper_facility for q in (1, 2, 3, 4)] == [1.0, 1.0, 1.0, 0.5]
    assert [questions[q].lower_facility for q in (1, 2, 3, 4)] == [0.0, 0.5, 0.0, 0.0]
    assert [questions[q].group_discrimination for q in (1, 2, 3, 4)] == [1.0, 0.5, 1.0, 0.5]


def test_alpha_and_sem_of_the_hand_matrix():
    quiz = analyse_items(records_from(HAND)).quiz
    # Item sample variances (p - p^2/n)/(n - 1): 4/15, 4/15, 3/10, 1/6, summing to exactly 1.
    # Totals 4 3 2 2 1 0: mean 2, squared deviations 4+1+0+0+1+4 = 10, sample variance 2.
    # alpha = 4/3 * (1 - 1/2) = 2/3;  SEM = sqrt(2) * sqrt(1/3).
    assert quiz.attempts == 6 and quiz.questions == 4 and quiz.complete_attempts == 6
    assert quiz.mean == pytest.approx(2.0)
    assert quiz.sd == pytest.approx(math.sqrt(2))
    assert quiz.alpha == pytest.approx(2 / 3)
    assert quiz.sem == pytest.approx(math.sqrt(2 / 3))


def test_alpha_equals_kr20_for_dichotomous_items():
    # KR-20 = k/(k-1) * (1 - sum p*q / population variance of totals).
    n, k = len(HAND), len(HAND[0])
    p = [sum(column) / n for column in zip(*HAND, strict=True)]
    kr20 = k / (k - 1) * (1 - sum(pi * (1 - pi) for pi in p) / statistics.pvariance([sum(r) for r in HAND]))
    assert kr20 == pytest.approx(2 / 3)
    assert cronbach_alpha(HAND) == pytest.approx(kr20)


def test_alpha_matches_the_covariance_form_on_partial_credit():
    rng = random.Random(20240501)
    # Partial credit driven partly by a shared ability, so alpha is well away from 0 and 1.
    matrix = []
    for _ in range(40):
        ability = rng.random()
        matrix.append([round(min(1.0, max(0.0, ability + rng.uniform(-0.4, 0.4))), 2) for _ in range(5)])
    assert cronbach_alpha(matrix) == pytest.approx(textbook_alpha(matrix))
    assert analyse_items(records_from(matrix)).quiz.alpha == pytest.approx(textbook_alpha(matrix))


# --------------------------------------------------------------------------- known values of alpha

def test_parallel_items_have_alpha_one_and_no_measurement_error():
    credits = [0.0, 0.25, 0.5, 0.5, 0.75, 1.0, 1.0, 0.0]
    quiz = analyse_items(records_from([[c, c, c, c] for c in credits])).quiz
    assert quiz.alpha == pytest.approx(1.0)
    assert quiz.sem == pytest.approx(0.0, abs=1e-6)


def test_independent_random_items_have_alpha_near_zero():
    rng = random.Random(12345)
    matrix = [[float(rng.random() < 0.5) for _ in range(8)] for _ in range(3000)]
    alpha = analyse_items(records_from(matrix)).quiz.alpha
    # The sampling SD of alpha here is about sqrt(2k / ((k-1) n)) = 0.028.
    assert alpha is not None and abs(alpha) < 0.1


def test_negative_alpha_is_reported_but_gives_no_sem():
    # Items pull apart: item variances 0.3 + 0.3, totals 1 1 1 1 0 have variance 0.2.
    # alpha = 2 * (1 - 0.6 / 0.2) = -4.
    quiz = analyse_items(records_from([[1, 0], [0, 1], [1, 0], [0, 1], [0, 0]])).quiz
    assert quiz.alpha == pytest.approx(-4.0)
    assert quiz.sem is None


# --------------------------------------------------------------------------- flags

def test_an_item_answered_right_by_the_weak_and_wrong_by_the_strong_is_flagged():
    # Ability 0..11. Good items are right above a cut-off; the bad one only below 6.
    matrix = [[int(a > 3), int(a > 5), int(a > 7), int(a < 6)] for a in range(12)]
    questions = analyse_items(records_from(matrix)).questions
    bad = questions[4]
    assert bad.discrimination is not None and bad.discrimination < 0
    assert bad.group_discrimination is not None and bad.group_discrimination < 0
    assert set(bad.flags) == {Flag.LOW_DISCRIMINATION, Flag.NEGATIVE_DISCRIMINATION}
    for q in (1, 2, 3):
        assert questions[q].discrimination is not None and questions[q].discrimination > 0.2
        assert questions[q].flags == ()


def test_too_easy_and_too_hard_need_the_minimum_sample():
    # Item 1 right for everyone, item 2 right for one candidate in ten; item 3 spreads the totals.
    matrix = [[1, int(i == 9), int(i >= 5)] for i in range(10)]
    questions = analyse_items(records_from(matrix)).questions
    assert questions[1].facility == 1.0 and questions[1].flags == (Flag.TOO_EASY,)
    assert questions[2].facility == pytest.approx(0.1) and Flag.TOO_HARD in questions[2].flags
    # The same data judged with a minimum of 11 attempts: no flags at all.
    quiet = analyse_items(records_from(matrix), thresholds=FlagThresholds(min_attempts=11)).questions
    assert all(stats.flags == () for stats in quiet.values())
    # And below the default minimum of 10.
    assert all(stats.flags == () for stats in analyse_items(records_from(matrix[:9])).questions.values())


def test_thresholds_are_parameters():
    matrix = [[1, int(i == 9), int(i >= 5)] for i in range(10)]
    strict = FlagThresholds(too_easy=1.0, too_hard=0.05)
    questions = analyse_items(records_from(matrix), thresholds=strict).questions
    assert Flag.TOO_EASY not in questions[1].flags
    assert Flag.TOO_HARD not in questions[2].flags


# --------------------------------------------------------------------------- distractors

def distractor_records() -> list[ResponseRecord]:
    """20 attempts at question 1 (options 11 right, 12-14 wrong), attempt i having total i.

    Attempts 0-1 leave it blank, 2-4 choose 12, 5-14 choose 11, 15-16 choose 13, 17-19 choose 11.
    """
    chosen = [None, None, 12, 12, 12] + [11] * 10 + [13, 13] + [11] * 3
    return [ResponseRecord(i, 1, None if c is None else float(c == 11), () if c is None else (c,), float(i))
            for i, c in enumerate(chosen)]


OPTIONS = {1: [(11, True), (12, False), (13, False), (14, False)]}


def test_distractor_counts_and_group_proportions():
    stats = analyse_items(distractor_records(), OPTIONS).questions[1]
    assert stats.attempts == 20 and stats.unanswered == 2
    assert stats.facility == pytest.approx(13 / 20)
    by_id = {option.option_id: option for option in stats.options}
    assert [option.option_id for option in stats.options] == [11, 12, 13, 14]
    assert [by_id[o].count for o in (11, 12, 13, 14)] == [13, 3, 2, 0]
    assert [by_id[o].proportion for o in (11, 12, 13, 14)] == pytest.approx([0.65, 0.15, 0.10, 0.0])
    assert by_id[11].is_correct and not by_id[12].is_correct
    # round(0.27 * 20) = 5: upper = attempts 15-19 (13, 13, 11, 11, 11), lower = 0-4 (-, -, 12, 12, 12).
    assert [by_id[o].upper_proportion for o in (11, 12, 13, 14)] == pytest.approx([0.6, 0.0, 0.4, 0.0])
    assert [by_id[o].lower_proportion for o in (11, 12, 13, 14)] == pytest.approx([0.0, 0.6, 0.0, 0.0])
    assert stats.group_discrimination == pytest.approx(0.6)


def test_unused_and_attractive_distractors_are_flagged():
    stats = analyse_items(distractor_records(), OPTIONS).questions[1]
    by_id = {option.option_id: option for option in stats.options}
    assert by_id[14].flags == (Flag.DISTRACTOR_UNUSED,)    # chosen by nobody out of 20
    assert by_id[13].flags == (Flag.DISTRACTOR_ATTRACTIVE,)  # 40 % of the upper group, 0 % of the lower
    assert by_id[12].flags == ()                            # a healthy distractor: the weak take it
    assert by_id[11].flags == ()                            # the key is never a distractor
    assert Flag.DISTRACTOR_UNUSED in stats.flags and Flag.DISTRACTOR_ATTRACTIVE in stats.flags


def test_unused_distractor_needs_its_own_minimum_sample():
    thresholds = FlagThresholds(min_attempts_unused=21)
    stats = analyse_items(distractor_records(), OPTIONS, thresholds=thresholds).questions[1]
    assert Flag.DISTRACTOR_UNUSED not in stats.flags
    assert Flag.DISTRACTOR_ATTRACTIVE in stats.flags


def test_questions_without_options_get_no_distractor_analysis():
    assert analyse_items(distractor_records()).questions[1].options == ()


def test_an_option_not_listed_for_the_question_is_refused():
    with pytest.raises(ValueError, match="not listed"):
        analyse_items(distractor_records(), {1: [(11, True), (12, False)]})


# --------------------------------------------------------------------------- edge cases

def test_equal_totals_leave_discrimination_and_alpha_undefined():
    # Everyone scores 1 of 2, on different items: items vary, totals do not.
    analysis = analyse_items(records_from([[1, 0], [0, 1], [1, 0], [0, 1]]))
    for stats in analysis.questions.values():
        assert stats.facility == 0.5
        assert stats.group_discrimination is None and stats.upper_facility is None
    assert analysis.quiz.sd == 0.0
    assert analysis.quiz.alpha is None and analysis.quiz.sem is None


def test_an_item_without_variance_has_no_discrimination():
    analysis = analyse_items(records_from([[1, 1], [1, 0], [1, 1], [1, 0]]))
    constant = analysis.questions[1]
    assert constant.sd == 0.0 and constant.discrimination is None
    assert constant.group_discrimination == 0.0  # both groups all right: a real zero, not undefined
    assert analysis.quiz.alpha is not None  # the other item still varies


def test_a_single_attempt():
    analysis = analyse_items(records_from([[1, 0.5]]))
    stats = analysis.questions[2]
    assert stats.facility == 0.5 and stats.sd is None and stats.discrimination is None
    assert stats.group_discrimination is None
    assert analysis.quiz.mean == 1.5 and analysis.quiz.sd is None and analysis.quiz.alpha is None


def test_a_single_item():
    analysis = analyse_items(records_from([[1], [0], [1]]))
    # The rest of the test is empty (always 0), so there is nothing to correlate with.
    assert analysis.questions[1].discrimination is None
    assert analysis.questions[1].group_discrimination == 1.0
    assert analysis.quiz.alpha is None


def test_no_records_at_all():
    analysis = analyse_items([])
    assert analysis.questions == {}
    assert analysis.quiz.attempts == 0 and analysis.quiz.mean is None and analysis.quiz.alpha is None


def test_unanswered_counts_as_zero_but_is_counted_separately():
    blank = analyse_items(records_from([[1, 1], [None, 0], [0, 1], [None, 0]]))
    wrong = analyse_items(records_from([[1, 1], [0, 0], [0, 1], [0, 0]]))
    assert blank.questions[1].unanswered == 2 and wrong.questions[1].unanswered == 0
    assert blank.questions[1].facility == wrong.questions[1].facility == 0.25
    assert blank.questions[1].discrimination == pytest.approx(wrong.questions[1].discrimination)
    assert blank.quiz.alpha == pytest.approx(wrong.quiz.alpha)


def test_attempts_missing_a_question_are_left_out_of_alpha_only():
    records = records_from(HAND) + [ResponseRecord(99, 1, 1.0, (), 1.0)]  # saw question 1 only
    analysis = analyse_items(records)
    assert analysis.questions[1].attempts == 7 and analysis.questions[2].attempts == 6
    assert analysis.quiz.attempts == 7 and analysis.quiz.complete_attempts == 6
    assert analysis.quiz.alpha == pytest.approx(2 / 3)


def test_weights_in_the_units_of_the_total():
    # The platform scores out of 10: four equal questions are worth 2.5 each.
    weights = {q: 2.5 for q in (1, 2, 3, 4)}
    raw = analyse_items(records_from(HAND))
    scaled = analyse_items(records_from(HAND, weights), weights=weights)
    for q in (1, 2, 3, 4):
        assert scaled.questions[q].facility == pytest.approx(raw.questions[q].facility)
        assert scaled.questions[q].discrimination == pytest.approx(raw.questions[q].discrimination)
    assert scaled.quiz.alpha == pytest.approx(2 / 3)
    assert scaled.quiz.mean == pytest.approx(5.0)
    assert scaled.quiz.sem == pytest.approx(2.5 * math.sqrt(2 / 3))


def test_unequal_weights_enter_alpha_and_the_rest_score():
    weights = {1: 1.0, 2: 1.0, 3: 1.0, 4: 3.0}
    analysis = analyse_items(records_from(HAND, weights), weights=weights)
    weighted = [[credit * weights[q] for q, credit in enumerate(row, start=1)] for row in HAND]
    assert analysis.quiz.alpha == pytest.approx(textbook_alpha(weighted))
    # The rest score of item 1 is the weighted total without it.
    rest = [sum(row) - row[0] for row in weighted]
    assert analysis.questions[1].discrimination == pytest.approx(
        statistics.correlation([row[0] for row in HAND], rest))


# --------------------------------------------------------------------------- building blocks and bad input

def test_building_blocks_on_degenerate_input():
    assert pearson([1.0], [2.0]) is None
    assert pearson([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
    assert pearson([0.1 + 0.2, 0.3], [1.0, 2.0]) is None  # differ by rounding alone
    assert pearson([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]) == -1.0
    assert cronbach_alpha([]) is None
    assert cronbach_alpha([[1.0], [0.0]]) is None
    assert standard_error_of_measurement(None, 0.5) is None
    assert standard_error_of_measurement(2.0, None) is None
    assert standard_error_of_measurement(2.0, 0.75) == 1.0
    with pytest.raises(ValueError):
        pearson([1.0, 2.0], [1.0])
    with pytest.raises(ValueError):
        cronbach_alpha([[1.0, 0.0], [1.0]])


@pytest.mark.parametrize("credit", [-0.1, 1.5, math.nan])
def test_credit_outside_zero_to_one_is_refused(credit):
    with pytest.raises(ValueError, match="credit"):
        ResponseRecord(1, 1, credit, (), 1.0)


def test_malformed_records_are_refused():
    with pytest.raises(ValueError, match="total_score"):
        ResponseRecord(1, 1, 1.0, (), math.inf)
    with pytest.raises(ValueError, match="twice"):
        ResponseRecord(1, 1, 1.0, (5, 5), 1.0)
    with pytest.raises(ValueError, match="two records"):
        analyse_items([ResponseRecord(1, 1, 1.0, (), 1.0), ResponseRecord(1, 1, 0.0, (), 1.0)])
    with pytest.raises(ValueError, match="conflicting"):
        analyse_items([ResponseRecord(1, 1, 1.0, (), 1.0), ResponseRecord(1, 2, 0.0, (), 2.0)])
    for bad_weight in (0.0, -1.0, math.nan):
        with pytest.raises(ValueError, match="weight"):
            analyse_items(records_from(HAND), weights={1: bad_weight})
    with pytest.raises(ValueError, match="group_fraction"):
        analyse_items(records_from(HAND), group_fraction=0.6)
