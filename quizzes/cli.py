"""``flask questions import|export``: the question bank in Moodle's GIFT format."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from lms.extensions import db
from lms.services import audit
from quizzes import bank
from quizzes.gift import GiftError

questions_cli = AppGroup("questions", help="The question bank (Moodle GIFT format).")

TYPE_NAMES = {
    "single_choice": "single choice", "multiple_response": "multiple response", "true_false": "true/false",
    "short_answer": "short answer", "numerical": "numerical", "matching": "matching", "essay": "essay",
    "description": "description",
}


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path}: not UTF-8 text (byte {error.start})") from error


@questions_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--bank", "bank_name", help="Category for questions the file puts in none.")
@click.option("--module", "module_code", help="Framework module (IU01–IU15) for questions without a module tag.")
def import_command(path: Path, bank_name: str | None, module_code: str | None) -> None:
    """Import every question of a GIFT file, or none if any is wrong."""
    try:
        report = bank.import_gift(_read_text(path), default_category=bank_name,
                                  default_module=module_code.upper() if module_code else None)
    except GiftError as error:
        db.session.rollback()
        raise click.ClickException(f"{path}: line {error.line}: {error.message}. Nothing was imported.") from error
    except bank.ImportError_ as error:
        db.session.rollback()
        lines = "\n".join(f"  line {line}: {message}" for line, message in error.errors)
        raise click.ClickException(f"{path}: nothing was imported:\n{lines}") from error
    audit("question.import", f"file:{path.name}", {"total": report.total, "counts": dict(report.counts),
                                                    "questions": [q.id for q in report.questions]})
    db.session.commit()
    click.echo(f"Imported {report.total} questions from {path}:")
    for qtype, count in sorted(report.counts.items()):
        click.echo(f"  {TYPE_NAMES.get(qtype, qtype)}: {count}")


@questions_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--bank", "bank_name", help="Only this category (and the categories under it).")
def export_command(path: Path, bank_name: str | None) -> None:
    """Write the current version of every question (of one bank) to a GIFT file."""
    questions = bank.current_questions(bank_name)
    path.write_text(bank.export_gift(questions), encoding="utf-8")
    click.echo(f"Exported {len(questions)} questions to {path}.")


attempts_cli = AppGroup("attempts", help="Quiz and exam attempts.")


@attempts_cli.command("sweep")
@click.option("--every", type=click.IntRange(min=5), help="Keep running, sweeping every N seconds.")
def sweep_command(every: int | None) -> None:
    """Finish every attempt whose time is up, grading exactly what was saved."""
    import time

    from quizzes.services import sweep_expired_attempts

    while True:
        count = sweep_expired_attempts()
        db.session.commit()
        if count or every is None:
            click.echo(f"Finished {count} attempts whose time was up.")
        if every is None:
            return
        db.session.remove()
        time.sleep(every)
