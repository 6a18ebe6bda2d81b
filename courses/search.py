"""Search across lessons, guides and courses that ignores diacritics and đ, titles ranked first.

One table, ``search_document``, keeps a plain-text copy of everything searchable and its folded
form. The full-text index itself is database-specific and created by the migration, not by the
model (``lms.database.include_object`` keeps autogenerate from trying to drop it):

* SQLite: the FTS5 external-content table ``search_fts``, kept in sync by triggers, ranked with
  ``bm25`` weighting titles ten times above bodies;
* PostgreSQL: a stored generated column ``search_vector``,
  ``setweight(title, 'A') || setweight(body, 'B')``, with a GIN index, ranked with ``ts_rank``
  weighting A far above B, and a GIN index on the folded title alone. (Stored rather than an
  expression index: ranking reads the vector of every match, and computing it again from the
  text was a hundred times slower.)

Both databases index the same input: the folded words separated by single spaces
(:func:`search_text`). FTS5's and PostgreSQL's tokenizers split that identically, so a query
finds the same documents on either. The first sort key, how many query words the title contains,
counts the same title words on both (FTS5 title-column lookups on SQLite, weight-A lexemes on
PostgreSQL), so title hits come first alike; only the order within one such tier depends on each
database's relevance function, then the id breaks ties. Title hits are ranked first and apart:
they are few even for the commonest words, and the costly ranking of body-only hits, which can
be nearly every document, is skipped whenever the title hits fill the page.

Each query word also matches its other common spellings (courses.spelling): i for y after a
consonant ("đăng kí" finds "đăng ký"), Telex left in the text ("hoof sow" finds "hồ sơ"), and an
abbreviation's meaning as a phrase of adjacent words ("dvc" finds "dịch vụ công"). They are
alternatives of the one query word, OR-ed inside the AND of the query's words, on both databases
(an FTS5 phrase, a tsquery ``<->`` chain); the index itself keeps a single spelling.

Highlighting runs in Python over the original text, with a regex that spells each query letter
every way that folds to it (``d`` as ``[DdĎďĐđ]``), so the marks sit on the words as written.
"""
from __future__ import annotations

import itertools
import operator
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache, reduce
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.container import container_plugin
from sqlalchemy import ColumnElement, Integer, String, Text, UniqueConstraint, bindparam, cast, func, literal
from sqlalchemy import literal_column, select, text, union_all
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UNMODELLED_INFO_KEY, UTCDateTime, utcnow
from lms.extensions import Model, db
from lms.markdown import CALLOUTS
from courses.spelling import ABBREVIATIONS, word_variants
from lms.text import fold, nfc

KINDS = frozenset({"lesson", "guide", "course"})
MAX_QUERY_LENGTH = 200
# A shorter last word is taken whole: the first letters of Vietnamese words are mostly initial
# consonants (ng, th, tr), which as prefixes would match nearly every document.
PREFIX_MIN_LENGTH = 3
SNIPPET_LENGTH = 200
# How much text before the first match a snippet shows, so the match is read in context.
SNIPPET_LEAD = 60

# A word is a run of letters and digits, as FTS5's unicode61 and PostgreSQL's parser see it.
_WORD = re.compile(r"[^\W_]+")

# What the migration creates beside the table: on SQLite the FTS5 table and its shadow tables,
# on PostgreSQL the generated tsvector column and the indexes.
_FTS_OBJECTS = (
    "search_fts", "search_fts_data", "search_fts_idx", "search_fts_docsize", "search_fts_config",
    "search_document.search_vector", "ix_search_document_search_vector", "ix_search_document_title_fts",
)
_PG_VECTOR: ColumnElement[Any] = literal_column("search_document.search_vector")
# ts_rank weights in the order D, C, B, A: a title word is worth ten body words.
_PG_WEIGHTS: ColumnElement[Any] = literal_column("'{0.01, 0.02, 0.1, 1.0}'")


class SearchDocument(Model):
    """The searchable text of one lesson, guide or course, and its folded form."""

    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "ref_id"), {"info": {UNMODELLED_INFO_KEY: _FTS_OBJECTS}})

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    ref_id: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(512))
    title: Mapped[str] = mapped_column(String(255))
    # Text, not String(255): folding can lengthen a word (a Hangul syllable decomposes).
    title_folded: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The long columns last: ranking reads title_folded of every match, and SQLite then stops
    # before the overflow pages the bodies spill into.
    body: Mapped[str] = mapped_column(Text, default="")  # plain text, with its diacritics
    body_folded: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<SearchDocument {self.kind} {self.ref_id}>"


@dataclass(frozen=True)
class SearchHit:
    """One result: what it is, where it lives, and its title and snippet with matches marked."""

    kind: str
    ref_id: int
    url: str
    title_html: Markup
    snippet_html: Markup


@dataclass(frozen=True)
class _Variant:
    """One way a query word may appear in the index: a folded word, or a phrase (an abbreviation's meaning)."""

    words: tuple[str, ...]
    prefix: bool  # the last word also matches as the beginning of a longer word


@dataclass(frozen=True)
class _Term:
    """One word of the query and the spellings that count as it (the word as typed comes first)."""

    word: str  # folded, as typed
    variants: tuple[_Variant, ...]


class _Query:
    """The terms of a query, and a regex finding the words they match in the original text."""

    def __init__(self, terms: tuple[_Term, ...]) -> None:
        self.terms = terms
        letters = _spellings()

        def pattern(variant: _Variant) -> str:
            words = ["".join(letters.get(letter, re.escape(letter)) for letter in word) for word in variant.words]
            # The words of a phrase as _WORD cuts them: anything but letters and digits between.
            return r"[\W_]+".join(words) + (r"[^\W_]*" if variant.prefix else "")

        every = sorted({v for t in terms for v in t.variants}, key=lambda v: (-len(v.words), v.words))
        alternatives = "|".join(pattern(v) for v in every)
        # Whole words only, as _WORD cuts them: no letter or digit just before or after.
        self.in_original = re.compile(rf"(?<![^\W_])((?:{alternatives}))(?![^\W_])", re.IGNORECASE)


@lru_cache(maxsize=1)
def _spellings() -> dict[str, str]:
    """For each folded letter, a regex class of every letter folding to it: ``"d"`` → ``[DdĎďĐđ]``.

    Latin, Greek and Cyrillic letters; any other letter only matches itself (in either case).
    """
    variants: dict[str, set[str]] = {}
    for code in itertools.chain(range(0x30, 0x250), range(0x370, 0x530), range(0x1E00, 0x2000)):
        letter = chr(code)
        folded = fold(letter)
        if letter.isalnum() and len(folded) == 1:
            variants.setdefault(folded, set()).add(letter)
    return {folded: "[" + "".join(sorted(letters)) + "]" for folded, letters in variants.items()}


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    # A language has a few thousand distinct words: caching makes indexing and queries cheap.
    return fold(word)


def search_text(text_: str) -> str:
    """The folded words of ``text_`` separated by single spaces: what the full-text indexes see.

    ``search_text("Nộp hồ sơ: dịch-vụ công!") == "nop ho so dich vu cong"``. Punctuation never
    reaches the databases, whose tokenizers would otherwise split it differently.
    """
    return " ".join(word for m in _WORD.finditer(nfc(text_)) if (word := _fold_word(m.group())))


def _md_parser() -> MarkdownIt:
    # The lesson renderer's syntax (lms.markdown), so the same source parses the same way.
    md = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")
    for name in CALLOUTS:
        md.use(container_plugin, name=name)
    return md


_MD = _md_parser()


def _inline_text(children: Iterable[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.children:  # an image: its alt text
            parts.append(_inline_text(child.children))
    return "".join(parts)


def markdown_to_text(source: str) -> str:
    """The words a reader sees in Markdown ``source``, one line per block, without markup.

    Raw HTML is not interpreted (as when lessons are rendered): ``<script>`` stays literal text,
    and is escaped when shown.
    """
    lines: list[str] = []
    for token in _MD.parse(nfc(source)):
        if token.type == "inline":
            lines.append(_inline_text(token.children or ()))
        elif token.type in {"code_block", "fence"}:
            lines.append(token.content)
    return "\n".join(stripped for line in lines if (stripped := line.strip()))


def index_document(kind: str, ref_id: int, url: str, title: str, body: str) -> SearchDocument:
    """Add or refresh the search entry of one item; ``body`` may be Markdown. Flushes only.

    ``kind`` is ``"lesson"``, ``"guide"`` or ``"course"``; ``(kind, ref_id)`` identifies the entry,
    so indexing an item again updates it. Unchanged content writes nothing.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown search document kind: {kind!r}")
    document = db.session.scalars(
        select(SearchDocument).filter_by(kind=kind, ref_id=ref_id)
    ).one_or_none()
    if document is None:
        document = SearchDocument(kind=kind, ref_id=ref_id)
        db.session.add(document)
    document.url = url
    document.title = nfc(title)
    document.body = markdown_to_text(body)
    document.title_folded = search_text(document.title)
    document.body_folded = search_text(document.body)
    db.session.flush()
    return document


def remove_document(kind: str, ref_id: int) -> None:
    """Remove the search entry of one item, if it has one. Flushes only."""
    document = db.session.scalars(
        select(SearchDocument).filter_by(kind=kind, ref_id=ref_id)
    ).one_or_none()
    if document is not None:
        db.session.delete(document)
        db.session.flush()


def _term(word: str, prefix: bool) -> _Term:
    """``word`` with its other spellings (courses.spelling) and, for an abbreviation, its meanings."""
    # A variant shorter than PREFIX_MIN_LENGTH is taken whole even while typed, as the word is.
    variants = [_Variant((spelling,), prefix and len(spelling) >= PREFIX_MIN_LENGTH)
                for spelling in word_variants(word)]
    variants += [_Variant(tuple(search_text(meaning).split()), False) for meaning in ABBREVIATIONS.get(word, ())]
    return _Term(word, tuple(dict.fromkeys(variants)))


def _parse_query(query: str) -> _Query | None:
    """The query's folded words; the last is a prefix while the user is still typing it."""
    # NFC but not stripped: a trailing space says the last word is complete.
    query = unicodedata.normalize("NFC", query[:MAX_QUERY_LENGTH])
    words = [w for m in _WORD.finditer(query) if (w := _fold_word(m.group()))]
    if not words:
        return None
    typing = query[-1].isalnum() and len(words[-1]) >= PREFIX_MIN_LENGTH
    terms: dict[tuple[str, bool], _Term] = {}  # ordered and without repeats
    for position, word in enumerate(words):
        prefix = typing and position == len(words) - 1
        terms.setdefault((word, prefix), _term(word, prefix))
    return _Query(tuple(terms.values()))


def _tsquery(expression: str) -> ColumnElement[Any]:
    return func.to_tsquery(literal_column("'simple'"), expression)


def _lexeme(variant: _Variant, weight: str = "") -> str:
    """A tsquery operand (adjacent words for a phrase); weight ``A`` keeps title words only."""
    # Words are letters and digits only, so quoting them is all the escaping tsquery needs.
    last = len(variant.words) - 1
    operands = []
    for position, word in enumerate(variant.words):
        label = ("*" if variant.prefix and position == last else "") + weight
        operands.append(f"'{word}'" + (f":{label}" if label else ""))
    return operands[0] if len(operands) == 1 else "(" + " <-> ".join(operands) + ")"


def _any_variant(term: _Term, weight: str = "") -> str:
    """A tsquery matching any variant of ``term``."""
    return "(" + " | ".join(_lexeme(v, weight) for v in term.variants) + ")"


def _postgresql_documents(query: _Query, kinds: set[str] | None, limit: int) -> list[SearchDocument]:
    """PostgreSQL: the best matches, by title words, then ts_rank, then id, in one statement.

    Title hits come from the small title index; body-only hits, which may be nearly every
    document, are ranked only when the title hits fall short (a one-time filter PostgreSQL
    evaluates before the scan). One statement, because each round trip costs more than the query
    itself for most searches.
    """
    doc = SearchDocument.__table__
    matches = select(doc.c.id).where(_PG_VECTOR.op("@@")(_tsquery(" & ".join(_any_variant(t) for t in query.terms))))
    if kinds is not None:
        matches = matches.where(doc.c.kind.in_(sorted(kinds)))
    # Ranked against any of the words, a sum over words as bm25 is: ts_rank on an AND query
    # compares the positions of every pair of words and was three times slower on large results.
    any_word = _tsquery(" | ".join(_any_variant(t) for t in query.terms))
    rank = func.ts_rank(_PG_WEIGHTS, _PG_VECTOR, any_word)
    # Title words are the vector's A lexemes: testing them costs a third of a LIKE on the title.
    title_words = reduce(operator.add, [
        cast(_PG_VECTOR.op("@@")(_tsquery(_any_variant(t, "A"))), Integer) for t in query.terms
    ])
    # The expression of the title index.
    in_title = func.to_tsvector(literal_column("'simple'"), doc.c.title_folded).op("@@")(any_word)
    title_hits = (
        matches.add_columns(title_words.label("title_words"), rank.label("rank")).where(in_title)
        .order_by(title_words.desc(), rank.desc(), doc.c.id).limit(limit).cte("title_hits")
    )
    titles_short = select(func.count()).select_from(title_hits).scalar_subquery() < limit
    any_title_word = _tsquery(" | ".join(_any_variant(t, "A") for t in query.terms))
    body_hits = (
        matches.add_columns(literal(0).label("title_words"), rank.label("rank"))
        .where(titles_short, ~_PG_VECTOR.op("@@")(any_title_word))
        .order_by(rank.desc(), doc.c.id).limit(limit)
    )
    hits = union_all(select(title_hits), body_hits).subquery("hits")
    return list(db.session.scalars(
        select(SearchDocument).join(hits, hits.c.id == SearchDocument.id)
        .order_by(hits.c.title_words.desc(), hits.c.rank.desc(), SearchDocument.id).limit(limit)
    ))


def _sqlite_ranked_ids(query: _Query, kinds: set[str] | None, limit: int, *, title_hits: bool) -> list[int]:
    """SQLite: ids of the best title hits (by title words, bm25, id) or body-only hits."""
    # Each word quoted: FTS5 syntax (NEAR, AND, -, ^, column filters) can never be formed. A
    # quoted run of words is an FTS5 phrase: the words of an abbreviation, next to each other.
    phrases = [
        "(" + " OR ".join(f'"{" ".join(s.words)}"' + ("*" if s.prefix else "") for s in t.variants) + ")"
        for t in query.terms
    ]
    any_title_word = "{title_folded} : (" + " OR ".join(phrases) + ")"
    operator_ = "AND" if title_hits else "NOT"
    params: dict[str, object] = {"match": f"({' AND '.join(phrases)}) {operator_} {any_title_word}", "limit": limit}
    # The SQL text is built from fixed pieces and parameter names only; values are bound.
    order = "bm25(search_fts, 10.0, 1.0), search_fts.rowid"
    if title_hits:
        # Title words counted by FTS5 itself, one title-only lookup per word, rather than by
        # reading the search_document row of every match: half the cost on large results.
        in_title = []
        for number, phrase in enumerate(phrases):
            params[f"title{number}"] = "{title_folded} : " + phrase
            in_title.append(
                f"(search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH :title{number}))"
            )
        order = f"({' + '.join(in_title)}) DESC, {order}"
    kind_filter = ""
    if kinds is not None:
        kind_filter = "AND search_fts.rowid IN (SELECT id FROM search_document WHERE kind IN :kinds)"
        params["kinds"] = sorted(kinds)
    stmt = text(f"SELECT search_fts.rowid FROM search_fts WHERE search_fts MATCH :match {kind_filter}"
                f" ORDER BY {order} LIMIT :limit")
    if kinds is not None:
        stmt = stmt.bindparams(bindparam("kinds", expanding=True))
    return list(db.session.scalars(stmt, params))


def _sqlite_documents(query: _Query, kinds: set[str] | None, limit: int) -> list[SearchDocument]:
    """SQLite: the best matches, by title words, then bm25, then id.

    Title hits first: few even for common words, so cheap to rank. Body-only hits, which may be
    nearly every document, are ranked only when the title hits fall short.
    """
    ids = _sqlite_ranked_ids(query, kinds, limit, title_hits=True)
    if len(ids) < limit:
        ids += _sqlite_ranked_ids(query, kinds, limit - len(ids), title_hits=False)
    documents = {d.id: d for d in db.session.scalars(select(SearchDocument).where(SearchDocument.id.in_(ids)))}
    return [documents[i] for i in ids]


def _highlight(text_: str, query: _Query) -> Markup:
    """``text_`` HTML-escaped, with every word the query matches wrapped in ``<mark>``."""
    # split() with one group alternates text between matches (even) and matched words (odd). The
    # words of a matched phrase (an abbreviation's meaning) may have punctuation between them.
    parts = query.in_original.split(text_)
    return Markup("".join(f"<mark>{escape(part)}</mark>" if i % 2 else escape(part) for i, part in enumerate(parts)))


def _snippet(body: str, query: _Query) -> Markup:
    """About SNIPPET_LENGTH characters of ``body`` around its first match, highlighted."""
    first = query.in_original.search(body)
    start = max(0, first.start() - SNIPPET_LEAD) if first else 0
    end = min(len(body), start + SNIPPET_LENGTH)
    # Cut between words, never inside one.
    while 0 < start < len(body) and body[start - 1].isalnum() and body[start].isalnum():
        start += 1
    while start < end < len(body) and body[end - 1].isalnum() and body[end].isalnum():
        end -= 1
    window = _highlight(" ".join(body[start:end].split()), query)
    return Markup("").join([
        Markup("… ") if start > 0 else Markup(""), window, Markup(" …") if end < len(body) else Markup(""),
    ])


def search(query: str, *, kinds: set[str] | None = None, limit: int = 20) -> list[SearchHit]:
    """Documents matching every word of ``query``, ignoring case, diacritics and đ.

    A word also matches its other common spellings and, for an abbreviation such as "dvc" or
    "cccd", what it stands for (courses.spelling). Title matches rank above body-only matches.
    The last word also matches as a prefix, unless the query ends in a space or punctuation or
    the word is shorter than PREFIX_MIN_LENGTH. ``kinds`` restricts the result to those kinds of
    document. A query of no words gives no results; only its first MAX_QUERY_LENGTH characters
    count. Titles and snippets come back as safe HTML with
    the matched words in ``<mark>``.
    """
    parsed = _parse_query(query or "")
    if parsed is None or limit < 1 or (kinds is not None and not kinds):
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        documents = _postgresql_documents(parsed, kinds, limit)
    else:
        documents = _sqlite_documents(parsed, kinds, limit)
    return [
        SearchHit(
            kind=d.kind, ref_id=d.ref_id, url=d.url,
            title_html=_highlight(d.title, parsed), snippet_html=_snippet(d.body, parsed),
        )
        for d in documents
    ]
