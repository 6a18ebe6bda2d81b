"""Checking and grading a response to one question, for every question type.

``validate_response`` turns what a browser sent into the stored form or raises
``InvalidResponse`` (bad input never reaches the grader); ``grade`` computes the credit,
a fraction of the question's marks between 0 and 1, or says a person must mark it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lms.text import fold, nfc
from quizzes.models import Question, QuestionType

MAX_TEXT_LENGTH = 20_000  # an essay of a few pages; anything longer is refused, not cut


class InvalidResponse(ValueError):
    """The response does not fit the question (unknown option, wrong shape, too long)."""


@dataclass(frozen=True)
class Grade:
    """The credit earned (0..1) and whether a person still has to mark the answer."""

    credit: float | None
    needs_marking: bool = False


def _option_ids(question: Question) -> set[int]:
    return {o.id for o in question.options}


def _as_id(value) -> int:
    if isinstance(value, bool):
        raise InvalidResponse("option id must be a number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit() and len(value) < 12:
        return int(value)
    raise InvalidResponse("option id must be a number")


def _text(value) -> str:
    if not isinstance(value, str):
        raise InvalidResponse("text expected")
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidResponse("text too long")
    return nfc(value)


def right_hand_texts(question: Question) -> list[str]:
    """The distinct right-hand texts of a matching question, in a stable order."""
    seen: dict[str, None] = {}
    for option in question.options:
        if option.match_text is not None:
            seen.setdefault(option.match_text, None)
    return list(seen)


def validate_response(question: Question, raw: dict | None) -> dict | None:
    """Check ``raw`` against ``question`` and return the canonical response (None = blank)."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidResponse("response must be an object")
    qtype = question.qtype
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.TRUE_FALSE):
        if raw.get("option") in (None, ""):
            return None
        option = _as_id(raw["option"])
        if option not in _option_ids(question):
            raise InvalidResponse("unknown option")
        return {"option": option}
    if qtype is QuestionType.MULTIPLE_RESPONSE:
        chosen = raw.get("options") or []
        if not isinstance(chosen, list) or len(chosen) > len(question.options):
            raise InvalidResponse("options must be a list")
        ids = sorted({_as_id(v) for v in chosen})
        if not set(ids) <= _option_ids(question):
            raise InvalidResponse("unknown option")
        return {"options": ids} if ids else None
    if qtype in (QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL, QuestionType.ESSAY):
        text = _text(raw.get("text", ""))
        return {"text": text} if text else None
    if qtype is QuestionType.MATCHING:
        pairs = raw.get("pairs") or {}
        if not isinstance(pairs, dict):
            raise InvalidResponse("pairs must be an object")
        lefts = {str(o.id) for o in question.options if o.text}
        rights = set(right_hand_texts(question))
        clean = {}
        for left, right in pairs.items():
            if str(left) not in lefts:
                raise InvalidResponse("unknown left item")
            if right in (None, ""):
                continue
            if not isinstance(right, str) or right not in rights:
                raise InvalidResponse("unknown right item")
            clean[str(left)] = right
        return {"pairs": clean} if clean else None
    if qtype is QuestionType.DESCRIPTION:
        return None
    raise InvalidResponse("unsupported question type")


def _compare_form(text: str, question: Question) -> str:
    text = " ".join(nfc(text).split())
    if question.ignore_diacritics:
        return fold(text)
    return text if question.case_sensitive else text.lower()


def _matches_pattern(answer: str, response: str, question: Question) -> bool:
    """Moodle short-answer matching: ``*`` in an accepted answer matches any characters."""
    pattern = _compare_form(answer, question)
    target = _compare_form(response, question)
    if "*" not in pattern:
        return pattern == target
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, target, flags=re.DOTALL) is not None


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def parse_number(text: str) -> float | None:
    """A number typed by a person: "1,5" and "1.5" are both one and a half; None if not a number."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not _NUMBER.match(cleaned):
        return None
    value = float(cleaned.replace(",", "."))
    return value if math.isfinite(value) else None


def grade(question: Question, response: dict | None) -> Grade:
    """The credit ``response`` earns on ``question`` (see ``validate_response`` for shapes)."""
    qtype = question.qtype
    if qtype is QuestionType.DESCRIPTION:
        return Grade(credit=None)
    if qtype is QuestionType.ESSAY:
        return Grade(credit=None if response else 0.0, needs_marking=bool(response))
    if not response:
        return Grade(credit=0.0)
    options = {o.id: o for o in question.options}
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.TRUE_FALSE):
        credit = options[response["option"]].fraction
    elif qtype is QuestionType.MULTIPLE_RESPONSE:
        credit = sum(options[i].fraction for i in response["options"])
    elif qtype is QuestionType.SHORT_ANSWER:
        credit = max((o.fraction for o in question.options if _matches_pattern(o.text, response["text"], question)),
                     default=0.0)
    elif qtype is QuestionType.NUMERICAL:
        credit = _numerical_credit(question, response["text"])
    elif qtype is QuestionType.MATCHING:
        stems = [o for o in question.options if o.text]
        right = sum(1 for o in stems if response["pairs"].get(str(o.id)) == o.match_text)
        credit = right / len(stems) if stems else 0.0
    else:  # pragma: no cover - every type is handled above
        raise InvalidResponse("unsupported question type")
    return Grade(credit=max(0.0, min(1.0, credit)))


def _numerical_credit(question: Question, text: str) -> float:
    value = parse_number(text)
    if value is None:
        return 0.0
    best = 0.0
    for option in question.options:
        if option.text == "*":  # Moodle's catch-all answer for feedback on any other number
            continue
        if option.min_value is not None and option.max_value is not None:
            hit = option.min_value <= value <= option.max_value
        else:
            target = float(option.text)
            hit = abs(value - target) <= (option.tolerance or 0.0) + 1e-9 * max(1.0, abs(target))
        if hit:
            best = max(best, option.fraction)
    return best


def feedback_for(question: Question, response: dict | None) -> list[str]:
    """The per-answer feedback a learner sees after answering (after the attempt ends)."""
    if not response:
        return []
    options = {o.id: o for o in question.options}
    if "option" in response:
        return [options[response["option"]].feedback] if options[response["option"]].feedback else []
    if "options" in response:
        return [options[i].feedback for i in response["options"] if options[i].feedback]
    if question.qtype is QuestionType.SHORT_ANSWER:
        hit = next((o for o in question.options if _matches_pattern(o.text, response["text"], question)), None)
        return [hit.feedback] if hit and hit.feedback else []
    return []


def response_from_form(question: Question, form) -> dict | None:
    """The raw response a plain HTML form sent for ``question`` (the page works without JS).

    Field names: ``q<id>`` (one value, several for multiple response, or text) and
    ``q<id>-<left option id>`` for each matching row.
    """
    name = f"q{question.id}"
    qtype = question.qtype
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.TRUE_FALSE):
        return {"option": form.get(name)}
    if qtype is QuestionType.MULTIPLE_RESPONSE:
        return {"options": form.getlist(name)}
    if qtype in (QuestionType.SHORT_ANSWER, QuestionType.NUMERICAL, QuestionType.ESSAY):
        return {"text": form.get(name, "")}
    if qtype is QuestionType.MATCHING:
        return {"pairs": {str(o.id): form.get(f"{name}-{o.id}", "") for o in question.options if o.text}}
    return None


def correct_answer_text(question: Question) -> list[str]:
    """The right answer(s) in words, for the review after an attempt."""
    qtype = question.qtype
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_RESPONSE, QuestionType.SHORT_ANSWER):
        return [o.text for o in question.options if o.fraction >= 1.0] or \
            [o.text for o in question.options if o.fraction > 0]
    if qtype is QuestionType.TRUE_FALSE:
        return [o.text for o in question.options if o.fraction >= 1.0]
    if qtype is QuestionType.NUMERICAL:
        shown = []
        for o in question.options:
            if o.fraction < 1.0 or o.text == "*":
                continue
            if o.min_value is not None and o.max_value is not None and o.min_value != o.max_value:
                shown.append(f"{o.min_value:g}..{o.max_value:g}")
            elif o.tolerance:
                shown.append(f"{o.text} ± {o.tolerance:g}")
            else:
                shown.append(o.text)
        return shown
    if qtype is QuestionType.MATCHING:
        return [f"{o.text} → {o.match_text}" for o in question.options if o.text]
    return []
