"""Shared plumbing of the HTTP benchmarks: gunicorn on 127.0.0.1, seeded databases, a load generator.

The machine the figures come from has 2 cores, shared by the server and the load generator, so
both are kept lean and identical for the baseline and the application:

* the server is gunicorn with ``GUNICORN_WORKERS`` (4) ``sync`` workers, the README's production
  command (gunicorn's advice is 2–4 workers per core): while one worker waits for the disk or the
  database, another can use the core. Sync workers close the
  connection after each answer, so every request is a new connection that whichever idle worker
  accepts first. With keep-alive (``gthread``) a connection stays with the worker that accepted
  it, and trial runs here were skewed by one worker holding most of the client's connections.
* the load generator is this single Python process: one asyncio loop speaking plain HTTP/1.1
  through a fixed number of client slots (closed loop: each slot sends its next request when the
  previous answer has arrived), so it never uses more than one core. Each run records how many
  cores the server, the generator and the rest of the machine used while it was measured.

Everything listens on and connects to 127.0.0.1 only, on free ports the kernel picks; every run
is bounded in time and in requests and stops its server when done.
"""
from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import psycopg
from flask import Flask

if TYPE_CHECKING:
    from lms.models import User
    from quizzes.models import Quiz

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
GUNICORN_WORKERS = 4
GUNICORN_WORKER_CLASS = "sync"
# Limits the benchmarks lift for their run (documented in docs/benchmarks.md): every virtual
# client comes from 127.0.0.1, so the per-client limits would otherwise throttle the load itself.
BENCH_RATE_LIMIT = "1000000 per minute"
BENCH_PASSWORD = "Benchmark-CNTT@2026"
BENCH_SITE_URL = "http://127.0.0.1"  # printed on certificates only; the servers listen on free ports
POSTGRESQL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
# Databases other engineers' test suites use; a benchmark must never reset them.
_PROTECTED_DATABASES = {"test", "postgres", "template0", "template1"}
_SECRET_KEY = secrets.token_urlsafe(48)


def quick() -> bool:
    """True when ``BENCH_QUICK=1`` asks for a short run (smaller data, shorter measurements)."""
    return os.environ.get("BENCH_QUICK", "").strip().lower() in {"1", "true", "yes", "on"}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# --- databases and seed data -------------------------------------------------------------------


def sqlite_url(directory: Path) -> str:
    """SQLAlchemy URL of a fresh SQLite file in ``directory`` (the app turns WAL on per connection)."""
    return f"sqlite:///{directory / 'bench.sqlite3'}"


def postgresql_url(database: str) -> str | None:
    """URL of the local PostgreSQL database ``database``, created if missing, with an empty schema.

    Returns None when no PostgreSQL answers on 127.0.0.1:5432. The ``public`` schema is dropped
    and rebuilt, so only benchmark-owned databases are accepted.
    """
    if database in _PROTECTED_DATABASES or not re.fullmatch(r"bench_[a-z0-9_]+", database):
        raise ValueError(f"refusing to reset database {database!r}: benchmark databases are named bench_*")
    server = POSTGRESQL_SERVER.replace("+psycopg", "")
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=3) as admin:
            if admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is None:
                admin.execute(f'CREATE DATABASE "{database}"')
        with psycopg.connect(f"{server}/{database}", autocommit=True, connect_timeout=3) as connection:
            connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
            connection.execute("CREATE SCHEMA public")
    except psycopg.OperationalError:
        return None
    return f"{POSTGRESQL_SERVER}/{database}"


class PrivatePostgreSQL:
    """A PostgreSQL cluster of the benchmark's own, in a temporary directory, on a free port.

    The exam session restarts its database in the middle of a run; doing that to the machine's
    shared server would break everyone else's work, so the run gets a server it may stop.
    Uses the installed server binaries (``initdb``, ``pg_ctl``); when running as root they run
    as the ``postgres`` system user, as PostgreSQL requires.
    """

    def __init__(self, directory: Path):
        self.directory = directory / "pgdata"
        self.socket_dir = directory / "pgsocket"
        self.port = free_port()
        self.bin = self._binaries()

    @staticmethod
    def _binaries() -> Path:
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not candidates:
            raise FileNotFoundError("no PostgreSQL server binaries under /usr/lib/postgresql")
        return candidates[-1].parent

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=120)

    def available(self) -> bool:
        """Whether this machine can run a private server."""
        return (self.bin / "initdb").exists()

    def start(self) -> str:
        """Create and start the cluster; return the SQLAlchemy URL of its ``bench`` database."""
        for folder in (self.directory, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(folder, "postgres", "postgres")
        if os.geteuid() == 0:
            shutil.chown(self.directory.parent, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.directory), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-instructions")
        self._pg_ctl("start")
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE bench")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/bench"

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.socket_dir} -c fsync=on"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.directory), "-o", options, "-w", "-t", "60",
                  *extra, action)

    def restart(self, down_seconds: float) -> float:
        """Stop the server (fast: connections are cut), wait ``down_seconds``, start it; the outage's length."""
        started = time.monotonic()
        self._pg_ctl("stop", "-m", "fast")
        time.sleep(down_seconds)
        self._pg_ctl("start")
        return time.monotonic() - started

    def stop(self) -> None:
        """Stop the server (its directory goes with the benchmark's temporary directory)."""
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            self._pg_ctl("stop", "-m", "immediate")


def database_label(url: str) -> str:
    """The database engine's name for reports."""
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite (WAL)"


def seeding_app(database_url: str) -> Flask:
    """The application, configured like the benchmark's server, for seeding and checking in-process."""
    from lms import create_app

    return create_app({
        "LMS_ENV": "production", "SECRET_KEY": _SECRET_KEY, "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": "memory://", "SESSION_COOKIE_SECURE": False, "SITE_URL": BENCH_SITE_URL,
    })


def migrate_and_load_content(app: Flask) -> None:
    """Build the schema with the migrations and load ``content/`` (courses, bank, quizzes), as ``make run`` does."""
    from flask_migrate import upgrade

    from lms.cli import CONTENT_ROOT, load_content
    from lms.extensions import db

    with app.app_context():
        upgrade()
        load_content(CONTENT_ROOT)
        db.session.commit()


_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
_MIDDLE = ("Thị", "Văn", "Đức", "Minh", "Thu", "Quốc", "Thanh", "Hữu", "Ngọc", "Xuân")
_GIVEN = ("Hương", "Minh", "Hà", "Bảo", "Thắng", "Lan", "Dũng", "Hùng", "Mai", "Tuấn", "Linh", "Phương")


def create_candidates(count: int, prefix: str) -> list[User]:
    """``count`` civil servants of one agency, all with ``BENCH_PASSWORD``; flushed, not committed.

    The first account goes through ``lms.services.create_user``; the others reuse its Argon2 hash,
    because hashing costs about 0.1 s per account and would dominate the set-up of a thousand.
    """
    from lms.extensions import db
    from lms.models import User
    from lms.services import create_user, get_or_create_agency

    agency = get_or_create_agency("000.00.00.H41", "Ủy ban nhân dân tỉnh Nghệ An")
    people: list[User] = []
    for number in range(1, count + 1):
        name = f"{_FAMILY[number % 12]} {_MIDDLE[number % 10]} {_GIVEN[(number // 12) % 12]}"
        username = f"{prefix}{number:05d}"
        if not people:
            people.append(create_user(username, BENCH_PASSWORD, name, agency=agency, position="Chuyên viên"))
            continue
        person = User(username=username, agency=agency, position="Chuyên viên",
                      password_hash=people[0].password_hash)
        person.set_full_name(name)
        db.session.add(person)
        people.append(person)
    db.session.flush()
    return people


def build_exam_quiz(question_count: int, time_limit_minutes: int, seed: int) -> Quiz:
    """An exam of ``question_count`` single-choice questions drawn (seeded) from the content bank.

    Only questions with exactly one fully right option are drawn, so a client can tell right
    from wrong and predict the score. Flushed, not committed.
    """
    import random

    from sqlalchemy import select

    from lms.extensions import db
    from quizzes.models import Question, QuestionStatus, QuestionType, Quiz, QuizItem, QuizKind

    pool = [q for q in db.session.scalars(select(Question).where(
        Question.qtype == QuestionType.SINGLE_CHOICE, Question.is_current.is_(True),
        Question.status == QuestionStatus.ACTIVE).order_by(Question.id))
        if sum(o.fraction == 1.0 for o in q.options) == 1 and len(q.options) >= 2]
    chosen = random.Random(seed).sample(pool, question_count)
    quiz = Quiz(slug=f"bench-exam-{seed}", title="Sát hạch kỹ năng sử dụng CNTT cơ bản (benchmark)",
                kind=QuizKind.EXAM, pass_mark=Decimal("5.00"), time_limit_minutes=time_limit_minutes,
                max_attempts=None, shuffle=True)
    quiz.items = [QuizItem(question=question, position=position) for position, question in enumerate(chosen, 1)]
    db.session.add(quiz)
    db.session.flush()
    return quiz


# --- gunicorn ------------------------------------------------------------------------------------


def server_environment(database_url: str, instance_dir: Path) -> dict[str, str]:
    """The environment of a production-like server for a benchmark (plain HTTP, lifted rate limits)."""
    env = {key: value for key, value in os.environ.items() if key not in {"REDIS_URL", "FLASK_APP"}}
    env.update({
        "LMS_ENV": "production",
        "SECRET_KEY": _SECRET_KEY,
        "DATABASE_URL": database_url,
        "LMS_INSTANCE_PATH": str(instance_dir),
        "SESSION_COOKIE_SECURE": "0",  # the benchmark speaks plain HTTP to 127.0.0.1
        "SITE_URL": BENCH_SITE_URL,
        "RATELIMIT_VERIFY": BENCH_RATE_LIMIT,
        "RATELIMIT_LOGIN": BENCH_RATE_LIMIT,
        "PYTHONPATH": str(ROOT),
    })
    return env


def gunicorn_settings() -> str:
    """The gunicorn options every benchmark server runs with, for reports."""
    return f"gunicorn 23, {GUNICORN_WORKERS} {GUNICORN_WORKER_CLASS} workers, no access log, not preloaded"


def _proc_stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat from the state onwards (the command name may contain spaces)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return raw.rpartition(")")[2].split()


def cpu_seconds_by_pid(pids: Iterable[int]) -> dict[int, float]:
    """User plus system CPU time each live process has used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        fields = _proc_stat(pid)
        if fields is not None:
            used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def postgresql_backend_pids(database: str) -> list[int]:
    """Process ids of the PostgreSQL backends connected to ``database`` (their titles name it)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            pids.append(int(entry.name))
    return pids


def machine_busy_seconds() -> float:
    """CPU time every core of the machine has spent busy since boot (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


# The last line of a logged traceback: "sqlalchemy.exc.OperationalError: (sqlite3...) database is locked".
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b.*")


class GunicornServer:
    """A gunicorn master serving ``app_spec`` on a free port of 127.0.0.1; a context manager.

    The master and its workers are the only processes it signals, always by process id.
    """

    def __init__(self, app_spec: str, env: Mapping[str, str], log_dir: Path, probe_path: str = "/"):
        self.app_spec = app_spec
        self.env = dict(env)
        self.log_path = log_dir / f"gunicorn-{app_spec.replace(':', '-')}.log"
        self.probe_path = probe_path
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self, timeout: float = 60.0) -> None:
        """Start the master and wait until a request is answered and every worker has booted."""
        self.port = free_port()
        command = [
            sys.executable, "-m", "gunicorn", "--bind", f"{HOST}:{self.port}",
            "--workers", str(GUNICORN_WORKERS), "--worker-class", GUNICORN_WORKER_CLASS,
            "--timeout", "60", "--graceful-timeout", "10",
            "--chdir", str(ROOT), "--error-logfile", str(self.log_path), self.app_spec,
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            if len(self.worker_pids()) == GUNICORN_WORKERS and self._answers():
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=10)
        try:
            connection.request("GET", self.probe_path)
            return connection.getresponse().status < 500
        except OSError:
            return False
        finally:
            connection.close()

    def worker_pids(self) -> list[int]:
        """Process ids of the master's current workers (children in /proc)."""
        if self.process is None:
            return []
        master = str(self.process.pid)
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                fields = _proc_stat(int(entry.name))
                if fields is not None and fields[1] == master and fields[0] != "Z":
                    children.append(int(entry.name))
        return sorted(children)

    def pids(self) -> list[int]:
        """The master's and the workers' process ids."""
        return ([self.process.pid] if self.process else []) + self.worker_pids()

    def kill_worker(self) -> int:
        """SIGKILL one worker (the master starts a new one); return its process id."""
        victim = self.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def wait_for_workers(self, excluded: int, timeout: float = 30.0) -> float:
        """Seconds until the master again has its full set of workers, none of them ``excluded``."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            pids = self.worker_pids()
            if len(pids) == GUNICORN_WORKERS and excluded not in pids:
                return time.monotonic() - started
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not replace worker {excluded} within {timeout:.0f} s")

    def stop(self) -> None:
        """Stop gracefully (SIGTERM to the master); SIGKILL the master and its workers if it hangs."""
        if self.process is None or self.process.poll() is not None:
            return
        workers = self.worker_pids()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            for pid in [*workers, self.process.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def logged_exceptions(self) -> Counter[str]:
        """The exceptions the server logged so far (last line of each traceback), counted."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return Counter()
        return Counter(line.strip()[:200] for line in lines if _EXCEPTION_LINE.match(line))

    def log_tail(self, lines: int = 30) -> str:
        """The end of the server's error log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


# --- HTTP client ---------------------------------------------------------------------------------


class ConnectionLost(Exception):
    """The request got no complete answer: refused, reset, closed early or timed out."""


@dataclass(frozen=True)
class Response:
    """An HTTP answer: status, headers (lower-case names), raw Set-Cookie values, body, and latency."""

    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: bytes
    seconds: float

    def text(self) -> str:
        """The body decoded as UTF-8."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON (None if it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


class _Connection:
    """One keep-alive HTTP/1.1 connection, opened on first use and again after a failure."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def exchange(self, request: bytes) -> tuple[int, dict[str, str], list[str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        self.writer.write(request)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                cookies.append(value)
            headers[name] = value
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = await self._chunked()
        elif "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        else:
            body = await self.reader.read()
            self.close()
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, cookies, body

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts: list[bytes] = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")  # the empty line after the last chunk (no trailers)
                return b"".join(parts)
            parts.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class HttpPool:
    """Connections to one server on 127.0.0.1 (kept alive when it allows): at most ``size`` requests in flight.

    Many virtual users share the pool (their cookies travel with each request, not with the
    connection), the way many browsers share one server's worker threads.
    """

    def __init__(self, port: int, size: int, timeout: float = 30.0):
        self.port = port
        self.timeout = timeout
        self._all = [_Connection(port) for _ in range(size)]
        self._idle = deque(self._all)
        self._waiting: deque[asyncio.Future[_Connection]] = deque()

    async def _acquire(self) -> _Connection:
        """A free connection, first come first served.

        ``asyncio.Queue`` is not enough: a coroutine that gives a connection back and asks again
        at once takes it before the waiter it woke runs, and that waiter goes to the back of the
        line; with a thousand candidates some starved for minutes. Here a released connection is
        handed straight to the longest waiter.
        """
        if self._idle and not self._waiting:
            return self._idle.popleft()
        waiter: asyncio.Future[_Connection] = asyncio.get_running_loop().create_future()
        self._waiting.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self._release(waiter.result())
            raise

    def _release(self, connection: _Connection) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(connection)
                return
        self._idle.append(connection)

    async def request(self, method: str, path: str, headers: Mapping[str, str] | None = None,
                      body: bytes = b"") -> Response:
        """Send one request and read the whole answer; raise ``ConnectionLost`` on any transport failure.

        ``Response.seconds`` runs from sending to the last byte, without the wait for a free connection.
        """
        lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{self.port}", "User-Agent: lms-bench/1"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if body or method not in {"GET", "HEAD"}:
            lines.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        connection = await self._acquire()
        started = time.perf_counter()
        try:
            status, reply_headers, cookies, reply = await asyncio.wait_for(connection.exchange(request), self.timeout)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                ValueError, IndexError) as error:
            connection.close()
            raise ConnectionLost(f"{method} {path}: {type(error).__name__}: {error}") from error
        finally:
            self._release(connection)
        return Response(status, reply_headers, cookies, reply, time.perf_counter() - started)

    def close(self) -> None:
        """Close every connection."""
        for connection in self._all:
            connection.close()


_CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    """The CSRF token of a rendered page's form."""
    match = _CSRF.search(html)
    if match is None:
        raise ValueError("the page has no CSRF token")
    return match.group(1)


@dataclass
class Browser:
    """One visitor: a cookie jar over a shared ``HttpPool``."""

    pool: HttpPool
    cookies: dict[str, str] = field(default_factory=dict)

    async def request(self, method: str, path: str, headers: Mapping[str, str] | None = None,
                      body: bytes = b"") -> Response:
        """Send with this visitor's cookies and keep the ones the answer sets (or deletes)."""
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = await self.pool.request(method, path, sent, body)
        for raw in response.set_cookies:
            name, _, rest = raw.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in raw.lower() and "expires=thu, 01 jan 1970" not in raw.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return response

    async def get(self, path: str) -> Response:
        """GET ``path``."""
        return await self.request("GET", path)

    async def post_form(self, path: str, fields: list[tuple[str, str]]) -> Response:
        """POST an HTML form."""
        return await self.request("POST", path, {"Content-Type": "application/x-www-form-urlencoded"},
                                  urlencode(fields).encode())

    async def post_json(self, path: str, payload: object, csrf_token: str) -> Response:
        """POST JSON with the CSRF header, as the autosave script does."""
        return await self.request("POST", path, {"Content-Type": "application/json", "X-CSRFToken": csrf_token},
                                  json.dumps(payload, separators=(",", ":")).encode())

    async def log_in(self, username: str, password: str = BENCH_PASSWORD) -> None:
        """Sign in through the login form (CSRF token included), as a person does."""
        page = await self.get("/login")
        reply = await self.post_form("/login", [("csrf_token", csrf_token_from(page.text())),
                                                ("login", username), ("password", password)])
        if reply.status != 302:
            raise RuntimeError(f"login of {username} answered {reply.status}")


# --- load generation -----------------------------------------------------------------------------


def percentile(samples: list[float], fraction: float) -> float:
    """The ``fraction`` quantile of ``samples`` (linear interpolation between ranks)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class LoadResult:
    """What a closed-loop measurement saw: answers, failures, time, latencies and CPU use."""

    requests: int
    failures: int
    seconds: float
    latencies: list[float]
    client_cpu_seconds: float
    server_cpu_seconds: float
    machine_busy_seconds: float
    failure_examples: list[str]

    @property
    def rps(self) -> float:
        """Successful requests per second."""
        return (self.requests - self.failures) / self.seconds if self.seconds else 0.0

    @property
    def p50_ms(self) -> float:
        """Median latency in milliseconds."""
        return percentile(self.latencies, 0.50) * 1000

    @property
    def p99_ms(self) -> float:
        """99th percentile latency in milliseconds."""
        return percentile(self.latencies, 0.99) * 1000

    @property
    def client_cores(self) -> float:
        """Cores the load generator used on average."""
        return self.client_cpu_seconds / self.seconds if self.seconds else 0.0

    @property
    def server_cores(self) -> float:
        """Cores the server (master and workers) used on average."""
        return self.server_cpu_seconds / self.seconds if self.seconds else 0.0

    @property
    def other_cores(self) -> float:
        """Cores the rest of the machine (other people's processes) used on average meanwhile."""
        rest = self.machine_busy_seconds - self.client_cpu_seconds - self.server_cpu_seconds
        return max(0.0, rest / self.seconds) if self.seconds else 0.0


RequestAction = Callable[[int, int], Awaitable[Response]]
ResponseCheck = Callable[[Response], bool]


async def closed_loop(action: RequestAction, check: ResponseCheck, *, concurrency: int, seconds: float,
                      max_requests: int, server_pids: Callable[[], list[int]] = list) -> LoadResult:
    """Run ``concurrency`` loops, each sending ``action(loop, n)`` as soon as its previous answer came.

    Stops after ``seconds`` or ``max_requests``, whichever comes first. A request fails when
    ``check`` refuses its answer or the connection is lost. ``server_pids`` names the processes
    whose CPU counts as the server's (asked at the start and the end, as backends may come and go).
    """
    issued = 0
    failures = 0
    latencies: list[float] = []
    examples: list[str] = []
    started = time.perf_counter()
    stop_at = started + seconds
    cpu_before = time.process_time()
    server_before = cpu_seconds_by_pid(server_pids())
    machine_before = machine_busy_seconds()

    async def loop(index: int) -> None:
        nonlocal issued, failures
        while issued < max_requests and time.perf_counter() < stop_at:
            number = issued
            issued += 1
            try:
                response = await action(index, number)
            except ConnectionLost as error:
                failures += 1
                if len(examples) < 3:
                    examples.append(str(error))
                continue
            latencies.append(response.seconds)
            if not check(response):
                failures += 1
                if len(examples) < 3:
                    examples.append(f"HTTP {response.status}: {response.text()[:200]}")

    await asyncio.gather(*(loop(index) for index in range(concurrency)))
    elapsed = time.perf_counter() - started
    server_after = cpu_seconds_by_pid(server_pids())
    server_cpu = sum(used - server_before.get(pid, 0.0) for pid, used in server_after.items())
    return LoadResult(issued, failures, elapsed, latencies, time.process_time() - cpu_before, server_cpu,
                      machine_busy_seconds() - machine_before, examples)
