"""Classical test theory item analysis of quiz attempts, as pure functions over plain data.

Nothing here touches the database or Flask: the caller turns attempts into
``ResponseRecord`` rows and gets back frozen dataclasses.  The statistics follow
Moodle's quiz statistics report where Moodle defines one (facility index,
discrimination index as the corrected item-total correlation, Cronbach's alpha,
standard error of measurement), plus Kelley's upper/lower 27 % group index and a
distractor analysis.

Public API:

* ``analyse_items(records, options=None, *, weights=None, thresholds=FlagThresholds(),
  group_fraction=0.27) -> ItemAnalysis``;
* the building blocks ``pearson``, ``cronbach_alpha`` and ``standard_error_of_measurement``;
* the dataclasses ``ResponseRecord``, ``FlagThresholds``, ``OptionStatistics``,
  ``QuestionStatistics``, ``QuizStatistics``, ``ItemAnalysis`` and the ``Flag`` names.

Conventions:

* An unanswered question (``credit=None``) scores 0 in every score statistic, as in
  Moodle, and is also counted in ``QuestionStatistics.unanswered``.
* Variances and standard deviations are sample ones (divisor n - 1), as Moodle's are;
  alpha and the correlations do not depend on that choice.
* ``weights`` are the marks a question carries *in the units of* ``total_score``, so that
  ``total_score - credit * weight`` is the score on the rest of the quiz.  This platform
  stores ``Attempt.score`` out of 10 with every question worth the same, so its callers pass
  ``weights={qid: 10 / number_of_questions}`` (and ``credit=None`` where ``option_id`` is None).
* A statistic that cannot be computed (too few attempts, no spread) is ``None``, never an
  exception; malformed input (duplicate rows, conflicting totals, unknown options) raises
  ``ValueError``.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "Flag",
    "FlagThresholds",
    "ItemAnalysis",
    "OptionStatistics",
    "QuestionStatistics",
    "QuizStatistics",
    "ResponseRecord",
    "analyse_items",
    "cronbach_alpha",
    "pearson",
    "standard_error_of_measurement",
]

# Values closer together than this (relative to their size) count as having no spread:
# totals such as 0.1 + 0.2 and 0.3 differ by rounding alone, and a correlation computed
# from such noise would be meaningless rather than undefined.
_RELATIVE_TOLERANCE = 1e-9


class Flag(StrEnum):
    """Why a question (or one of its options) deserves a reviewer's look."""

    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    LOW_DISCRIMINATION = "low_discrimination"
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    DISTRACTOR_UNUSED = "distractor_unused"
    DISTRACTOR_ATTRACTIVE = "distractor_attractive"


@dataclass(frozen=True)
class ResponseRecord:
    """One attempt's response to one question.

    ``credit`` is the fraction of the question's marks earned (0..1), or None when the
    question was not answered; ``chosen_option_ids`` is empty for non-choice questions and
    unanswered ones; ``total_score`` is the attempt's total, the same on all its records.
    """

    attempt_id: int
    question_id: int
    credit: float | None
    chosen_option_ids: tuple[int, ...]
    total_score: float

    def __post_init__(self) -> None:
        if self.credit is not None and not 0.0 <= self.credit <= 1.0:  # also refuses NaN
            raise ValueError(f"credit must be between 0 and 1 or None, not {self.credit!r}")
        if not math.isfinite(self.total_score):
            raise ValueError(f"total_score must be a finite number, not {self.total_score!r}")
        if len(set(self.chosen_option_ids)) != len(self.chosen_option_ids):
            raise ValueError(f"option chosen twice in {self.chosen_option_ids!r}")

    @property
    def score(self) -> float:
        """The credit with an unanswered question counted as 0."""
        return 0.0 if self.credit is None else self.credit


@dataclass(frozen=True)
class FlagThresholds:
    """When a question is flagged; the defaults are the usual rules of thumb.

    * ``min_attempts`` (10): no flag at all below this many attempts at the question,
      since every statistic is noise on a handful of candidates.
    * ``too_easy`` (0.9): ``too_easy`` when the facility index is above it.
    * ``too_hard`` (0.2): ``too_hard`` when the facility index is below it.
    * ``low_discrimination`` (0.2): ``low_discrimination`` when the corrected item-total
      correlation is below it; ``negative_discrimination`` is raised as well below 0.
    * ``min_attempts_unused`` (20) and ``unused_proportion`` (0.05): ``distractor_unused``
      when a wrong option is chosen by fewer than 5 % of at least 20 attempts.
    * ``distractor_attractive`` has no threshold: a wrong option chosen by a larger share
      of the upper group than of the lower group.
    """

    min_attempts: int = 10
    too_easy: float = 0.9
    too_hard: float = 0.2
    low_discrimination: float = 0.2
    min_attempts_unused: int = 20
    unused_proportion: float = 0.05


@dataclass(frozen=True)
class OptionStatistics:
    """How often one option was chosen, overall and in the upper and lower groups.

    Proportions are of all the question's attempts (unanswered included), so for a
    single-choice question they add up to 1 minus the unanswered share.  The group
    proportions are None when the groups cannot be formed.
    """

    option_id: int
    is_correct: bool
    count: int
    proportion: float
    upper_proportion: float | None
    lower_proportion: float | None
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class QuestionStatistics:
    """Item statistics for one question.

    * ``facility``: mean credit (0..1), Moodle's facility index;
    * ``sd``: sample standard deviation of the credit, None below 2 attempts;
    * ``discrimination``: Pearson correlation of the credit with the rest of the quiz
      (total minus this question), Moodle's discrimination index, None without spread;
    * ``upper_facility`` / ``lower_facility`` / ``group_discrimination``: mean credit in the
      top and bottom groups by total score and their difference D, None when the groups
      cannot be formed or all totals are equal;
    * ``options``: distractor analysis, empty when no options were given for the question.
    """

    question_id: int
    attempts: int
    unanswered: int
    facility: float
    sd: float | None
    discrimination: float | None
    upper_facility: float | None
    lower_facility: float | None
    group_discrimination: float | None
    options: tuple[OptionStatistics, ...]
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class QuizStatistics:
    """Whole-quiz statistics.

    ``mean`` and ``sd`` are of the attempts' total scores; ``alpha`` is computed on the
    ``complete_attempts`` (those with a record for every question) from the weighted
    item scores; ``sem`` is ``sd * sqrt(1 - alpha)`` in the units of the total score.
    """

    attempts: int
    questions: int
    mean: float | None
    sd: float | None
    complete_attempts: int
    alpha: float | None
    sem: float | None


@dataclass(frozen=True)
class ItemAnalysis:
    """The per-question statistics, in order of first appearance, and the quiz statistics."""

    questions: Mapping[int, QuestionStatistics]
    quiz: QuizStatistics


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson correlation of two paired samples: +1 when they rise together, 0 when unrelated.

    None when there are fewer than 2 pairs or either sample has no spread.
    """
    if len(xs) != len(ys):
        raise ValueError(f"paired samples differ in length: {len(xs)} and {len(ys)}")
    if len(xs) < 2 or _no_spread(xs) or _no_spread(ys):
        return None
    mean_x, mean_y = _mean(xs), _mean(ys)
    dx = [x - mean_x for x in xs]
    dy = [y - mean_y for y in ys]
    r = math.fsum(a * b for a, b in zip(dx, dy, strict=True)) / math.sqrt(
        math.fsum(a * a for a in dx) * math.fsum(b * b for b in dy))
    # Rounding can push a perfect correlation a hair past 1.
    return max(-1.0, min(1.0, r))


def cronbach_alpha(item_scores: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha: internal consistency of the items, 1 when they agree perfectly, near 0 when unrelated.

    Computed as k/(k-1) * (1 - sum of item variances / variance of the totals), where
    ``item_scores`` has one row per attempt and one column per item.  None with fewer than
    2 attempts, fewer than 2 items or totals without spread.  Alpha can be negative, which
    means the items do not measure one common thing.
    """
    if len({len(row) for row in item_scores}) > 1:
        raise ValueError("every attempt needs a score for every item")
    if len(item_scores) < 2 or len(item_scores[0]) < 2:
        return None
    k = len(item_scores[0])
    totals = [math.fsum(row) for row in item_scores]
    if _no_spread(totals):
        return None
    item_variance = math.fsum(_variance(column) for column in zip(*item_scores, strict=True))
    return k / (k - 1) * (1.0 - item_variance / _variance(totals))


def standard_error_of_measurement(sd: float | None, alpha: float | None) -> float | None:
    """SEM = sd * sqrt(1 - alpha): the typical distance between an observed and a true score.

    None when either input is None or alpha is negative, where the formula has no meaning.
    """
    if sd is None or alpha is None or alpha < 0:
        return None
    # An alpha of 1 computed in floating point can come out a hair above 1.
    return sd * math.sqrt(max(0.0, 1.0 - alpha))


def analyse_items(
    records: Iterable[ResponseRecord],
    options: Mapping[int, Sequence[tuple[int, bool]]] | None = None,
    *,
    weights: Mapping[int, float] | None = None,
    thresholds: FlagThresholds = FlagThresholds(),
    group_fraction: float = 0.27,
) -> ItemAnalysis:
    """Item analysis of attempts: each question's difficulty, discrimination and distractors, and quiz reliability.

    ``options`` maps a question id to its ``(option_id, is_correct)`` pairs; questions
    absent from it get no distractor analysis.  ``weights`` maps a question id to its marks
    in the units of ``total_score`` (default 1).  ``group_fraction`` is the share of attempts
    in each of the upper and lower groups (Kelley's 27 %).
    """
    if not 0.0 < group_fraction <= 0.5:
        raise ValueError(f"group_fraction must be in (0, 0.5], not {group_fraction!r}")
    options = options or {}
    weights = weights or {}
    by_question = _records_by_question(records)
    for question_id in by_question:
        if not weights.get(question_id, 1.0) > 0:  # also refuses NaN
            raise ValueError(f"weight of question {question_id} must be positive")

    questions = {
        question_id: _question_statistics(
            question_id, rows, options.get(question_id), weights.get(question_id, 1.0),
            thresholds, group_fraction)
        for question_id, rows in by_question.items()
    }
    return ItemAnalysis(questions=questions, quiz=_quiz_statistics(by_question, weights))


def _records_by_question(records: Iterable[ResponseRecord]) -> dict[int, list[ResponseRecord]]:
    """Group the records by question, refusing duplicates and conflicting totals."""
    by_question: dict[int, list[ResponseRecord]] = {}
    totals: dict[int, float] = {}
    seen: set[tuple[int, int]] = set()
    for record in records:
        key = (record.attempt_id, record.question_id)
        if key in seen:
            raise ValueError(f"attempt {record.attempt_id} has two records for question {record.question_id}")
        seen.add(key)
        if totals.setdefault(record.attempt_id, record.total_score) != record.total_score:
            raise ValueError(f"attempt {record.attempt_id} has conflicting total scores")
        by_question.setdefault(record.question_id, []).append(record)
    return by_question


def _question_statistics(
    question_id: int,
    rows: list[ResponseRecord],
    option_list: Sequence[tuple[int, bool]] | None,
    weight: float,
    thresholds: FlagThresholds,
    group_fraction: float,
) -> QuestionStatistics:
    n = len(rows)
    scores = [row.score for row in rows]
    rest = [row.total_score - row.score * weight for row in rows]
    facility = _mean(scores)
    discrimination = pearson(scores, rest)

    groups = _upper_lower(rows, group_fraction)
    upper_facility: float | None = None
    lower_facility: float | None = None
    group_discrimination: float | None = None
    if groups is not None:
        upper, lower = groups
        upper_facility = _mean([row.score for row in upper])
        lower_facility = _mean([row.score for row in lower])
        group_discrimination = upper_facility - lower_facility

    option_stats = _option_statistics(question_id, rows, option_list, groups, thresholds)
    flags: list[Flag] = []
    if n >= thresholds.min_attempts:
        if facility > thresholds.too_easy:
            flags.append(Flag.TOO_EASY)
        if facility < thresholds.too_hard:
            flags.append(Flag.TOO_HARD)
        if discrimination is not None and discrimination < thresholds.low_discrimination:
            flags.append(Flag.LOW_DISCRIMINATION)
        if discrimination is not None and discrimination < 0:
            flags.append(Flag.NEGATIVE_DISCRIMINATION)
        for flag in (Flag.DISTRACTOR_UNUSED, Flag.DISTRACTOR_ATTRACTIVE):
            if any(flag in option.flags for option in option_stats):
                flags.append(flag)

    return QuestionStatistics(
        question_id=question_id,
        attempts=n,
        unanswered=sum(row.credit is None for row in rows),
        facility=facility,
        sd=_sd(scores),
        discrimination=discrimination,
        upper_facility=upper_facility,
        lower_facility=lower_facility,
        group_discrimination=group_discrimination,
        options=option_stats,
        flags=tuple(flags),
    )


def _upper_lower(
    rows: list[ResponseRecord], group_fraction: float,
) -> tuple[list[ResponseRecord], list[ResponseRecord]] | None:
    """The top and bottom ``group_fraction`` of the attempts by total score, or None.

    Groups need at least 2 attempts and some spread in the totals: with all totals equal
    the split would be decided by the tie-break alone.  Ties are broken by attempt id so
    that the result does not depend on the order of the records.
    """
    if len(rows) < 2 or _no_spread([row.total_score for row in rows]):
        return None
    ranked = sorted(rows, key=lambda row: (-row.total_score, row.attempt_id))
    size = min(len(rows) // 2, max(1, math.floor(group_fraction * len(rows) + 0.5)))
    return ranked[:size], ranked[-size:]


def _option_statistics(
    question_id: int,
    rows: list[ResponseRecord],
    option_list: Sequence[tuple[int, bool]] | None,
    groups: tuple[list[ResponseRecord], list[ResponseRecord]] | None,
    thresholds: FlagThresholds,
) -> tuple[OptionStatistics, ...]:
    if option_list is None:
        return ()
    known = {option_id for option_id, _ in option_list}
    for row in rows:
        unknown = set(row.chosen_option_ids) - known
        if unknown:
            raise ValueError(f"attempt {row.attempt_id} chose options {sorted(unknown)} "
                             f"not listed for question {question_id}")

    n = len(rows)
    result = []
    for option_id, is_correct in option_list:
        count = sum(option_id in row.chosen_option_ids for row in rows)
        proportion = count / n
        upper_proportion: float | None = None
        lower_proportion: float | None = None
        if groups is not None:
            upper, lower = groups
            upper_proportion = sum(option_id in row.chosen_option_ids for row in upper) / len(upper)
            lower_proportion = sum(option_id in row.chosen_option_ids for row in lower) / len(lower)
        flags: list[Flag] = []
        if not is_correct and n >= thresholds.min_attempts:
            if n >= thresholds.min_attempts_unused and proportion < thresholds.unused_proportion:
                flags.append(Flag.DISTRACTOR_UNUSED)
            if upper_proportion is not None and lower_proportion is not None \
                    and upper_proportion > lower_proportion:
                flags.append(Flag.DISTRACTOR_ATTRACTIVE)
        result.append(OptionStatistics(
            option_id=option_id, is_correct=is_correct, count=count, proportion=proportion,
            upper_proportion=upper_proportion, lower_proportion=lower_proportion, flags=tuple(flags)))
    return tuple(result)


def _quiz_statistics(by_question: dict[int, list[ResponseRecord]], weights: Mapping[int, float]) -> QuizStatistics:
    totals: dict[int, float] = {}
    weighted: dict[int, dict[int, float]] = {}  # attempt id -> question id -> credit * weight
    for question_id, rows in by_question.items():
        weight = weights.get(question_id, 1.0)
        for row in rows:
            totals[row.attempt_id] = row.total_score
            weighted.setdefault(row.attempt_id, {})[question_id] = row.score * weight
    # Alpha needs the same items for everyone, so attempts missing a question are left out
    # of it rather than scored 0 for a question they were never shown.
    matrix = [[items[question_id] for question_id in by_question]
              for items in weighted.values() if len(items) == len(by_question)]
    alpha = cronbach_alpha(matrix) if matrix else None
    sd = _sd(list(totals.values()))
    return QuizStatistics(
        attempts=len(totals),
        questions=len(by_question),
        mean=_mean(list(totals.values())) if totals else None,
        sd=sd,
        complete_attempts=len(matrix),
        alpha=alpha,
        sem=standard_error_of_measurement(sd, alpha),
    )


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _variance(values: Sequence[float]) -> float:
    """Sample variance (divisor n - 1); callers ensure at least 2 values."""
    mean = _mean(values)
    return math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _sd(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    return 0.0 if _no_spread(values) else math.sqrt(_variance(values))


def _no_spread(values: Sequence[float]) -> bool:
    low, high = min(values), max(values)
    return high - low <= _RELATIVE_TOLERANCE * max(1.0, abs(low), abs(high))
