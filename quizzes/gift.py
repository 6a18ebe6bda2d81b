"""Moodle GIFT reader and writer, with no dependencies outside the standard library.

The reader follows Moodle's own importer (``qformat_gift`` in
``question/format/gift/format.php`` together with the checks that
``qformat_default::importprocess`` and the question types apply while saving), so
a file that reads here is one that Moodle imports to the same questions.  Where
Moodle would quietly build a broken question, the reader raises ``GiftError``
instead; each such case is marked "Stricter than Moodle" below.

Public API:

* ``parse_gift(text) -> list[GiftQuestion]`` (all or nothing: raises ``GiftError``);
* ``write_gift(questions) -> str`` (raises ``ValueError`` for what GIFT cannot hold);
* the dataclasses ``GiftQuestion``, ``GiftAnswer``, ``GiftMatch`` and the
  ``QTYPES`` / ``TEXT_FORMATS`` vocabularies.

``GiftError`` messages are written for question authors, Vietnamese first: each is a
message id of the site's catalogue (marked with ``N_``), translated only when it is
shown (see ``GiftError``), so the parser needs no Flask and no translations to run.

How GIFT maps onto the model:

* ``single_choice``: ``{=right ~wrong ~%50%half}``; at least one ``=`` makes Moodle
  use radio buttons.  ``=`` always gives 100 %.
* ``multiple_response``: ``{~%50%a ~%50%b ~%-100%c}``, i.e. choices without any
  ``=``; the positive weights must add up to 100 %.
* ``true_false``: ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}``, optionally followed by
  ``#feedback when answered wrongly#feedback when answered rightly``.  Stored as
  two answers, ``"true"`` then ``"false"``, the correct one with fraction 1; each
  answer's feedback is what a learner who picks it sees.
* ``short_answer``: ``{=answer =%50%half-right answer}`` (only ``=``, no ``~``).
* ``numerical``: ``{#value:tolerance}``, ``{#min..max}`` or several answers
  ``{#=%100%value:tol#feedback =%50%value:tol}``; ``~#feedback`` at the end of the
  block is the feedback for every other number.
* ``matching``: ``{=item -> match =item -> match}``; ``= -> extra`` adds a
  distractor on the right.
* ``essay``: ``{}``; ``description``: text with no answer block.

``//`` lines are comments; ``// [id:X]`` and ``// [tag:Y]`` in the comment lines
of a question's own block (no blank line in between, as in Moodle) set its
``idnumber`` and ``tags``.  ``$CATEGORY: path`` in a block of its own sets the
``category`` of the questions that follow it.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from itertools import pairwise

__all__ = [
    "QTYPES",
    "TEXT_FORMATS",
    "GiftAnswer",
    "GiftError",
    "GiftMatch",
    "GiftQuestion",
    "parse_gift",
    "write_gift",
]

#: The question types this module reads and writes.
QTYPES = (
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numerical",
    "matching",
    "essay",
    "description",
)

#: The text formats GIFT can name in ``[...]`` before a text; ``moodle`` is the default.
TEXT_FORMATS = ("moodle", "html", "plain", "markdown")

#: The text GIFT puts where an answer block sat in the middle of a sentence.
BLANK = "_____"

# The only fractions Moodle accepts for an answer (question_bank::fraction_options_full);
# importing any other weight fails with "invalid grade".
_GRADE_STEPS = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333,
    0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05,
)
_GRADES = (0.0, *_GRADE_STEPS, *(-step for step in _GRADE_STEPS))

# What a backslash escapes, and to what (Moodle's escapedchar_pre/post).
_ESCAPES = {"\\": "\\", ":": ":", "#": "#", "=": "=", "{": "{", "}": "}", "~": "~", "n": "\n"}
# PHP's trim() set: Moodle trims with it, and it leaves other Unicode spaces alone.
_PHP_SPACE = " \t\n\r\0\x0b"
# Stands in for an escaped character in the structural view of a text (see _Src).
_HIDDEN = "\x01"

# Moodle's $giftanswerweightregex: %50%, %-33.33333%, %100% (as "10" + "0").
_WEIGHT = re.compile(r"%-*[0-9]{1,2}\.?[0-9]*%")
# PHP's is_numeric() for an already trimmed string (ASCII digits only).
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# Moodle's extract_idnumber_and_tags_from_comment; "\]" stands for "]" inside.
_ID_RE = re.compile(r"\[id:((?:\\\]|[^\]\x00-\x1f\x7f])+)\]")
_TAG_RE = re.compile(r"\[tag:((?:\\\]|[^\]<>`\x00-\x1f\x7f])*)\]")


@dataclass
class GiftAnswer:
    """One answer of a question.

    ``text`` is the answer as shown (choices, short answers), ``"true"``/``"false"``
    for true/false, or for numerical questions the value as a canonical decimal
    string (``"1822"``, ``"3.1415"``), or ``"*"`` for "any other number".
    ``fraction`` is the credit in [-1, 1], always one of Moodle's grades
    (``0.5``, ``-0.3333333``...).  ``feedback`` is shown to a learner who gives
    this answer.  Numerical answers also carry ``tolerance`` (the accepted error
    either side of the value); one written as a range ``min..max`` carries
    ``min`` and ``max`` too, with ``text``/``tolerance`` set to the midpoint and
    half-width as Moodle stores them.  ``text_format`` and ``feedback_format`` are the
    answer's and the feedback's own ``[format]`` (one of ``TEXT_FORMATS``), or "" when they
    take the question's, as Moodle keeps them (only choices keep an answer format: Moodle
    stores short and numerical answers as plain values).
    """

    text: str
    fraction: float
    feedback: str = ""
    tolerance: float | None = None
    min: float | None = None
    max: float | None = None
    text_format: str = ""
    feedback_format: str = ""


@dataclass
class GiftMatch:
    """One pair of a matching question; an empty ``left`` is an extra, unmatched choice.

    ``left_format`` is the left item's own ``[format]``, or "" for the question's (Moodle keeps
    a format per sub-question; the right side is plain text).
    """

    left: str
    right: str
    left_format: str = ""


@dataclass
class GiftQuestion:
    """One question read from, or to be written to, GIFT.

    ``qtype`` is one of ``QTYPES``.  ``name`` is the ``::name::`` ("" when the
    file gives none; Moodle would then derive one from the text).  ``text`` is
    the question text, with ``"_____"`` where an answer block sat mid-sentence,
    in ``text_format`` (one of ``TEXT_FORMATS``).  ``answers`` holds the answers
    of choice, true/false, short-answer and numerical questions; ``matches`` the
    pairs of a matching question.  ``general_feedback`` is the ``####`` text shown
    after answering.  ``category`` is the ``$CATEGORY:`` path in force ("" if
    none), ``tags`` and ``idnumber`` come from ``// [tag:...]`` and ``// [id:...]``.
    ``general_feedback_format`` is the general feedback's own ``[format]`` ("" for the
    question's).  ``line`` is the 1-based line where the question starts in the file it was
    read from (0 for a question built in code); it is left out of ``==``.
    """

    qtype: str
    name: str = ""
    text: str = ""
    text_format: str = "moodle"
    answers: list[GiftAnswer] = field(default_factory=list)
    matches: list[GiftMatch] = field(default_factory=list)
    general_feedback: str = ""
    category: str = ""
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    line: int = field(default=0, compare=False)
    general_feedback_format: str = ""


def N_(message: str) -> str:
    """Mark ``message`` for the translation catalogue without translating it.

    gettext's usual no-op marker, one of ``pybabel extract``'s default keywords: the
    message ids of ``GiftError`` are Vietnamese, and the English catalogue translates them.
    """
    return message


def _translate(message: str) -> str:
    """``message`` in the language of the moment, if the parser runs inside the Flask site.

    In a request: the visitor's language (Flask-Babel's locale selector).  In an application
    context without a request (a ``flask`` command): the site's default language, since
    there is no visitor to choose one.  Anywhere else the message id, i.e. Vietnamese.
    """
    try:
        from flask import current_app, has_app_context, has_request_context
        from flask_babel import force_locale, gettext
    except ImportError:  # the parser on its own, without the site's dependencies
        return message
    if not has_app_context() or "babel" not in current_app.extensions:
        return message
    if has_request_context():
        return gettext(message)
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        return gettext(message)


#: How ``str(GiftError)`` puts the line before the message.
_AT_LINE = N_("dòng %(line)s: %(message)s")


class GiftError(ValueError):
    """A GIFT text Moodle would reject (or import as a broken question).

    ``line`` is the 1-based line of the problem, or where its question starts.
    ``template`` is what is wrong as a message id of the catalogue (Vietnamese, with
    ``%(name)s`` placeholders) and ``params`` the values of its placeholders.  The text is
    made when it is read (see ``_translate`` for the language): ``message`` is what is
    wrong, ``str(error)`` the same after the line ("dòng 12: ...", "line 12: ...").
    """

    def __init__(self, line: int, template: str, **params: object) -> None:
        super().__init__(line, template)
        self.line = line
        self.template = template
        self.params = params

    @property
    def message(self) -> str:
        """What is wrong, without the line, in the language of the moment."""
        return _translate(self.template) % self.params

    def __str__(self) -> str:
        return _translate(_AT_LINE) % {"line": self.line, "message": self.message}


# --------------------------------------------------------------------------- reading


def _php_trim(text: str) -> str:
    return text.strip(_PHP_SPACE)


class _Src:
    """A piece of a question block: unescaped text, structure and line numbers.

    ``plain`` is the text with escapes resolved.  ``view`` has the same length,
    but every escaped character is replaced by ``_HIDDEN``, so searching it for
    ``{``, ``~``, ``::``... finds only the characters that mean something to
    GIFT.  Moodle gets the same effect by swapping escapes for placeholders such
    as ``&&058;``, which collide with text that happens to contain them.
    ``lines`` gives the source line of every character for error messages.
    """

    __slots__ = ("anchor", "lines", "plain", "view")

    def __init__(self, plain: str, view: str, lines: tuple[int, ...], anchor: int) -> None:
        self.plain = plain
        self.view = view
        self.lines = lines
        self.anchor = anchor  # the line to report for an empty piece

    @classmethod
    def from_lines(cls, numbered: list[tuple[int, str]]) -> _Src:
        plain: list[str] = []
        view: list[str] = []
        lines: list[int] = []
        for index, (lineno, text) in enumerate(numbered):
            if index:
                plain.append("\n")
                view.append("\n")
                lines.append(lineno)
            pos = 0
            while pos < len(text):
                char = text[pos]
                if char == "\\" and text[pos + 1 : pos + 2] in _ESCAPES:
                    plain.append(_ESCAPES[text[pos + 1]])
                    view.append(_HIDDEN)
                    pos += 2
                else:
                    plain.append(char)
                    view.append(char)
                    pos += 1
                lines.append(lineno)
        return cls("".join(plain), "".join(view), tuple(lines), numbered[0][0])

    @classmethod
    def literal(cls, text: str, line: int) -> _Src:
        return cls(text, _HIDDEN * len(text), (line,) * len(text), line)

    def __len__(self) -> int:
        return len(self.plain)

    def __getitem__(self, key: slice) -> _Src:
        start = key.indices(len(self.plain))[0]
        anchor = self.lines[start] if start < len(self.lines) else (self.lines[-1] if self.lines else self.anchor)
        return _Src(self.plain[key], self.view[key], self.lines[key], anchor)

    def __add__(self, other: _Src) -> _Src:
        return _Src(self.plain + other.plain, self.view + other.view, self.lines + other.lines, self.anchor)

    @property
    def line(self) -> int:
        return self.lines[0] if self.lines else self.anchor

    def line_at(self, index: int) -> int:
        return self.lines[index]

    def find(self, sub: str, start: int = 0) -> int:
        return self.view.find(sub, start)

    def strip(self) -> _Src:
        """Trim unescaped whitespace, as Moodle's trim() on placeholder text does."""
        start, end = 0, len(self.view)
        while start < end and self.view[start] in _PHP_SPACE:
            start += 1
        while end > start and self.view[end - 1] in _PHP_SPACE:
            end -= 1
        return self[start:end]

    def split(self, sep: str, maxsplit: int = -1) -> list[_Src]:
        parts: list[_Src] = []
        start = 0
        while maxsplit < 0 or len(parts) < maxsplit:
            found = self.view.find(sep, start)
            if found < 0:
                break
            parts.append(self[start:found])
            start = found + len(sep)
        parts.append(self[start:])
        return parts

    def text(self) -> str:
        """The final text: unescaped, trimmed (escaped newlines too, as Moodle does), NFC."""
        return unicodedata.normalize("NFC", _php_trim(self.plain))


def _blocks(text: str) -> Iterable[list[tuple[int, str]]]:
    """Moodle reads blank-line separated blocks of trimmed lines; yield them numbered."""
    current: list[tuple[int, str]] = []
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = _php_trim(raw)
        if line:
            current.append((lineno, line))
        elif current:
            yield current
            current = []
    if current:
        yield current


def _split_format(src: _Src, default: str) -> tuple[str, _Src]:
    """Moodle's parse_text_with_format: a leading ``[html]`` etc. names the format."""
    if src.plain.startswith("["):
        close = src.find("]")
        if close > 0 and src.plain[1:close] in TEXT_FORMATS:
            return src.plain[1:close], src[close + 1 :]
    return default, src


def _part_text(src: _Src, question_format: str) -> str:
    """The text of a part whose own format Moodle does not keep (short and numerical answers)."""
    return _split_format(src, question_format)[1].text()


def _part_with_format(src: _Src, question_format: str) -> tuple[str, str]:
    """The text of an answer, match item or feedback, and its own format.

    Moodle's parse_text_with_format: a leading ``[html]`` etc. names the part's format, else
    the part takes the question's. The format is "" when it is the question's, so that a
    marker repeating the question's format reads the same as none.
    """
    fmt, rest = _split_format(src, question_format)
    return rest.text(), ("" if fmt == question_format else fmt)


def _grade(percent: str, line: int) -> float:
    """Turn the inside of ``%...%`` into one of Moodle's fractions, or raise."""
    if percent.startswith("--"):
        # PHP 8 refuses to divide the string "--50" and the import crashes.
        raise GiftError(line, N_("trọng số đáp án %(weight)s không phải là số"), weight=f"%{percent}%")
    value = float(percent) / 100
    for grade in _GRADES:
        if abs(value - grade) < 0.00001:  # Moodle's match_grade_options tolerance
            return grade
    allowed = ", ".join(f"{_number_text(Decimal(repr(g)) * 100)}%" for g in _GRADE_STEPS)
    raise GiftError(
        line,
        N_("trọng số đáp án %(weight)s không phải một mức điểm Moodle chấp nhận (hãy dùng ±%(allowed)s hoặc 0%%)"),
        weight=f"%{percent}%",
        allowed=allowed,
    )


def _weighted(segment: _Src, default: float) -> tuple[float, _Src]:
    """Split a leading ``%50%`` weight off an answer segment."""
    match = _WEIGHT.match(segment.view)
    if not match:
        return default, segment
    return _grade(match.group()[1:-1], segment.line), segment[match.end() :]


def _answer_and_feedback(segment: _Src, question_format: str) -> tuple[str, str, str, str]:
    """Moodle's commentparser: ``answer#feedback``, each with its own format ("" for the question's)."""
    parts = segment.split("#", 1)
    text, text_format = _part_with_format(parts[0].strip(), question_format)
    feedback, feedback_format = _part_with_format(parts[1].strip(), question_format) if len(parts) > 1 else ("", "")
    return text, feedback, text_format, feedback_format


def _drop_empty_head(parts: list[_Src]) -> list[_Src]:
    """Moodle drops what precedes the first marker only when it is blank."""
    return parts[1:] if parts and not parts[0].strip() else parts


def _number_text(value: Decimal) -> str:
    """A canonical decimal string: no exponent, no trailing zeros, "0" not "-0"."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


def _decimal(text: str, line: int, message: str) -> Decimal:
    """``text`` as a number, or ``GiftError(line, message)``; ``message`` names it as ``%(value)s``."""
    if not _NUMBER.fullmatch(text):
        raise GiftError(line, message, value=text)
    return Decimal(text)


def _read_choice(answer: _Src, qformat: str, line: int) -> tuple[str, list[GiftAnswer]]:
    # Moodle: any unescaped "=" makes it single choice; then it splits at every
    # "~" and before every "=", keeping the "=" on its segment.
    single = "=" in answer.view
    cuts = [i for i, char in enumerate(answer.view) if char in "~="] + [len(answer)]
    segments = [answer[: cuts[0]]] + [
        answer[cut + (answer.view[cut] == "~") : nxt] for cut, nxt in pairwise(cuts)
    ]
    answers: list[GiftAnswer] = []
    for segment in _drop_empty_head(segments):
        segment = segment.strip()
        if segment.view.startswith("="):
            body = segment[1:]
            if _WEIGHT.match(body.strip().view):
                # Stricter than Moodle, which would show "%50%..." as the answer text at 100 %.
                raise GiftError(
                    segment.line,
                    N_("đáp án viết sau «=» luôn được 100 %%; đáp án đúng một phần hãy viết dạng ~%%50%%đáp án"),
                )
            fraction = 1.0
        else:
            fraction, body = _weighted(segment, 0.0)
        text, feedback, text_format, feedback_format = _answer_and_feedback(body, qformat)
        if not text:
            # Stricter than Moodle, which silently drops an empty choice.
            raise GiftError(segment.line, N_("đáp án trống (thừa một dấu «~» hoặc «=»)"))
        answers.append(GiftAnswer(text, fraction, feedback, text_format=text_format,
                                  feedback_format=feedback_format))
    if len(answers) < 2:
        raise GiftError(line, N_("câu hỏi lựa chọn cần ít nhất hai đáp án"))
    if single:
        best = max(a.fraction for a in answers)
        if best != 1.0:
            raise GiftError(
                line,
                N_("đáp án cao điểm nhất chỉ được %(best)s %%; phải có một đáp án được 100 %%"),
                best=_percent(best),
            )
        return "single_choice", answers
    total = round(sum(a.fraction for a in answers if a.fraction > 0), 2)
    if total != 1.0:
        raise GiftError(
            line,
            N_("không có dấu «=» nên đây là câu hỏi nhiều lựa chọn: trọng số các đáp án đúng phải cộng lại "
               "bằng 100 %% (đang là %(total)s %%). Nếu chỉ có một đáp án đúng, hãy đánh dấu đáp án đó "
               "bằng «=»"),
            total=f"{total * 100:g}",
        )
    return "multiple_response", answers


def _read_matching(answer: _Src, qformat: str, line: int) -> list[GiftMatch]:
    pairs = [p.strip() for p in _drop_empty_head(answer.split("="))]
    if len(pairs) < 2:
        raise GiftError(line, N_("câu hỏi ghép cặp cần ít nhất hai cặp (=vế trái -> vế phải)"))
    matches: list[GiftMatch] = []
    for pair in pairs:
        arrow = pair.find("->")
        if arrow < 0:
            raise GiftError(pair.line, N_("cặp ghép thiếu «->»"))
        if "#" in pair.view:
            # Stricter than Moodle, which would keep "#..." as part of the match.
            raise GiftError(pair.line, N_("cặp ghép không có phản hồi; muốn viết dấu # thì gõ \\#"))
        left, left_format = _part_with_format(pair[:arrow], qformat)
        right = pair[arrow + 2 :].text()
        if not right:
            # Moodle stops the whole import at an item with nothing to match.
            raise GiftError(pair.line, N_("cặp ghép không có gì sau «->»"))
        matches.append(GiftMatch(left, right, left_format if left else ""))
    if not any(m.left for m in matches):
        # Stricter than Moodle: a matching question made only of distractors asks nothing.
        raise GiftError(line, N_("câu hỏi ghép cặp cần ít nhất một cặp có vế trái trước «->»"))
    return matches


def _read_true_false(answer: _Src, qformat: str) -> list[GiftAnswer]:
    parts = answer.split("#", 2)
    correct = parts[0].strip().view in ("T", "TRUE")
    wrong, wrong_format = _part_with_format(parts[1].strip(), qformat) if len(parts) > 1 else ("", "")
    right, right_format = _part_with_format(parts[2].strip(), qformat) if len(parts) > 2 else ("", "")
    wrong_format, right_format = (wrong_format if wrong else ""), (right_format if right else "")
    if correct:
        return [GiftAnswer("true", 1.0, right, feedback_format=right_format),
                GiftAnswer("false", 0.0, wrong, feedback_format=wrong_format)]
    return [GiftAnswer("true", 0.0, wrong, feedback_format=wrong_format),
            GiftAnswer("false", 1.0, right, feedback_format=right_format)]


def _read_short_answer(answer: _Src, qformat: str) -> list[GiftAnswer]:
    answers: list[GiftAnswer] = []
    for segment in _drop_empty_head(answer.split("=")):
        segment = segment.strip()
        fraction, body = _weighted(segment, 1.0)
        # Moodle stores a short answer as plain text (its own format is dropped); the feedback keeps its.
        text, feedback, _text_format, feedback_format = _answer_and_feedback(body, qformat)
        if not text:
            raise GiftError(segment.line, N_("đáp án trống (thừa một dấu «=»)"))
        answers.append(GiftAnswer(text, fraction, feedback, feedback_format=feedback_format if feedback else ""))
    return answers


# What _numerical_value says about a part of a numerical answer that is not a number.
_NOT_A_NUMBER = {
    "answer": N_("đáp án số «%(value)s» không phải là số (phần thập phân viết bằng dấu chấm, ví dụ 3.5)"),
    "tolerance": N_("sai số cho phép «%(value)s» không phải là số (phần thập phân viết bằng dấu chấm, ví dụ 0.5)"),
    "range start": N_("đầu khoảng «%(value)s» không phải là số (phần thập phân viết bằng dấu chấm, ví dụ 3.5)"),
    "range end": N_("cuối khoảng «%(value)s» không phải là số (phần thập phân viết bằng dấu chấm, ví dụ 3.5)"),
}


def _numerical_value(value: str, line: int) -> GiftAnswer:
    """Read ``value``, ``value:tolerance`` or ``min..max`` (fraction and feedback set later)."""
    if value == "*":
        return GiftAnswer("*", 0.0)
    dots = value.find("..")
    if dots > 0:
        low = _decimal(_php_trim(value[:dots]), line, _NOT_A_NUMBER["range start"])
        high = _decimal(_php_trim(value[dots + 2 :]), line, _NOT_A_NUMBER["range end"])
        if low > high:
            raise GiftError(line, N_("khoảng «%(range)s» có số cuối nhỏ hơn số đầu"), range=value)
        middle = (low + high) / 2
        return GiftAnswer(_number_text(middle), 0.0, "", float(high - middle), float(low), float(high))
    colon = value.find(":")
    if colon > 0:
        number = _decimal(_php_trim(value[:colon]), line, _NOT_A_NUMBER["answer"])
        tolerance = _decimal(_php_trim(value[colon + 1 :]), line, _NOT_A_NUMBER["tolerance"])
    else:
        number, tolerance = _decimal(value, line, _NOT_A_NUMBER["answer"]), Decimal(0)
    return GiftAnswer(_number_text(number), 0.0, "", float(tolerance))


def _read_numerical(answer: _Src, qformat: str, line: int) -> list[GiftAnswer]:
    body = answer[1:]  # the leading "#"
    # Moodle: everything from the first "~" on is the feedback for any other number.
    tilde = body.find("~")
    other = body[tilde + 1 :] if tilde >= 0 else None
    if tilde >= 0:
        body = body[:tilde]
    answers: list[GiftAnswer] = []
    for segment in _drop_empty_head(body.split("=")):
        segment = segment.strip()
        fraction, rest = _weighted(segment, 1.0)
        value, feedback, _value_format, feedback_format = _answer_and_feedback(rest, qformat)
        # Stricter than Moodle, whose check turns any non-number into "*" (any number).
        parsed = _numerical_value(value, segment.line)
        answers.append(replace(parsed, fraction=fraction, feedback=feedback,
                               feedback_format=feedback_format if feedback else ""))
    if not answers:
        raise GiftError(line, N_("câu hỏi dạng số chưa có đáp án"))
    if other is not None:
        head, *rest_of_other = other.split("#", 1)
        if head.strip():
            raise GiftError(
                other.line, N_("ở câu hỏi dạng số, sau «~» chỉ được viết «#phản hồi» cho mọi số khác")
            )
        other_feedback, other_format = (_part_with_format(rest_of_other[0].strip(), qformat) if rest_of_other
                                        else ("", ""))
        answers.append(GiftAnswer("*", 0.0, other_feedback, feedback_format=other_format if other_feedback else ""))
    return answers


def _annotations(comments: str) -> tuple[str, list[str]]:
    """Moodle's ``[id:...]`` (first one wins) and ``[tag:...]`` in comment lines."""
    found = _ID_RE.search(comments)
    idnumber = _php_trim(found.group(1)).replace("\\]", "]") if found else ""
    tags = [_php_trim(raw).replace("\\]", "]") for raw in _TAG_RE.findall(comments)]
    normal = [unicodedata.normalize("NFC", tag) for tag in tags if tag]
    return unicodedata.normalize("NFC", idnumber), normal


def _read_block(block: list[tuple[int, str]], category: str) -> GiftQuestion | str | None:
    """Read one block: a question, a new category path (str), or None if only comments."""
    comments = "".join(line + "\n" for _, line in block if line.startswith("//"))
    # Moodle blanks comment lines to " " in place, so they can sit inside a question.
    src = _Src.from_lines([(n, " " if line.startswith("//") else line) for n, line in block]).strip()
    if not src:
        return None
    start_line = src.line
    if src.view.startswith("$CATEGORY:"):
        path = src[len("$CATEGORY:") :].text()
        if not path or "\n" in path:
            # Moodle would take every following line of the block as part of the path.
            raise GiftError(
                start_line, N_("$CATEGORY: cần ghi tên danh mục, và ngay sau đó phải là một dòng trống")
            )
        return path
    idnumber, tags = _annotations(comments)

    name = ""
    if src.view.startswith("::"):
        close = src.find("::", 2)
        if close < 0:
            raise GiftError(start_line, N_("tên câu hỏi thiếu «::» ở cuối"))
        name = src[2:close].text()
        src = src[close + 2 :].strip()

    opening, closing = src.find("{"), src.find("}")
    if opening < 0 and closing >= 0:
        raise GiftError(
            src.line_at(closing), N_("có «}» mà không có «{» mở trước (muốn viết dấu ngoặc nhọn thì gõ \\})")
        )
    if closing < 0 and opening >= 0:
        raise GiftError(src.line_at(opening), N_("khối đáp án mở bằng «{» nhưng không có «}» đóng lại"))
    if closing >= 0:
        if closing < opening:
            raise GiftError(src.line_at(closing), N_("«}» đứng trước «{» mở khối đáp án"))
        # Stricter than Moodle, which reads only the first block and shows the rest as text.
        for char, after in (("{", opening + 1), ("}", closing + 1)):
            extra = src.find(char, after)
            if extra >= 0:
                raise GiftError(
                    src.line_at(extra),
                    N_("thừa «%(brace)s»: mỗi câu hỏi chỉ có một khối đáp án (muốn viết dấu ngoặc nhọn thì "
                       "gõ \\%(brace)s)"),
                    brace=char,
                )

    if opening < 0:
        qtext, answer = src, None
    elif closing == len(src) - 1:
        qtext, answer = src[:opening], src[opening + 1 : closing].strip()
    else:
        # Answers mid-sentence leave a blank ("missing word" style).
        qtext = src[:opening] + _Src.literal(BLANK, src.line_at(opening)) + src[closing + 1 :]
        answer = src[opening + 1 : closing].strip()

    qformat, qtext = _split_format(qtext, "moodle")
    question = GiftQuestion(
        qtype="description",
        text=qtext.text(),
        name=name,
        text_format=qformat,
        category=category,
        tags=tags,
        idnumber=idnumber,
        line=start_line,
    )
    if answer is None:
        return question

    separator = answer.view.rfind("####")
    if separator >= 0:
        # Moodle does not trim before looking for the feedback's own [format].
        question.general_feedback, feedback_format = _part_with_format(answer[separator + 4 :], qformat)
        question.general_feedback_format = feedback_format if question.general_feedback else ""
        answer = answer[:separator].strip()
    if not question.text:
        # Stricter than Moodle, which imports a question with nothing to read.
        raise GiftError(start_line, N_("câu hỏi chưa có nội dung"))

    # Moodle's order of tests decides the type.
    if not answer:
        question.qtype = "essay"
    elif answer.view.startswith("#"):
        question.qtype = "numerical"
        question.answers = _read_numerical(answer, qformat, start_line)
    elif "~" in answer.view:
        question.qtype, question.answers = _read_choice(answer, qformat, start_line)
    elif "=" in answer.view and "->" in answer.view:
        question.qtype = "matching"
        question.matches = _read_matching(answer, qformat, start_line)
    elif answer.split("#", 1)[0].strip().view in ("T", "TRUE", "F", "FALSE"):
        question.qtype = "true_false"
        question.answers = _read_true_false(answer, qformat)
    else:
        question.qtype = "short_answer"
        question.answers = _read_short_answer(answer, qformat)
    return question


def parse_gift(text: str) -> list[GiftQuestion]:
    """Read every question of a GIFT text, as Moodle's importer would.

    Accepts a leading byte-order mark and CRLF or CR line ends; every text comes
    out trimmed and in Unicode NFC.  Comment-only blocks are skipped.  Raises
    ``GiftError`` (with the 1-based line) at the first problem: nothing is
    returned for a file that is not entirely valid.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    questions: list[GiftQuestion] = []
    category = ""
    for block in _blocks(text):
        read = _read_block(block, category)
        if isinstance(read, str):
            category = read
        elif read is not None:
            questions.append(read)
    return questions


# --------------------------------------------------------------------------- writing


def _nfc(text: str) -> str:
    """A text as the reader returns it: one kind of line end, trimmed, NFC."""
    return unicodedata.normalize("NFC", _php_trim(text.replace("\r\n", "\n").replace("\r", "\n")))


def _escape(text: str) -> str:
    """Moodle's repchar: a backslash before each special character, newlines as \\n."""
    out = []
    for char in text:
        if char == "\n":
            out.append("\\n")
        elif char in "\\~=#{}:":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)


def _part(text: str, question_format: str, own_format: str = "") -> str:
    """An answer, match item or feedback, with its own ``[format]`` marker when it has one.

    A text that starts with "[" or "%" would be read as a format marker or a
    weight, so it gets an explicit marker of the question's own format first.
    """
    if own_format and own_format != question_format:
        marker = f"[{own_format}]"
    else:
        marker = f"[{question_format}]" if text.startswith(("[", "%")) else ""
    return marker + _escape(text)


def _snap(fraction: float) -> float:
    for grade in _GRADES:
        if abs(fraction - grade) < 0.00001:
            return grade
    raise ValueError(f"fraction {fraction} is not one of Moodle's grades")


def _percent(fraction: float) -> str:
    return _number_text(Decimal(repr(fraction)) * 100)


def _float_text(value: float) -> str:
    return _number_text(Decimal(repr(value)))


def _feedback(text: str, question_format: str, own_format: str = "") -> str:
    return "#" + _part(text, question_format, own_format) if text else ""


def _general_feedback(q: GiftQuestion) -> str:
    return "####" + _part(q.general_feedback, q.text_format, q.general_feedback_format) if q.general_feedback else ""


def _answer_lines(q: GiftQuestion) -> list[str]:
    fmt = q.text_format
    lines: list[str] = []
    if q.qtype in ("single_choice", "multiple_response"):
        # A single-choice question writes its first 100 % answer with "=" and every
        # other answer with "~": the "=" keeps it single, a "~" keeps it a choice.
        equals_written = q.qtype == "multiple_response"
        for a in q.answers:
            if a.fraction == 1.0 and not equals_written:
                marker, equals_written = "=", True
            else:
                marker = "~" if a.fraction == 0.0 else f"~%{_percent(a.fraction)}%"
            lines.append(marker + _part(a.text, fmt, a.text_format) + _feedback(a.feedback, fmt, a.feedback_format))
    elif q.qtype == "short_answer":
        for a in q.answers:
            weight = "" if a.fraction == 1.0 else f"%{_percent(a.fraction)}%"
            lines.append("=" + weight + _part(a.text, fmt) + _feedback(a.feedback, fmt, a.feedback_format))
    elif q.qtype == "numerical":
        for a in q.answers:
            if a.text == "*":
                value = "*"
            elif a.min is not None and a.max is not None:
                value = f"{_float_text(a.min)}..{_float_text(a.max)}"
            else:
                value = f"{a.text}:{_float_text(a.tolerance or 0.0)}"
            # Always "=%weight%": a "~#feedback" catch-all must come last in the block.
            lines.append(f"=%{_percent(a.fraction)}%{value}{_feedback(a.feedback, fmt, a.feedback_format)}")
    elif q.qtype == "matching":
        for m in q.matches:
            lines.append(f"={_part(m.left, fmt, m.left_format)} -> {_escape(m.right)}")
    return lines


def _answer_block(q: GiftQuestion) -> str:
    if q.qtype not in QTYPES:
        raise ValueError(f"unknown question type {q.qtype!r}")
    if q.qtype == "description":
        return ""
    if q.qtype == "essay":
        return "{" + _general_feedback(q) + "}"
    if q.qtype == "true_false":
        right = next((a for a in q.answers if a.fraction == 1.0), None)
        wrong = next((a for a in q.answers if a is not right), None)
        if right is None or wrong is None:
            raise ValueError("a true_false question needs a right and a wrong answer")
        # GIFT: {TRUE#feedback if answered wrongly#feedback if answered rightly}
        block = "{TRUE" if right.text == "true" else "{FALSE"
        if wrong.feedback or right.feedback:
            block += _feedback(wrong.feedback, q.text_format, wrong.feedback_format) or "#"
        return block + _feedback(right.feedback, q.text_format, right.feedback_format) + _general_feedback(q) + "}"
    lines = ["{" + ("#" if q.qtype == "numerical" else "")]
    lines += ["\t" + line for line in _answer_lines(q)]
    if q.general_feedback:
        lines.append("\t" + _general_feedback(q))
    return "\n".join([*lines, "}"])


def _annotation(value: str) -> str:
    # Moodle has no escape for "\" in these comments, and a value holding "[id:" or
    # "[tag:" would be read as a second annotation.
    if "\\" in value or "[id:" in value or "[tag:" in value:
        raise ValueError(f"tag or idnumber {value!r} cannot be written in a GIFT comment")
    return value.replace("]", "\\]")


def _write_question(q: GiftQuestion) -> str:
    if q.text_format not in TEXT_FORMATS:
        raise ValueError(f"unknown text format {q.text_format!r}")
    if not (q.name or q.text or q.qtype != "description"):
        raise ValueError("a description needs a name or a text")
    notes = ([f"[id:{_annotation(q.idnumber)}]"] if q.idnumber else []) + [
        f"[tag:{_annotation(tag)}]" for tag in q.tags
    ]
    # An explicit format marker also keeps a text starting with "[" from losing its
    # first bracket, and one starting with "//" from being read as a comment.
    marker = f"[{q.text_format}]" if q.text_format != "moodle" or q.text.startswith(("[", "//")) else ""
    head = f"::{_escape(q.name)}::" if q.name else ""
    question = head + marker + _escape(q.text) + _answer_block(q)
    return "\n".join(["// " + " ".join(notes), question] if notes else [question])


def _normalised(q: GiftQuestion) -> GiftQuestion:
    """``q`` as GIFT keeps it: texts trimmed and NFC, fractions snapped to Moodle's grades."""
    def own(part_format: str, text: str) -> str:
        # A part's format equal to the question's, or of an empty part, is no format of its own.
        return "" if not text or part_format == q.text_format else part_format

    for part_format in ([q.general_feedback_format] + [a.text_format for a in q.answers]
                        + [a.feedback_format for a in q.answers] + [m.left_format for m in q.matches]):
        if part_format and part_format not in TEXT_FORMATS:
            raise ValueError(f"unknown text format {part_format!r}")
    keeps_answer_format = q.qtype in ("single_choice", "multiple_response")
    return replace(
        q,
        name=_nfc(q.name),
        text=_nfc(q.text),
        general_feedback=_nfc(q.general_feedback),
        general_feedback_format=own(q.general_feedback_format, _nfc(q.general_feedback)),
        category=_nfc(q.category),
        idnumber=_nfc(q.idnumber),
        tags=[tag for tag in map(_nfc, q.tags) if tag],
        answers=[
            replace(a, text=_nfc(a.text), feedback=_nfc(a.feedback), fraction=_snap(a.fraction),
                    text_format=own(a.text_format, a.text) if keeps_answer_format else "",
                    feedback_format=own(a.feedback_format, _nfc(a.feedback)))
            for a in q.answers
        ],
        matches=[GiftMatch(_nfc(m.left), _nfc(m.right), own(m.left_format, _nfc(m.left))) for m in q.matches],
    )


def write_gift(questions: Iterable[GiftQuestion]) -> str:
    """Write questions as GIFT that Moodle imports (and ``parse_gift`` reads back).

    Questions are separated by blank lines; a ``$CATEGORY:`` block is written
    wherever the category changes; tags and idnumber go in a ``//`` line before
    the question.  Texts are written trimmed and in NFC, fractions as Moodle's
    nearest grade.  The result is checked by reading it back, so ``ValueError``
    is raised for any question GIFT cannot hold unchanged (e.g. a short answer
    containing "->", which GIFT reads as matching, or a question without a
    category after one with a category).
    """
    wanted = [_normalised(q) for q in questions]
    blocks: list[str] = []
    starts: list[int] = []  # where each question's lines begin, to place errors
    category = ""
    line = 1
    for index, q in enumerate(wanted, start=1):
        starts.append(line)
        if q.category != category:
            if not q.category:
                raise ValueError(f"question {index} ({q.name!r}) has no category but follows one in {category!r}")
            category = q.category
            blocks.append(f"$CATEGORY: {category}")
            line += 2
        block = _write_question(q)
        blocks.append(block)
        line += block.count("\n") + 2
    output = "\n\n".join(blocks) + "\n" if blocks else ""

    try:
        reread = parse_gift(output)
    except GiftError as error:
        index = max(i for i, start in enumerate(starts) if start <= error.line)
        raise ValueError(
            f"question {index + 1} ({wanted[index].name!r}) cannot be written as GIFT: {error.message}"
        ) from error
    if len(reread) != len(wanted):
        raise ValueError(f"GIFT output reads back as {len(reread)} questions, not {len(wanted)}")
    for index, (want, got) in enumerate(zip(wanted, reread, strict=True), start=1):
        if want != got:
            diff = next(f.name for f in fields(want) if f.compare and getattr(want, f.name) != getattr(got, f.name))
            raise ValueError(
                f"question {index} ({want.name!r}) cannot be written as GIFT unchanged: "
                f"its {diff} would read back as {getattr(got, diff)!r}"
            )
    return output
