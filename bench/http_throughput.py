"""HTTP throughput: requests per second of the site's busiest pages under gunicorn, against hello.

Targets, as a share of a bare Flask "hello" app (``bench/hello_app.py``) served with the same
gunicorn settings and measured in the same run:

* answer autosave ``POST /api/v1/attempts/<id>/answers`` (signed in, CSRF header): ≥ 35 %
* public certificate verification ``GET /verify/<code>``: ≥ 50 %
* a course page ``GET /courses/<slug>``, anonymous and signed in: ≥ 40 % each

Data: the migrations and ``content/`` (as ``make run`` loads them), ``CANDIDATES`` candidates each
in a started 30-question exam attempt drawn from the bank and half-way through the course, and
one graduate who read every lesson and passed the final quiz, which issued the certificate that
is verified. Every save changes the answer and raises the sequence number, so each one is stored.

Each endpoint is measured in ``ROUNDS`` rounds of ``ROUND_SECONDS``, each right after a round of
hello, and its ratio is its requests per second over hello's in those paired rounds: background
load on this shared 2-core machine drifts, and pairing keeps both sides of a ratio under the same
conditions. Runs on SQLite (WAL, temporary directory) and, when it answers, on PostgreSQL at
``postgresql+psycopg://postgres@127.0.0.1:5432/bench_http`` (created if missing; its ``public``
schema is rebuilt, the ``test`` database is never touched). ``BENCH_QUICK=1`` shortens everything;
``BENCH_TRIAL=1`` (or ``sqlite``, ``postgresql``: that database only) prints the figures without writing docs/benchmarks.md.
"""
from __future__ import annotations

import asyncio
import os
import random
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench import _server
from bench._server import Browser, GunicornServer, HttpPool, LoadResult, RequestAction, Response, ResponseCheck
from bench.report import markdown_table, write_section

if TYPE_CHECKING:
    from quizzes.models import Question

# None: measured to explain the others, without a target.
TARGETS: dict[str, float | None] = {
    "floor": None, "save": 0.35, "verify": 0.50, "course-anonymous": 0.40, "course-signed-in": 0.40}
LABELS = {
    "floor": "floor: `GET /api/v1/certificates/0000`, a malformed code (400, no database)",
    "save": "autosave `POST /api/v1/attempts/<id>/answers`",
    "verify": "verification `GET /verify/<code>`",
    "course-anonymous": "course page `GET /courses/<slug>`, anonymous",
    "course-signed-in": "course page `GET /courses/<slug>`, signed in",
}
QUICK = _server.quick()
CANDIDATES = 16 if QUICK else 48
QUESTIONS = 30
CONCURRENCY = 16
ROUNDS = 2 if QUICK else 3
ROUND_SECONDS = 2.0 if QUICK else 4.0
WARMUP_SECONDS = 1.0 if QUICK else 2.0
MAX_REQUESTS_PER_ROUND = 100_000
COURSE_SLUG = "thu-dien-tu-cong-vu"
SEED = 2026
POSTGRESQL_DATABASE = "bench_http"


@dataclass
class _Candidate:
    """A signed-in candidate's attempt, as the autosave load cycles through it."""

    username: str
    attempt_id: int
    questions: list[tuple[int, list[int]]]
    browser: Browser | None = None
    csrf_token: str = ""
    seq: int = 0
    turn: int = 0


@dataclass
class _Seed:
    candidates: list[_Candidate]
    certificate_code: str
    certificate_serial: str


@dataclass
class _Measurement:
    """One endpoint's rounds and the hello rounds paired with them."""

    database: str
    scenario: str
    endpoint: list[LoadResult] = field(default_factory=list)
    hello: list[LoadResult] = field(default_factory=list)

    @staticmethod
    def _rps(results: list[LoadResult]) -> float:
        return sum(r.requests - r.failures for r in results) / sum(r.seconds for r in results)

    @property
    def rps(self) -> float:
        """The endpoint's successful requests per second over its rounds."""
        return self._rps(self.endpoint)

    @property
    def hello_rps(self) -> float:
        """Hello's requests per second over the paired rounds."""
        return self._rps(self.hello)

    @property
    def ratio(self) -> float:
        """The endpoint's throughput as a share of hello's."""
        return self.rps / self.hello_rps

    @property
    def failures(self) -> int:
        """Failed requests of the endpoint and of hello (any failure voids the figure)."""
        return sum(r.failures for r in self.endpoint + self.hello)

    @property
    def passed(self) -> bool:
        """Whether nothing failed and the ratio meets the target (if the endpoint has one)."""
        target = TARGETS[self.scenario]
        return self.failures == 0 and (target is None or self.ratio >= target)

    def merged(self) -> LoadResult:
        """The endpoint's rounds as one result (latencies and CPU summed)."""
        return _merge(self.endpoint)

    def server_cpu_ms(self) -> tuple[float, float]:
        """Server CPU milliseconds per successful request: the endpoint's and hello's.

        Unlike requests per second, this does not depend on how much of the machine the server
        got while other processes were running.
        """
        def per_request(result: LoadResult) -> float:
            return 1000 * result.server_cpu_seconds / max(1, result.requests - result.failures)

        return per_request(_merge(self.endpoint)), per_request(_merge(self.hello))


def _merge(results: list[LoadResult]) -> LoadResult:
    """Rounds as one result: counts, time, CPU and latencies summed."""
    return LoadResult(
        requests=sum(r.requests for r in results), failures=sum(r.failures for r in results),
        seconds=sum(r.seconds for r in results), latencies=[x for r in results for x in r.latencies],
        client_cpu_seconds=sum(r.client_cpu_seconds for r in results),
        server_cpu_seconds=sum(r.server_cpu_seconds for r in results),
        machine_busy_seconds=sum(r.machine_busy_seconds for r in results),
        failure_examples=[x for r in results for x in r.failure_examples][:3])


def _right_answer(question: Question) -> dict:
    """The full-credit response to a choice question of a course's final quiz."""
    from quizzes.models import QuestionType

    if question.qtype is QuestionType.MULTIPLE_RESPONSE:
        return {"options": [o.id for o in question.options if o.fraction > 0]}
    return {"option": next(o.id for o in question.options if o.fraction == 1.0)}


def _seed(database_url: str) -> _Seed:
    """Migrate, load content, and create the candidates, their attempts and an issued certificate."""
    from certificates.services import course_certificate_of
    from courses import services as courses
    from lms.extensions import db
    from quizzes import services as quizzes

    app = _server.seeding_app(database_url)
    _server.migrate_and_load_content(app)
    rng = random.Random(SEED)
    with app.app_context():
        course = courses.get_published_course(COURSE_SLUG)
        if course is None:
            raise RuntimeError(f"content/ has no published course {COURSE_SLUG!r}")
        exam = _server.build_exam_quiz(QUESTIONS, time_limit_minutes=240, seed=SEED)
        candidates = []
        for person in _server.create_candidates(CANDIDATES, "ungvien"):
            attempt = quizzes.start_attempt(person, exam, rng)
            candidates.append(_Candidate(person.username, attempt.id,
                                         [(slot.question_id, slot.option_order) for slot in attempt.slots]))
            # Signed-in course pages show progress; half-way through is the common case.
            for lesson in course.lessons[:2]:
                courses.record_lesson_view(person, lesson)
        graduate = _server.create_candidates(1, "totnghiep")[0]
        for lesson in course.lessons:
            courses.record_lesson_view(graduate, lesson)
        final_quiz = quizzes.final_quiz_of_course(course.id)
        if final_quiz is None:
            raise RuntimeError(f"course {COURSE_SLUG!r} has no final quiz")
        final = quizzes.start_attempt(graduate, final_quiz, rng)
        for seq, slot in enumerate(final.slots, start=1):
            quizzes.save_answer(final.id, final.user_id, slot.question_id, _right_answer(slot.question), seq)
        quizzes.submit_attempt(final)  # graded and passed: the certificates listener issues one
        certificate = course_certificate_of(graduate, course)
        if certificate is None:
            raise RuntimeError("passing the course did not issue a certificate")
        seed = _Seed(candidates, certificate.code, certificate.serial)
        db.session.commit()
        db.engine.dispose()
    return seed


async def _sign_in(pool: HttpPool, candidates: list[_Candidate]) -> None:
    """Log every candidate in through the form and read the CSRF token from their attempt page."""

    async def sign_in(candidate: _Candidate) -> None:
        candidate.browser = Browser(pool)
        await candidate.browser.log_in(candidate.username)
        page = await candidate.browser.get(f"/attempts/{candidate.attempt_id}")
        if page.status != 200:
            raise RuntimeError(f"attempt page of {candidate.username} answered {page.status}")
        candidate.csrf_token = _server.csrf_token_from(page.text())

    await asyncio.gather(*(sign_in(c) for c in candidates))


def _scenarios(pool: HttpPool, seed: _Seed) -> dict[str, tuple[RequestAction, ResponseCheck]]:
    """Each endpoint's request maker and answer check."""
    candidates = seed.candidates
    anonymous = [Browser(pool) for _ in range(CONCURRENCY)]  # one cookie jar per client slot, like a browser
    serial = seed.certificate_serial.encode()

    def save(slot: int, number: int) -> Awaitable[Response]:
        candidate = candidates[number % len(candidates)]
        question_id, options = candidate.questions[candidate.turn % QUESTIONS]
        # Each pass over the questions picks the next option, so every save changes the answer.
        option = options[(candidate.turn // QUESTIONS) % len(options)]
        candidate.turn += 1
        candidate.seq += 1
        assert candidate.browser is not None
        return candidate.browser.post_json(
            f"/api/v1/attempts/{candidate.attempt_id}/answers",
            {"question_id": question_id, "response": {"option": option}, "seq": candidate.seq},
            candidate.csrf_token)

    def stored(response: Response) -> bool:
        body = response.json()
        return response.status == 200 and isinstance(body, dict) and body.get("stored") is True

    def signed_in_course(slot: int, number: int) -> Awaitable[Response]:
        browser = candidates[number % len(candidates)].browser
        assert browser is not None
        return browser.get(f"/courses/{COURSE_SLUG}")

    return {
        # The site's per-request machinery alone (session, limiter, Babel, headers, JSON): a code
        # of the wrong length is refused before any query.
        "floor": (lambda slot, number: anonymous[slot].get("/api/v1/certificates/0000"),
                  lambda response: response.status == 400),
        "save": (save, stored),
        "verify": (lambda slot, number: anonymous[slot].get(f"/verify/{seed.certificate_code}"),
                   lambda response: response.status == 200 and serial in response.body),
        "course-anonymous": (lambda slot, number: anonymous[slot].get(f"/courses/{COURSE_SLUG}"),
                             lambda response: response.status == 200),
        "course-signed-in": (signed_in_course,
                             lambda response: response.status == 200 and b"<progress" in response.body),
    }


async def _rounds(database: str, scenario: str, action: RequestAction, check: ResponseCheck,
                  hello: tuple[HttpPool, GunicornServer], site_pids: Callable[[], list[int]]) -> _Measurement:
    """Warm up, then alternate hello and the endpoint for ``ROUNDS`` rounds."""
    hello_pool, hello_server = hello

    def hello_action(slot: int, number: int) -> Awaitable[Response]:
        return hello_pool.request("GET", "/")

    def hello_check(response: Response) -> bool:
        return response.status == 200

    def load(send: RequestAction, accept: ResponseCheck, seconds: float,
             pids: Callable[[], list[int]]) -> Awaitable[LoadResult]:
        return _server.closed_loop(send, accept, concurrency=CONCURRENCY, seconds=seconds,
                                   max_requests=MAX_REQUESTS_PER_ROUND, server_pids=pids)

    await load(action, check, WARMUP_SECONDS, site_pids)
    measurement = _Measurement(database, scenario)
    for _ in range(ROUNDS):
        measurement.hello.append(await load(hello_action, hello_check, ROUND_SECONDS, hello_server.pids))
        measurement.endpoint.append(await load(action, check, ROUND_SECONDS, site_pids))
    merged = measurement.merged()
    verdict = ("PASS" if measurement.passed else "FAIL") if TARGETS[scenario] is not None else "(no target)"
    print(f"  {scenario:<17} {measurement.rps:7.0f} req/s (hello {measurement.hello_rps:5.0f}) "
          f"ratio {measurement.ratio:5.1%}  p50 {merged.p50_ms:6.1f} ms  p99 {merged.p99_ms:6.1f} ms  "
          f"CPU {measurement.server_cpu_ms()[0]:.2f} ms/req (hello {measurement.server_cpu_ms()[1]:.2f})  "
          f"failures {measurement.failures}  {verdict}")
    for example in merged.failure_examples:
        print(f"    failure: {example}")
    return measurement


async def _measure_database(database_url: str, hello_server: GunicornServer, work: Path) -> list[_Measurement]:
    """Seed ``database_url``, serve the site from it and measure every endpoint against hello."""
    label = _server.database_label(database_url)
    print(f"{label}: seeding ({CANDIDATES} candidates, a {QUESTIONS}-question exam, one certificate)")
    seed = _seed(database_url)
    instance = work / f"instance-{database_url.split(':', 1)[0].split('+', 1)[0]}"
    instance.mkdir()
    env = _server.server_environment(database_url, instance)
    with GunicornServer("wsgi:app", env, work, probe_path="/login") as app:

        def site_pids() -> list[int]:
            # PostgreSQL's backends work for the site: their CPU is the site's, not the machine's rest.
            database = POSTGRESQL_DATABASE if database_url.startswith("postgresql") else None
            return app.pids() + (_server.postgresql_backend_pids(database) if database else [])

        pool = HttpPool(app.port, CONCURRENCY)
        hello_pool = HttpPool(hello_server.port, CONCURRENCY)
        try:
            await _sign_in(pool, seed.candidates)
            measurements = []
            for scenario, (action, check) in _scenarios(pool, seed).items():
                measurements.append(await _rounds(label, scenario, action, check, (hello_pool, hello_server),
                                                  site_pids))
        finally:
            pool.close()
            hello_pool.close()
    return measurements


def _document(measurements: list[_Measurement], postgresql_skipped: bool) -> str:
    rows = []
    for m in measurements:
        merged = m.merged()
        cores = f"{merged.server_cores:.2f} / {merged.client_cores:.2f} / {merged.other_cores:.2f}"
        endpoint_cpu, hello_cpu = m.server_cpu_ms()
        target = TARGETS[m.scenario]
        result = ("PASS" if m.passed else "FAIL") if target is not None else ("–" if m.passed else "FAIL")
        rows.append((m.database, LABELS[m.scenario], f"{m.rps:,.0f}", f"{merged.p50_ms:.1f}", f"{merged.p99_ms:.1f}",
                     f"{m.hello_rps:,.0f}", f"{m.ratio:.1%}", f"≥ {target:.0%}" if target is not None else "–",
                     cores, f"{endpoint_cpu:.2f} / {hello_cpu:.2f}", m.failures, result))
    headers = ("database", "endpoint", "req/s", "p50 ms", "p99 ms", "hello req/s", "ratio", "target",
               "cores: server / generator / other", "server CPU ms per request / hello's", "failures", "result")
    notes = (
        f"Server: {_server.gunicorn_settings()}, on 127.0.0.1, the same for hello and the site; "
        f"`LMS_ENV=production`, `SESSION_COOKIE_SECURE=0` (plain HTTP), rate limits in memory and lifted for "
        f"the run (`RATELIMIT_VERIFY` and `RATELIMIT_LOGIN` = \"{_server.BENCH_RATE_LIMIT}\"; every virtual "
        f"client shares the address 127.0.0.1). Load: one Python process, asyncio, {CONCURRENCY} client slots "
        f"in a closed loop (a new request as soon as the previous answer arrived), so server and generator "
        f"share the 2 cores the same way for hello and the site; the cores column shows how they did (the "
        f"server's share includes the site's PostgreSQL backends), and how much the rest of the machine took "
        f"meanwhile (other people's processes: this machine is shared). Server CPU per request does not "
        f"depend on that share: the endpoint's cost next to hello's is the same comparison, free of the "
        f"machine's other load. The floor row has no target: it is "
        f"the cheapest request the site can answer, the bound on what any endpoint can reach. Each endpoint: "
        f"{ROUNDS} rounds of {ROUND_SECONDS:.0f} s after {WARMUP_SECONDS:.0f} s of warm-up, each round paired "
        f"with a round of hello just before it; ratio = endpoint req/s ÷ paired hello req/s. Latency is per "
        f"request, first byte sent to last byte read.\n\n"
        f"Data: `content/` loaded as by `make run`; {CANDIDATES} candidates signed in through the login form, "
        f"each in a started {QUESTIONS}-question exam attempt; autosave cycles through their attempts, each "
        f"save a new option with a higher `seq` (so it is stored, an INSERT the first time a question is "
        f"answered and an UPDATE after), with the session cookie and the `X-CSRFToken` header. Verification "
        f"looks up a certificate issued by the app itself (a graduate read every lesson of `{COURSE_SLUG}` and "
        f"passed its final quiz); each lookup is counted (in each worker's memory, written in batches: "
        f"`VERIFICATION_COUNT_FLUSH_SECONDS`). Course "
        f"pages: `{COURSE_SLUG}`, anonymous (each client slot keeps its cookies, like a browser) and signed in "
        f"as a candidate who has read two of its lessons. What each path does per request, and what it "
        f"keeps between requests: docs/performance.md. On PostgreSQL the database server runs on the same "
        f"2 cores, and its backends' CPU counts as the site's."
    )
    if postgresql_skipped:
        notes += "\n\nPostgreSQL did not answer on 127.0.0.1:5432: measured on SQLite only."
    return notes + "\n\n" + markdown_table(headers, rows)


def run() -> bool:
    """Measure every endpoint on SQLite and, when reachable, PostgreSQL; write the docs section."""
    measurements: list[_Measurement] = []
    with tempfile.TemporaryDirectory(prefix="bench-http-") as directory:
        work = Path(directory)
        databases = [_server.sqlite_url(work)]
        postgresql = None if os.environ.get("BENCH_TRIAL") == "sqlite" else _server.postgresql_url(POSTGRESQL_DATABASE)
        if postgresql:
            databases = [postgresql] if os.environ.get("BENCH_TRIAL") == "postgresql" else databases + [postgresql]
        else:
            print("PostgreSQL: not reachable on 127.0.0.1:5432: skipped")
        hello_env = _server.server_environment(databases[0], work)
        with GunicornServer("bench.hello_app:app", hello_env, work) as hello_server:
            for url in databases:
                measurements += asyncio.run(_measure_database(url, hello_server, work))
    if os.environ.get("BENCH_TRIAL"):  # a trial while working on a path: figures printed, not written
        return all(m.passed for m in measurements)
    write_section("HTTP throughput", _document(measurements, postgresql is None))
    return all(m.passed for m in measurements)
