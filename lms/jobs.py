"""Long work (bulk issuance, large imports) as jobs with visible progress.

With ``REDIS_URL`` set, jobs go to an RQ queue served by ``flask jobs worker``; without it they
run in a background thread of the web process. Both paths call the same ``run_job``, which
records progress in the ``job`` table so a page can show it.
"""
from __future__ import annotations

import importlib
import threading
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from lms.database import UTCDateTime, utcnow
from lms.extensions import Model, db
from lms.permissions import Policy, register_policy

QUEUE_NAME = "lms"


class Job(Model):
    """One run of a long task and how far it has got."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    target: Mapped[str] = mapped_column(String(255))  # "package.module:function"
    arguments: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | running | done | failed
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)


register_policy(Job, Policy(agencies=lambda: [], actions={"view": ()},
                            owner=lambda: Job.created_by_id, owner_actions=frozenset({"view"})))


class Progress:
    """Handed to a job's function: ``progress(done, total)`` records how far it has got."""

    def __init__(self, job: Job):
        self.job = job

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        self.job.done = done
        if total is not None:
            self.job.total = total
        if message is not None:
            self.job.message = message
        db.session.commit()  # visible to the page polling it; the work itself is idempotent


def create_job(name: str, target: str, arguments: dict, created_by=None, *, start: bool = True) -> Job:
    """Record a job and, unless ``start`` is False (a command that runs it itself with
    ``run_job``), start it once the caller's transaction commits (flush only here).

    The job runs elsewhere (a worker, a thread) and reads its row from the database, so it must
    not start before the row is committed; if the transaction rolls back, it never starts.
    """
    job = Job(name=name, target=target, arguments=arguments, created_by_id=created_by.id if created_by else None)
    db.session.add(job)
    db.session.flush()
    if not start:
        return job
    job_id = job.id
    context = current_app.app_context()

    started = False

    def start_after_commit(session) -> None:
        nonlocal started
        # SQLAlchemy reports a savepoint's release as a commit too: only the outermost one counts.
        if started or session.in_nested_transaction():
            return
        started = True
        with context:
            dispatch(job_id)

    event.listen(db.session(), "after_commit", start_after_commit)
    return job


def dispatch(job_id: int) -> None:
    """Hand a committed job to RQ (when ``REDIS_URL`` is set) or to a background thread."""
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        from redis import Redis
        from rq import Queue

        Queue(QUEUE_NAME, connection=Redis.from_url(redis_url)).enqueue(
            run_job_in_worker, job_id, job_timeout=3600, result_ttl=86400)
        return
    context = current_app.app_context()  # pushed by the thread: same application, its own context
    thread = threading.Thread(target=_run_in_thread, args=(context, job_id), name=f"job-{job_id}", daemon=True)
    thread.start()
    current_app.extensions.setdefault("lms.job_threads", []).append(thread)


def _run_in_thread(context, job_id: int) -> None:
    with context:
        run_job(job_id)


def run_job_in_worker(job_id: int) -> None:
    """Entry point for RQ workers: build the application, then run the job."""
    from lms import create_app

    with create_app().app_context():
        run_job(job_id)


def run_job(job_id: int) -> Job | None:
    """Run a recorded job to completion, recording success or the error (None: no such job)."""
    job = db.session.get(Job, job_id)
    if job is None or job.status in ("running", "done"):
        return job
    job.status, job.started_at = "running", utcnow()
    db.session.commit()
    module_name, function_name = job.target.split(":")
    function = getattr(importlib.import_module(module_name), function_name)
    try:
        result = function(progress=Progress(job), **job.arguments)
        db.session.commit()
    except Exception as error:  # the job's failure is recorded for the people watching it
        db.session.rollback()
        job = db.session.get_one(Job, job_id)
        job.status, job.message, job.finished_at = "failed", str(error)[:2000], utcnow()
        db.session.commit()
        current_app.logger.exception("job %s failed", job_id)
        return job
    job.status, job.finished_at, job.result = "done", utcnow(), result or {}
    job.done = max(job.done, job.total)
    db.session.commit()
    return job


jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker_command(burst: bool) -> None:
    """Serve the job queue (needs REDIS_URL)."""
    from redis import Redis
    from rq import Queue, Worker

    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run inside the web process.")
    connection = Redis.from_url(redis_url)
    # The scheduler runs retries that wait (e-mail backoff: lms.mail).
    Worker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(burst=burst, with_scheduler=True)
