"""Exam session: 1,000 candidates autosave a timed 30-question exam; no acknowledged answer may be lost.

Every candidate signs in through the login form, then, against gunicorn on 127.0.0.1, opens a
started exam attempt and changes answers (several changes per question; sometimes resending the
same save, as the autosave script does when an answer got lost; sometimes sending an older ``seq``,
which must be refused), reloads the attempt page now and then and checks that exactly the saved
answers are shown checked. At the end about 85 % submit the page, a third each: the form as the
last page shows it (what a browser posts: its hidden fields and checked options), the form of an
old tab (the first page that showed answers; later changes must survive it), and no answer fields
at all (the server must grade what it saved); 5 % run out of time half-way (their deadline is
moved to two seconds ahead, so later saves get 410 and the attempt is graded at the deadline) and
10 % never come back: their deadlines are moved into the past and
``quizzes.services.sweep_expired_attempts`` runs in-process on the same database.

The client keeps a ledger of the last acknowledged (HTTP 200) save of each question. Afterwards
every attempt must be finished, and its graded answers must be exactly the ledger's:
``lost answers`` counts acknowledged saves whose response is not what was graded, and must be 0.
The whole session then runs again while one gunicorn worker is killed with SIGKILL part-way
(gunicorn starts a new one); failed or reset requests are retried as the browser script retries
them, and only acknowledged saves enter the ledger, so the figure must still be 0.

Bounds: ``CANDIDATES`` × ``SAVES_PER_CANDIDATE`` planned saves per run (30,000; ``BENCH_QUICK=1``:
100 candidates), ``CONNECTIONS`` requests in flight at most, every request timed out after 30 s and
retried at most ``MAX_TRIES`` times. SQLite (WAL, temporary directory) always; PostgreSQL too when
it answers at ``postgresql+psycopg://postgres@127.0.0.1:5432/bench_exam`` (created if missing, its
``public`` schema rebuilt; the ``test`` database is never touched).
"""
from __future__ import annotations

import asyncio
import random
import re
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from html import unescape
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask

from bench import _server
from bench._server import Browser, ConnectionLost, GunicornServer, HttpPool, Response
from bench.report import markdown_table, write_section

if TYPE_CHECKING:
    from quizzes.models import Attempt

QUICK = _server.quick()
CANDIDATES = 100 if QUICK else 3000
QUESTIONS = 30
SAVES_PER_CANDIDATE = 30
ANSWERED_QUESTIONS = (8, 14)  # distinct questions a candidate answers; the other saves change them
RETRY_SHARE = 0.10
STALE_SHARE = 0.05
RELOAD_EVERY = 10
NEVER_RETURN_SHARE = 0.10
TIMEOUT_SHARE = 0.05
TIMEOUT_AFTER_SECONDS = 2.0
TIME_LIMIT_MINUTES = 180
CONNECTIONS = 32
MAX_TRIES = 30
KILL_AFTER_SHARE = 0.4
RESTART_AFTER_SHARE = 0.5
DATABASE_DOWN_SECONDS = 5.0
P99_SAVE_TARGET_MS = 300.0
SEED = 2026
POSTGRESQL_DATABASE = "bench_exam"
_INPUT = re.compile(r"<input\b([^>]*)>")
_ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class _Save:
    option: int
    seq: int


@dataclass
class _Candidate:
    """One candidate's browser, plan and ledger."""

    index: int
    username: str
    group: str  # submit-form | submit-stale | submit-empty | timeout | never-return
    browser: Browser
    attempt_id: int = 0
    csrf_token: str = ""
    form: list[tuple[str, str]] = field(default_factory=list)  # what the last page's form would post
    stale_form: list[tuple[str, str]] | None = None  # the form of the first page that showed answers
    questions: list[int] = field(default_factory=list)
    options: dict[int, list[int]] = field(default_factory=dict)
    acked: dict[int, _Save] = field(default_factory=dict)  # last acknowledged save per question
    unacked: dict[int, list[_Save]] = field(default_factory=dict)  # sent, never acknowledged (gave up)
    seq: int = 0
    closed: bool = False

    def explains(self, question_id: int, stored: dict | None) -> bool:
        """Whether ``stored`` is a save sent after the acknowledged one but never acknowledged."""
        floor = self.acked[question_id].seq if question_id in self.acked else 0
        return any(s.seq > floor and stored == {"option": s.option} for s in self.unacked.get(question_id, []))


@dataclass
class _Stats:
    """What one run of the session saw."""

    name: str
    database: str
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    save_latencies: list[float] = field(default_factory=list)
    acked_saves: int = 0
    stored_in_transit: int = 0
    connection_errors: int = 0
    retries: int = 0
    given_up: int = 0
    reloads: int = 0
    page_mismatches: int = 0
    swept: int = 0
    groups: Counter[str] = field(default_factory=Counter)
    ledger_answers: Counter[str] = field(default_factory=Counter)
    lost: Counter[str] = field(default_factory=Counter)
    unexpected_answers: int = 0
    wrong_finish: int = 0
    score_mismatches: int = 0
    server_exceptions: Counter[str] = field(default_factory=Counter)
    killed_worker: int | None = None
    killed_at_seconds: float = 0.0
    restart_seconds: float = 0.0
    database_restarted_at: float = 0.0
    database_outage_seconds: float = 0.0
    unavailable_without_retry_after: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def lost_answers(self) -> int:
        """Acknowledged saves whose response is not what was graded."""
        return sum(self.lost.values())

    @property
    def passed(self) -> bool:
        """Nothing lost, every page and grade as saved, no response the protocol does not allow."""
        return not (self.lost_answers or self.page_mismatches or self.unexpected_answers or self.wrong_finish
                    or self.score_mismatches or self.unexpected or self.unavailable_without_retry_after
                    or (self.database == "PostgreSQL" and self.save_p99_ms >= P99_SAVE_TARGET_MS))

    @property
    def save_p99_ms(self) -> float:
        """99th percentile of one save request's time, in milliseconds."""
        return _server.percentile(self.save_latencies, 0.99) * 1000 if self.save_latencies else 0.0

    def note(self, kind: str, detail: str) -> None:
        """Count an answer the protocol does not allow and keep a few examples."""
        self.unexpected[kind] += 1
        if len(self.examples) < 5:
            self.examples.append(f"{kind}: {detail}")


class _Session:
    """One run: the server, the in-process app for deadlines and checks, the candidates and their stats."""

    def __init__(self, app: Flask, server: GunicornServer, candidates: list[_Candidate], stats: _Stats,
                 kill: bool, database: _server.PrivatePostgreSQL | None = None):
        self.app = app
        self.server = server
        self.candidates = candidates
        self.stats = stats
        self.database = database  # restarted in the middle of the run when given
        planned = len(candidates) * SAVES_PER_CANDIDATE
        self.kill_at = int(KILL_AFTER_SHARE * planned) if kill else \
            int(RESTART_AFTER_SHARE * planned) if database is not None else None
        self.kill_due = asyncio.Event()
        self.started = time.monotonic()
        self.deadlines_passed_at = 0.0  # monotonic time by which every moved deadline has passed

    # --- requests with the browser script's retries ---

    async def _send(self, kind: str, send: Callable[[], Awaitable[Response]]) -> tuple[Response | None, bool]:
        """Send until an answer other than a server error comes, at most ``MAX_TRIES`` times.

        Returns the answer (None if every try failed) and whether a connection was lost on the way.
        """
        lost = False
        for attempt in range(MAX_TRIES):
            if attempt:
                self.stats.retries += 1
                await asyncio.sleep(min(1.0, 0.05 * 2 ** attempt))
            try:
                response = await send()
            except ConnectionLost:
                self.stats.connection_errors += 1
                lost = True
                continue
            if kind == "save":
                self.stats.save_latencies.append(response.seconds)
            self.stats.statuses[f"{kind} {response.status}"] += 1
            if response.status == 503 and "retry-after" not in response.headers:
                self.stats.unavailable_without_retry_after += 1
            if response.status < 500:
                return response, lost
        self.stats.given_up += 1
        return None, lost

    async def save(self, candidate: _Candidate, question_id: int, option: int, seq: int, purpose: str) -> None:
        """Autosave one answer and keep the ledger: ``purpose`` is new, repeat or stale."""
        url = f"/api/v1/attempts/{candidate.attempt_id}/answers"
        payload = {"question_id": question_id, "response": {"option": option}, "seq": seq}
        response, lost = await self._send(
            "save", lambda: candidate.browser.post_json(url, payload, candidate.csrf_token))
        save = _Save(option, seq)
        if response is None or (lost and response.status != 200):
            # A try whose answer never came may have been stored all the same.
            candidate.unacked.setdefault(question_id, []).append(save)
        if response is None:
            return
        body = response.json() or {}
        newest = candidate.acked.get(question_id)
        if response.status == 200:
            if purpose == "stale":
                self.stats.note("stale save accepted", f"attempt {candidate.attempt_id} q{question_id} seq {seq}")
            elif newest is None or seq >= newest.seq:
                candidate.acked[question_id] = save
                self.stats.acked_saves += 1
                if self.kill_at is not None and self.stats.acked_saves >= self.kill_at:
                    self.kill_due.set()
            if purpose == "repeat" and body.get("stored") is not False:
                self.stats.note("repeated save stored again", f"attempt {candidate.attempt_id} seq {seq}")
            if purpose == "new" and lost and body.get("stored") is False:
                # The first try was stored but its answer never arrived; the retry recognised it.
                self.stats.stored_in_transit += 1
        elif response.status == 409 and purpose == "stale":
            pass
        elif response.status == 410 and candidate.group == "timeout":
            candidate.closed = True
        else:
            self.stats.note(f"{purpose} save answered {response.status}", response.text()[:160])
            if response.status == 410:
                candidate.closed = True

    async def open_page(self, candidate: _Candidate) -> None:
        """Load the attempt page, learn its questions and token, and check it shows the ledger."""
        response, _lost = await self._send("page", lambda: candidate.browser.get(f"/attempts/{candidate.attempt_id}"))
        if response is None:
            return
        self.stats.reloads += 1
        if response.status == 302 and candidate.group == "timeout":
            candidate.closed = True
            return
        if response.status != 200:
            self.stats.note(f"attempt page answered {response.status}", candidate.username)
            candidate.closed = True
            return
        shown: dict[int, int] = {}
        options: dict[int, list[int]] = {}
        candidate.form = []
        for attributes in _attempt_form_inputs(response.text()):
            kind, name, value = attributes.get("type"), attributes.get("name", ""), attributes.get("value", "")
            if kind == "radio" and name.startswith("q"):
                options.setdefault(int(name[1:]), []).append(int(value))
            if kind == "hidden" or (kind == "radio" and "checked" in attributes):
                candidate.form.append((name, value))  # what a browser posts: hidden and checked inputs
                if kind == "radio":
                    shown[int(name[1:])] = int(value)
        candidate.csrf_token = dict(candidate.form).get("csrf_token", "")
        if candidate.stale_form is None and shown:
            candidate.stale_form = list(candidate.form)
        if not candidate.questions:
            candidate.questions, candidate.options = list(options), options
        for question_id in candidate.questions:
            saved = candidate.acked.get(question_id)
            on_page = shown.get(question_id)
            if on_page != (saved.option if saved else None) and \
                    not candidate.explains(question_id, {"option": on_page} if on_page else None):
                self.stats.page_mismatches += 1

    async def submit(self, candidate: _Candidate) -> None:
        """Submit: the current page's form, an old tab's form, or the CSRF token alone, by the candidate's group."""
        fields = {"submit-form": candidate.form, "submit-stale": candidate.stale_form or candidate.form,
                  "submit-empty": [("csrf_token", candidate.csrf_token)]}[candidate.group]
        url = f"/attempts/{candidate.attempt_id}"
        response, _lost = await self._send("submit", lambda: candidate.browser.post_form(url, fields))
        if response is not None and not (response.status == 302 and
                                         response.headers.get("location", "").endswith(f"{url}/result")):
            self.stats.note(f"submit answered {response.status}", response.headers.get("location", ""))

    # --- a candidate's session ---

    async def take_exam(self, candidate: _Candidate) -> None:
        """The candidate's whole sitting: open, answer and change, reload, then submit, time out or leave."""
        rng = random.Random(f"{SEED}:{self.stats.name}:{candidate.index}")
        await self.open_page(candidate)
        if len(candidate.questions) != QUESTIONS:
            self.stats.note(f"attempt page without its {QUESTIONS} questions", candidate.username)
            return
        chosen = rng.sample(range(QUESTIONS), rng.randint(*ANSWERED_QUESTIONS))
        plan = chosen + [rng.choice(chosen) for _ in range(SAVES_PER_CANDIDATE - len(chosen))]
        rng.shuffle(plan)
        if candidate.group == "never-return":
            plan = plan[:rng.randint(SAVES_PER_CANDIDATE // 2, SAVES_PER_CANDIDATE)]
        for number, position in enumerate(plan, start=1):
            if candidate.closed:
                break
            if candidate.group == "timeout" and number == len(plan) // 2:
                await asyncio.to_thread(self._move_deadline, [candidate.attempt_id], TIMEOUT_AFTER_SECONDS)
                self.deadlines_passed_at = max(self.deadlines_passed_at, time.monotonic() + TIMEOUT_AFTER_SECONDS)
            question_id = candidate.questions[position]
            current = candidate.acked.get(question_id)
            option = rng.choice([o for o in candidate.options[question_id] if not current or o != current.option])
            candidate.seq += 1
            await self.save(candidate, question_id, option, candidate.seq, "new")
            if rng.random() < RETRY_SHARE and not candidate.closed:
                await self.save(candidate, question_id, option, candidate.seq, "repeat")
            newest = candidate.acked.get(question_id)
            if rng.random() < STALE_SHARE and newest and newest.seq > 1 and not candidate.closed:
                other = next(o for o in candidate.options[question_id] if o != newest.option)
                await self.save(candidate, question_id, other, newest.seq - 1, "stale")
            if number % RELOAD_EVERY == 0 and not candidate.closed:
                await self.open_page(candidate)
        if candidate.group.startswith("submit") and not candidate.closed:
            await self.open_page(candidate)
            await self.submit(candidate)

    async def killer(self) -> None:
        """When the planned share of saves is acknowledged, SIGKILL one worker and time its replacement
        (or, for a database restart run, stop the database for a few seconds and start it again)."""
        await self.kill_due.wait()
        if self.database is not None:
            self.stats.database_restarted_at = time.monotonic() - self.started
            print(f"  stopping the database for {DATABASE_DOWN_SECONDS:.0f} s after {self.stats.acked_saves} "
                  f"acknowledged saves")
            self.stats.database_outage_seconds = await asyncio.to_thread(self.database.restart,
                                                                         DATABASE_DOWN_SECONDS)
            return
        self.stats.killed_at_seconds = time.monotonic() - self.started
        self.stats.killed_worker = self.server.kill_worker()
        print(f"  killed worker {self.stats.killed_worker} with SIGKILL after "
              f"{self.stats.acked_saves} acknowledged saves")
        self.stats.restart_seconds = await asyncio.to_thread(self.server.wait_for_workers, self.stats.killed_worker)

    async def run(self) -> None:
        """Every candidate at once (``CONNECTIONS`` requests in flight at most), plus the killer if asked."""
        tasks = [asyncio.create_task(self.take_exam(c)) for c in self.candidates]
        killer = asyncio.create_task(self.killer()) if self.kill_at is not None else None
        await asyncio.gather(*tasks)
        if killer is not None:
            if not self.kill_due.is_set():
                killer.cancel()
                self.stats.note("worker never killed", "fewer saves were acknowledged than planned")
            await asyncio.gather(killer, return_exceptions=True)
        self.stats.seconds = time.monotonic() - self.started
        # A late candidate may finish its saves before its moved deadline; the sweep must come after it.
        await asyncio.sleep(max(0.0, self.deadlines_passed_at - time.monotonic()) + 0.5)

    # --- in-process database work ---

    def _move_deadline(self, attempt_ids: list[int], seconds_from_now: float) -> None:
        from sqlalchemy import update

        from lms.database import utcnow
        from lms.extensions import db
        from quizzes.models import Attempt

        with self.app.app_context():
            db.session.execute(update(Attempt).where(Attempt.id.in_(attempt_ids), Attempt.submitted_at.is_(None))
                               .values(deadline=utcnow() + timedelta(seconds=seconds_from_now)))
            db.session.commit()

    def sweep_and_check(self) -> None:
        """Expire the leavers, run the sweep, and compare every graded attempt with the ledger."""
        from lms.extensions import db
        from quizzes.models import Attempt
        from quizzes.services import sweep_expired_attempts

        self._move_deadline([c.attempt_id for c in self.candidates if c.group == "never-return"], -60)
        with self.app.app_context():
            self.stats.swept = sweep_expired_attempts()
            db.session.commit()
            for candidate in self.candidates:
                attempt = db.session.get(Attempt, candidate.attempt_id)
                assert attempt is not None
                self._check(candidate, attempt)
            db.session.remove()

    def _check(self, candidate: _Candidate, attempt: Attempt) -> None:
        stats = self.stats
        expected_reason = "submitted" if candidate.group.startswith("submit") else "timeout"
        if attempt.finished_reason != expected_reason:
            stats.wrong_finish += 1
            if len(stats.examples) < 5:
                stats.examples.append(f"{candidate.group} attempt {attempt.id} finished as {attempt.finished_reason}")
        stored = {answer.question_id: answer.response for answer in attempt.answers}
        right = {slot.question_id: next(o.id for o in slot.question.options if o.fraction == 1.0)
                 for slot in attempt.slots}
        lost_here = 0
        for question_id in candidate.questions:
            saved, graded = candidate.acked.get(question_id), stored.get(question_id)
            if saved is not None:
                stats.ledger_answers[candidate.group] += 1
                if graded != {"option": saved.option} and not candidate.explains(question_id, graded):
                    lost_here += 1
            elif graded is not None and not candidate.explains(question_id, graded):
                stats.unexpected_answers += 1
        stats.lost[candidate.group] += lost_here
        if lost_here == 0 and not any(candidate.unacked.values()):
            correct = sum(1 for q, save in candidate.acked.items() if right[q] == save.option)
            expected = (Decimal(correct) * 10 / QUESTIONS).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
            if attempt.score != expected:
                stats.score_mismatches += 1


def _attempt_form_inputs(html: str) -> list[dict[str, str]]:
    """The attributes of every input of the attempt page's form (not the header's small forms)."""
    start = html.find('id="attempt-form"')
    if start < 0:
        return []
    section = html[start:html.find("</form>", start)]
    return [{name: unescape(value) for name, value in _ATTRIBUTE.findall(attributes)}
            for attributes in _INPUT.findall(section)]


def _groups(count: int, run_name: str) -> list[str]:
    """Each candidate's ending, shuffled with the run's seed."""
    leavers, late = round(count * NEVER_RETURN_SHARE), round(count * TIMEOUT_SHARE)
    submitters = count - leavers - late
    endings = ("submit-form", "submit-stale", "submit-empty")
    groups = ["never-return"] * leavers + ["timeout"] * late + [endings[i % 3] for i in range(submitters)]
    random.Random(f"{SEED}:{run_name}:groups").shuffle(groups)
    return groups


def _seed_people(app: Flask) -> tuple[list[str], int]:
    """Migrate, load content, create the candidates and the exam; return usernames and the quiz id."""
    from lms.extensions import db

    _server.migrate_and_load_content(app)
    with app.app_context():
        people = _server.create_candidates(CANDIDATES, "thisinh")
        quiz = _server.build_exam_quiz(QUESTIONS, TIME_LIMIT_MINUTES, SEED)
        usernames, quiz_id = [p.username for p in people], quiz.id
        db.session.commit()
    return usernames, quiz_id


def _start_attempts(app: Flask, quiz_id: int, candidates: list[_Candidate], run_name: str) -> None:
    """Start every candidate's timed attempt through ``quizzes.services.start_attempt``."""
    from lms.extensions import db
    from lms.services import find_user_by_login
    from quizzes.services import get_quiz, start_attempt

    rng = random.Random(f"{SEED}:{run_name}:attempts")
    with app.app_context():
        quiz = get_quiz(quiz_id)
        assert quiz is not None
        for candidate in candidates:
            person = find_user_by_login(candidate.username)
            assert person is not None
            candidate.attempt_id = start_attempt(person, quiz, rng).id
        db.session.commit()
        db.session.remove()


async def _sign_in_all(pool: HttpPool, usernames: list[str]) -> tuple[list[Browser], float]:
    """Sign every candidate in through the login form; return their browsers and the seconds it took."""
    browsers = [Browser(pool) for _ in usernames]
    started = time.monotonic()

    async def sign_in(browser: Browser, username: str) -> None:
        for attempt in range(MAX_TRIES):
            try:
                await browser.log_in(username)
                return
            except ConnectionLost:
                await asyncio.sleep(min(1.0, 0.05 * 2 ** attempt))
        raise RuntimeError(f"{username} could not sign in")

    await asyncio.gather(*(sign_in(b, u) for b, u in zip(browsers, usernames, strict=True)))
    return browsers, time.monotonic() - started


async def _session(database_url: str, work: Path, database: _server.PrivatePostgreSQL | None = None
                   ) -> tuple[list[_Stats], float]:
    """Seed a database, serve it, sign everyone in, and run the session: steady, with a worker
    killed, and (for a database of the benchmark's own) with the database restarted."""
    from lms.extensions import db

    label = _server.database_label(database_url)
    app = _server.seeding_app(database_url)
    print(f"{label}: seeding {CANDIDATES} candidates and a {QUESTIONS}-question exam")
    usernames, quiz_id = _seed_people(app)
    instance = work / f"instance-{database_url.split(':', 1)[0].split('+', 1)[0]}"
    instance.mkdir()
    results = []
    with GunicornServer("wsgi:app", _server.server_environment(database_url, instance), work,
                        probe_path="/login") as server:
        pool = HttpPool(server.port, CONNECTIONS)
        try:
            browsers, login_seconds = await _sign_in_all(pool, usernames)
            print(f"  {len(usernames)} candidates signed in through the login form in {login_seconds:.1f} s")
            runs = [("steady", False, None), ("worker killed", True, None)]
            if database is not None:
                runs.append(("database restarted", False, database))
            for name, kill, restarted in runs:
                stats = _Stats(name, label)
                groups = _groups(len(usernames), name)
                candidates = [_Candidate(i, u, g, b)
                              for i, (u, g, b) in enumerate(zip(usernames, groups, browsers, strict=True))]
                stats.groups.update(groups)
                _start_attempts(app, quiz_id, candidates, name)
                session = _Session(app, server, candidates, stats, kill, restarted)
                logged_before = server.logged_exceptions()
                await session.run()
                stats.server_exceptions = server.logged_exceptions() - logged_before
                await asyncio.to_thread(session.sweep_and_check)
                _print(stats)
                results.append(stats)
        finally:
            pool.close()
    with app.app_context():
        db.engine.dispose()
    return results, login_seconds


def _print(stats: _Stats) -> None:
    print(f"  {stats.name}: {sum(v for k, v in stats.statuses.items() if k.startswith('save'))} save requests, "
          f"{stats.acked_saves} acknowledged, {stats.connection_errors} connection errors, {stats.retries} retries, "
          f"{stats.page_mismatches} page mismatches; lost answers: {stats.lost_answers}; "
          f"save p50 {_ms(stats.save_latencies, 0.5)} ms p99 {_ms(stats.save_latencies, 0.99)} ms; "
          f"{'PASS' if stats.passed else 'FAIL'}")
    for group, lost in sorted(stats.lost.items()):
        if lost:
            print(f"    lost in {group}: {lost} of {stats.ledger_answers[group]} acknowledged answers")
    for kind, count in sorted(stats.unexpected.items()):
        print(f"    unexpected: {kind} × {count}")
    for example in stats.examples:
        print(f"    e.g. {example}")
    for exception, count in stats.server_exceptions.most_common(5):
        print(f"    server logged {count} × {exception}")


def _ms(samples: list[float], fraction: float) -> str:
    return f"{_server.percentile(samples, fraction) * 1000:.1f}"


def _document(runs: list[_Stats], logins: dict[str, float], postgresql_skipped: bool) -> str:
    headers = ("database", "run", "save requests", "acknowledged", "409 stale", "410 closed", "503 (Retry-After)",
               "other 5xx", "submits refused (lock)", "conn. errors", "retries", "page mismatches", "lost answers",
               "save p50 ms", "save p99 ms", "saves/s", "result")
    rows = []
    for s in runs:
        save_requests = sum(v for k, v in s.statuses.items() if k.startswith("save"))
        unavailable = sum(v for k, v in s.statuses.items() if k.endswith(" 503"))
        server_errors = sum(v for k, v in s.statuses.items() if k.split()[-1].startswith("5")) - unavailable
        submit_refused = sum(v for k, v in s.statuses.items() if k.startswith("submit 5"))
        rows.append((s.database, s.name, f"{save_requests:,}", f"{s.acked_saves:,}", s.statuses["save 409"],
                     s.statuses["save 410"], unavailable, server_errors, submit_refused, s.connection_errors,
                     s.retries, s.page_mismatches,
                     f"**{s.lost_answers}**", _ms(s.save_latencies, 0.5), _ms(s.save_latencies, 0.99),
                     f"{save_requests / s.seconds:,.0f}", "PASS" if s.passed else "FAIL"))
    group_names = ("submit-form", "submit-stale", "submit-empty", "timeout", "never-return")
    detail_rows = [(s.database, s.name, *(f"{s.lost[g]} / {s.ledger_answers[g]} ({s.groups[g]})" for g in group_names),
                    s.reloads, s.swept, s.given_up, s.unexpected_answers, s.wrong_finish, s.score_mismatches,
                    "; ".join(f"{k} × {v}" for k, v in sorted(s.unexpected.items())) or "none")
                   for s in runs]
    kills = [f"{s.database}: worker {s.killed_worker} killed {s.killed_at_seconds:.1f} s into the run, a new "
             f"worker process forked {s.restart_seconds:.1f} s later; {s.connection_errors} requests lost their "
             f"connection and were retried, {s.stored_in_transit} of them saves that had been stored before the "
             f"answer was lost (the retry answered \"already stored\")" for s in runs if s.killed_worker]
    notes = (
        f"{CANDIDATES:,} candidates, each in a started {QUESTIONS}-question timed exam attempt "
        f"({TIME_LIMIT_MINUTES} min, single-choice questions drawn from the content bank, started through "
        f"`quizzes.services.start_attempt`). Server: {_server.gunicorn_settings()}, on 127.0.0.1, "
        f"`LMS_ENV=production`, rate limits lifted for the run (`RATELIMIT_LOGIN` and `RATELIMIT_VERIFY` = "
        f"\"{_server.BENCH_RATE_LIMIT}\": every candidate comes from 127.0.0.1). Client: one asyncio process, "
        f"every candidate at once over at most {CONNECTIONS} requests in flight, served first come first "
        f"served, no think time (a burst, the worst case). Sign-in through the login form, once for both runs: "
        + ", ".join(f"{db} {seconds:.0f} s" for db, seconds in logins.items())
        + " (Argon2id, about 0.1 s of CPU per login)."
        f"\n\nEach candidate plans {SAVES_PER_CANDIDATE} saves over {ANSWERED_QUESTIONS[0]}–{ANSWERED_QUESTIONS[1]} "
        f"questions (several changes per question), resends {RETRY_SHARE:.0%} of them unchanged (must answer 200, "
        f"not stored again), sends an older `seq` after {STALE_SHARE:.0%} (must answer 409), reloads the page "
        f"every {RELOAD_EVERY} saves and checks the checked options against its ledger. Endings: "
        f"{1 - NEVER_RETURN_SHARE - TIMEOUT_SHARE:.0%} submit, a third each: `submit-form` posts the last page's "
        f"form as a browser does (hidden fields and checked options), `submit-stale` the form of the first page "
        f"that showed answers (an old tab: later changes must survive it), `submit-empty` only the CSRF token "
        f"(the server must grade what it saved); {TIMEOUT_SHARE:.0%} time out half-way (deadline moved "
        f"{TIMEOUT_AFTER_SECONDS:.0f} s ahead; later saves must get 410), {NEVER_RETURN_SHARE:.0%} never return "
        f"(deadline moved into the past, then `sweep_expired_attempts()` in-process). Failed, reset or 5xx "
        f"requests are retried (at most {MAX_TRIES} times, backing off), as the page's script retries. "
        f"**Lost answers** = acknowledged (200) saves whose response is not the graded answer; it must be 0. "
        f"Latency: first byte sent to last byte read, retries counted separately."
    )
    if kills:
        notes += "\n\nSIGKILL run: " + "; ".join(kills) + "."
    restarts = [f"{s.database}: the database was stopped {s.database_restarted_at:.1f} s into the run and "
                f"answered again {s.database_outage_seconds:.1f} s later (`pg_ctl stop -m fast`, "
                f"{DATABASE_DOWN_SECONDS:.0f} s down, `pg_ctl start`; the site was not restarted); meanwhile "
                f"requests were answered 503 with Retry-After ({s.unavailable_without_retry_after} without it) "
                f"and retried by the clients" for s in runs if s.database_outage_seconds]
    if restarts:
        notes += ("\n\nDatabase restart run (PostgreSQL in a cluster of the benchmark's own, so that "
                  "stopping it disturbs no one else): " + "; ".join(restarts) + ".")
    notes += (f"\n\nTargets: 0 lost answers in every run; on PostgreSQL a save's p99 under "
              f"{P99_SAVE_TARGET_MS:.0f} ms; on SQLite no submit refused for a lock (`database is locked`) under "
              f"autosave load (column \"submits refused (lock)\").")
    logged = [f"{s.database}, {s.name}: " + "; ".join(f"{count} × `{text}`" for text, count in
                                                      s.server_exceptions.most_common(3))
              for s in runs if s.server_exceptions]
    if logged:
        notes += "\n\nExceptions in the server's log (answered 5xx; the clients retried): " + " — ".join(logged) + "."
    if postgresql_skipped:
        notes += "\n\nPostgreSQL was not available: run on SQLite only."
    detail_headers = ("database", "run", *(f"{g}: lost / acknowledged (attempts)" for g in group_names),
                      "page reloads", "swept", "saves given up", "graded answers never acknowledged",
                      "wrong ending", "score ≠ ledger", "unexpected responses")
    return (notes + "\n\n" + markdown_table(headers, rows) + "\n\nBy ending:\n\n"
            + markdown_table(detail_headers, detail_rows))


def run() -> bool:
    """Run the session (steady, then with a worker killed) on SQLite and, when reachable, PostgreSQL."""
    runs: list[_Stats] = []
    logins: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-exam-") as directory:
        work = Path(directory)
        stats, login_seconds = asyncio.run(_session(_server.sqlite_url(work), work))
        runs += stats
        logins["SQLite (WAL)"] = login_seconds
        private = _server.PrivatePostgreSQL(work)
        postgresql = None
        if private.available():
            postgresql = private.start()
        try:
            if postgresql is None:
                postgresql = _server.postgresql_url(POSTGRESQL_DATABASE)  # no restart on a shared server
                private = None
            if postgresql is None:
                print("PostgreSQL: not available: skipped")
            else:
                stats, login_seconds = asyncio.run(_session(postgresql, work, private))
                runs += stats
                logins["PostgreSQL"] = login_seconds
        finally:
            if private is not None:
                private.stop()
    write_section("Exam session", _document(runs, logins, postgresql is None))
    return all(s.passed for s in runs)
