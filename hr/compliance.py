"""Compliance per unit for an officer's subtree, on a given day: headcount, share meeting the
basic standard, share per module, share meeting the advanced standard and the person's own
requirement (rank and position). Each number can be listed as the people behind it.

People are placed by their history (``StaffAssignment``): the unit, rank and position that were
theirs on the day asked about, so a report "as of" a past date shows the units as they were.

Today's report counts the stored standings (``hr.standing_store``) with one ``GROUP BY`` and
computes live only the people whose stored row is missing or stale; a past date computes everyone
from the evidence. Either way the number of queries does not depend on the number of units or
(for today, with the rows kept) of people.
"""
from __future__ import annotations

import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, and_, case, func, or_, select

from hr.models import StaffAssignment, StaffRecord, StaffStanding, StaffStatus, StaffStatusPeriod
from hr.standing_store import BIT, Placed, compute, from_mask
from lms.extensions import db
from lms.models import Agency, Role
from lms.permissions import scope_of
from lms.text import name_sort_key
from lms.timefmt import local_today

MODULES = [f"IU{n:02d}" for n in range(1, 16)]
# Retired and transferred people are not counted; the status is the one held on the report's day.
COUNTED = (StaffStatus.WORKING, StaffStatus.ON_LEAVE)


@dataclass
class Person:
    """One counted person on the day: who, where, and what they meet."""

    id: int
    user_id: int | None
    employee_code: str
    full_name: str
    agency_id: int
    rank_code: str | None
    position: str
    basic: bool = False
    advanced: bool = False
    requirement: bool | None = None  # None: no requirement recorded for their rank and position
    modules: set[str] = field(default_factory=set)


@dataclass
class UnitRow:
    """The figures of one unit (its own staff), or of the whole subtree: counts, not people (a
    province's report is counted by the database)."""

    agency: Agency | None
    headcount: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    # Reads the row's people when first asked (the overdue courses need them; the figures do not).
    people_of: Callable[[], list[Person]] | None = field(default=None, repr=False, compare=False)

    @property
    def people(self) -> list[Person]:
        """The people counted in this row, placed on the report's day (read from the database when
        first asked: today's figures are counted without them)."""
        return self.people_of() if self.people_of is not None else []

    def add(self, person: Person) -> None:
        """Count one person."""
        self.headcount += 1
        self.counts.update(measure for measure in measures() if meets(person, measure))

    def add_counts(self, headcount: int, counts: dict[str, int]) -> None:
        """Add people counted by the database: how many, and how many meet each measure."""
        self.headcount += headcount
        self.counts.update({measure: int(number or 0) for measure, number in counts.items()})

    def merge(self, other: UnitRow) -> None:
        """Add another row's figures (a unit's into the total)."""
        self.headcount += other.headcount
        self.counts.update(other.counts)

    def count(self, measure: str) -> int:
        """How many people meet ``measure``: basic, advanced, requirement, or a module code."""
        return self.counts[measure]

    def figures(self, decimal_comma: bool) -> list[tuple[str, int, str]]:
        """(measure, count, share as text with one decimal) for every measure, in column order:
        the page's table in one call per row (a province has 1,500 rows of 18 figures)."""
        found = []
        for measure in measures():
            share = f"{self.share(measure):.1f}"
            found.append((measure, self.count(measure), share.replace(".", ",") if decimal_comma else share))
        return found

    def share(self, measure: str) -> float:
        """The share (0–100) of people who meet ``measure``."""
        return 100.0 * self.count(measure) / self.headcount if self.headcount else 0.0


def meets(person: Person, measure: str) -> bool:
    """Whether ``person`` meets ``measure`` (basic, advanced, requirement or a module code)."""
    if measure == "basic":
        return person.basic
    if measure == "advanced":
        return person.advanced
    if measure == "requirement":
        return bool(person.requirement)
    return measure in person.modules


def measures() -> list[str]:
    """Every measure a report has, in column order."""
    return ["basic", *MODULES, "advanced", "requirement"]


@dataclass
class Report:
    """Compliance of a subtree on a day."""

    as_of: date
    rows: list[UnitRow]
    total: UnitRow


def _placed(actor, as_of: date, agency_id: int | None, rank_code: str | None, position: str | None) -> Select:
    """Everyone counted in ``actor``'s HR scope on ``as_of``, placed by their history, filtered."""
    scope = scope_of(actor, Role.HR)
    query = (select(StaffRecord.id, StaffRecord.user_id, StaffRecord.employee_code, StaffRecord.full_name,
                    StaffAssignment.agency_id, StaffAssignment.rank_code, StaffAssignment.position)
             .join(StaffAssignment, StaffAssignment.staff_id == StaffRecord.id)
             # The status on the day, not today's: someone retired since is counted before that.
             .join(StaffStatusPeriod, StaffStatusPeriod.staff_id == StaffRecord.id)
             .where(StaffAssignment.valid_from <= as_of,
                    or_(StaffAssignment.valid_to.is_(None), StaffAssignment.valid_to > as_of),
                    StaffStatusPeriod.valid_from <= as_of,
                    or_(StaffStatusPeriod.valid_to.is_(None), StaffStatusPeriod.valid_to > as_of),
                    StaffStatusPeriod.status.in_(COUNTED), scope.contains(StaffAssignment.agency_id)))
    if agency_id:
        root = db.session.get(Agency, agency_id)
        if root is not None:
            query = query.where(StaffAssignment.agency_id.in_(select(Agency.id).where(Agency.path.startswith(root.path))))
    if rank_code:
        query = query.where(StaffAssignment.rank_code == rank_code)
    if position:
        query = query.where(StaffAssignment.position == position)
    return query


def _judged(people: list[Person], as_of: date) -> list[Person]:
    """Fill in what ``people`` meet on ``as_of`` from their evidence (``standing_store.compute``:
    the same judgement the stored rows come from)."""
    placed = [Placed(p.id, p.user_id, p.rank_code, p.position) for p in people]
    for person, found in zip(people, compute(placed, as_of), strict=True):
        person.basic, person.advanced, person.modules = found.basic, found.advanced, found.modules
        person.requirement = found.requirement
    return people


def _fresh(as_of: date):
    """The stored standing holds on ``as_of`` (only today's report reads stored rows)."""
    return and_(StaffStanding.staff_id.is_not(None),
                or_(StaffStanding.stale_on.is_(None), StaffStanding.stale_on > as_of))


def people_on(actor, as_of: date, *, agency_id: int | None = None, rank_code: str | None = None,
              position: str | None = None) -> list[Person]:
    """Everyone counted in ``actor``'s HR scope on ``as_of`` (placed by their history), with what
    they meet: today from the stored standings where they hold, otherwise from the evidence."""
    query = _placed(actor, as_of, agency_id, rank_code, position)
    if as_of != local_today():
        return _judged([Person(*row) for row in db.session.execute(query)], as_of)
    stored = query.add_columns(StaffStanding.modules, StaffStanding.basic, StaffStanding.advanced,
                               StaffStanding.requirement, _fresh(as_of)) \
        .outerjoin(StaffStanding, StaffStanding.staff_id == StaffRecord.id)
    people, live = [], []
    for *row, modules, basic, advanced, requirement, fresh in db.session.execute(stored):
        person = Person(*row)
        people.append(person)
        if fresh:
            person.basic, person.advanced, person.requirement = basic, advanced, requirement
            person.modules = from_mask(modules)
        else:
            live.append(person)
    _judged(live, as_of)
    return people


def _stored_counts(actor, as_of: date, query: Select, agency_id: int | None, rank_code: str | None,
                   position: str | None) -> tuple[dict[int, UnitRow], list[Person]]:
    """Today's figures per unit counted by the database from the stored standings alone (one pass
    over ``hr_standing``), and the people to judge live: those whose row went stale (found through
    its index) and, when some records have no row at all, those."""
    scope = scope_of(actor, Role.HR)
    sums = [func.sum(case((column.is_(True), 1), else_=0)) for column in
            (StaffStanding.basic, StaffStanding.advanced, StaffStanding.requirement)]
    sums += [func.sum(case((StaffStanding.modules.op("&")(bit) != 0, 1), else_=0)) for bit in BIT.values()]
    names = ["basic", "advanced", "requirement", *BIT]
    grouped = (select(StaffStanding.agency_id, func.count(), *sums)
               .where(StaffStanding.counted.is_(True), _fresh(as_of), scope.contains(StaffStanding.agency_id))
               .group_by(StaffStanding.agency_id))
    if agency_id:
        root = db.session.get(Agency, agency_id)
        if root is not None:
            grouped = grouped.where(StaffStanding.agency_id.in_(select(Agency.id).where(Agency.path.startswith(root.path))))
    if rank_code:
        grouped = grouped.where(StaffStanding.rank_code == rank_code)
    if position:
        grouped = grouped.where(StaffStanding.position == position)
    by_unit: dict[int, UnitRow] = defaultdict(lambda: UnitRow(None))
    for unit, number, *counts in db.session.execute(grouped):
        by_unit[unit].add_counts(number, dict(zip(names, counts, strict=True)))
    stale = select(StaffStanding.staff_id).where(StaffStanding.stale_on <= as_of)
    live = [Person(*row) for row in db.session.execute(query.where(StaffRecord.id.in_(stale)))]
    # Every row belongs to a record (a foreign key, enforced on both databases), so fewer rows
    # than records means some have none: two counts instead of a pass joining them.
    records = select(func.count()).select_from(StaffRecord).scalar_subquery()
    rows = select(func.count()).select_from(StaffStanding).scalar_subquery()
    if db.session.scalar(select(records > rows)):
        live += [Person(*row) for row in db.session.execute(
            query.outerjoin(StaffStanding, StaffStanding.staff_id == StaffRecord.id)
            .where(StaffStanding.staff_id.is_(None)))]
    return by_unit, live


def report(actor, as_of: date, *, agency_id: int | None = None, rank_code: str | None = None,
           position: str | None = None) -> Report:
    """The compliance report: one row per unit that has counted people, and the total.

    Today's report is counted per unit by the database over the stored standings
    (``_stored_counts``) and computes from the evidence only the people whose stored row is
    missing or stale; a report "as of" another day computes everyone from the evidence (about a
    minute for 100,000 people).
    """
    by_unit: dict[int, UnitRow] = defaultdict(lambda: UnitRow(None))
    query = _placed(actor, as_of, agency_id, rank_code, position)
    if as_of == local_today():
        by_unit, live = _stored_counts(actor, as_of, query, agency_id, rank_code, position)
    else:
        live = [Person(*row) for row in db.session.execute(query)]
    for person in _judged(live, as_of):
        by_unit[person.agency_id].add(person)
    # The units of the scope by their paths, not by an IN list of up to 1,500 bound ids (which
    # took a third of a province's page on PostgreSQL).
    scope = scope_of(actor, Role.HR)
    agencies = {a.id: a for a in db.session.scalars(select(Agency).where(scope.contains(Agency.id)))
                if a.id in by_unit} if by_unit else {}
    units = sorted(by_unit, key=lambda unit: agencies[unit].code[::-1])  # province, departments, units, communes
    cache: list[list[Person]] = []

    def everyone() -> list[Person]:
        if not cache:
            cache.append([Person(*row) for row in db.session.execute(query)])
        return cache[0]

    rows = []
    total = UnitRow(None, people_of=everyone)
    for unit in units:
        row = by_unit[unit]
        row.agency = agencies[unit]
        row.people_of = lambda unit=unit: [p for p in everyone() if p.agency_id == unit]
        rows.append(row)
        total.merge(row)
    return Report(as_of, rows, total)


def drill(actor, as_of: date, measure: str, met: bool, *, agency_id: int | None = None, exact: bool = False,
          rank_code: str | None = None, position: str | None = None) -> list[Person]:
    """The people behind one number: those of a unit (``exact``) or subtree who do (``met``) or do
    not meet ``measure``, in Vietnamese name order."""
    people = people_on(actor, as_of, agency_id=agency_id, rank_code=rank_code, position=position)
    if exact and agency_id:
        people = [p for p in people if p.agency_id == agency_id]
    chosen = [p for p in people if meets(p, measure) == met]
    return sorted(chosen, key=lambda p: (name_sort_key(p.full_name), p.employee_code))


def month_ends(as_of: date, months: int = 12) -> list[date]:
    """The last day of each of the ``months`` months up to ``as_of`` (``as_of`` itself last)."""
    days = [as_of]
    day = as_of.replace(day=1) - timedelta(days=1)
    while len(days) < months:
        days.append(day)
        day = day.replace(day=1) - timedelta(days=1)
    return list(reversed(days))


@dataclass
class TrendPoint:
    """The whole scope's figures at one month's end."""

    day: date
    headcount: int
    basic: int
    advanced: int
    requirement: int

    def share(self, measure: str) -> float:
        """The share (0–100) meeting ``measure``."""
        return 100.0 * getattr(self, measure) / self.headcount if self.headcount else 0.0


def trend(actor, as_of: date, *, months: int = 12, agency_id: int | None = None, rank_code: str | None = None,
          position: str | None = None) -> list[TrendPoint]:
    """Month by month: headcount and how many meet the basic and advanced standards and their own
    requirement (a fixed number of queries per month)."""
    points = []
    for day in month_ends(as_of, months):
        total = UnitRow(None)
        for person in people_on(actor, day, agency_id=agency_id, rank_code=rank_code, position=position):
            total.add(person)
        points.append(TrendPoint(day, total.headcount, total.count("basic"), total.count("advanced"),
                                 total.count("requirement")))
    return points


def positions(actor) -> list[str]:
    """The positions held by people in ``actor``'s scope, in Vietnamese order (the filter's list)."""
    from lms.text import fold

    scope = scope_of(actor, Role.HR)
    found = db.session.scalars(select(StaffAssignment.position).where(scope.contains(StaffAssignment.agency_id))
                               .distinct())
    return sorted((p for p in found if p), key=lambda p: (fold(p), p))


def export_xlsx(result: Report, labels: dict[str, str], names: dict[int, str] | None = None) -> bytes:
    """The report as Excel: one row per unit and the total; counts and shares (percent cells).
    ``names``: the units' names on the report's day (their names today otherwise)."""
    names = names or {}
    book = Workbook()
    sheet = book.active
    sheet.title = "Tỷ lệ đáp ứng"
    sheet.append([labels["title"], result.as_of])
    sheet["B1"].number_format = "dd/mm/yyyy"
    headers = [labels["code"], labels["unit"], labels["headcount"]]
    for measure in measures():
        headers += [labels.get(measure, measure), "%"]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in [*result.rows, result.total]:
        values = [row.agency.code if row.agency else "",
                  names.get(row.agency.id, row.agency.name) if row.agency else labels["total"],
                  row.headcount]
        for measure in measures():
            values += [row.count(measure), row.share(measure) / 100]
        sheet.append(values)
        for column in range(5, 4 + 2 * len(measures()), 2):
            sheet.cell(row=sheet.max_row, column=column).number_format = "0.0%"
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 40
    for column in range(3, 4 + 2 * len(measures())):
        sheet.column_dimensions[get_column_letter(column)].width = 9
    sheet.freeze_panes = "C3"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def people_xlsx(people: list[Person], agencies: dict[int, Agency], title: str, headers: list[str],
                names: dict[int, str] | None = None) -> bytes:
    """The people behind a number, as Excel (``names``: the units' names on the report's day)."""
    names = names or {}
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([title])
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for person in people:
        agency = agencies.get(person.agency_id)
        sheet.append([person.employee_code, person.full_name,
                      names.get(person.agency_id, agency.name) if agency else "", person.position,
                      person.rank_code or ""])
    for column, width in zip("ABCDE", (14, 30, 40, 30, 10), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------------- overdue mandatory courses
#
# Kept apart from the standing figures above: a course assigned with a due date is an obligation,
# not evidence of skill, and it is read from the courses package's own tables.

BULK_COMPLETIONS = 5000  # accounts above which completions are read per course, not per chunk


@dataclass(frozen=True)
class OverdueCourse:
    """An assigned course whose due date had passed on the report's day without completion."""

    course_id: int
    title: str
    due_on: date


def overdue_courses(people: list[Person] | Callable[[], list[Person]], as_of: date) -> dict[int, list[OverdueCourse]]:
    """Staff id -> the assigned courses overdue on ``as_of`` (only people with at least one).

    An assignment (``courses.models.Assignment``, made by ``courses.services.assign``) with a due
    date before ``as_of``, made on or before ``as_of``, of a published course, covers a person when
    it names their account, or when it names no account and their unit on that day is its agency
    or below it (and, when it names a position, their position, compared without diacritics or
    case). It is overdue unless the person's account completed the course on or before ``as_of``:
    the enrolment's completion, or a course-completion certificate issued by then. People without
    an account cannot have completed anything, so an agency or position assignment that covers
    them is overdue for them; an assignment to an account applies to that person only.

    Queries: one for the assignments, one for the units' paths, and for the completions two per
    500 people with accounts, or two in all above ``BULK_COMPLETIONS`` accounts.
    """
    from certificates.models import Certificate, CertificateKind, CertificateStatus
    from courses.models import Assignment, Course, Enrolment
    from lms.text import fold
    from lms.timefmt import LOCAL_ZONE

    # The end of the report's day in Vietnam, as the aware UTC instant the database compares with.
    day_end = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=LOCAL_ZONE).astimezone(timezone.utc)
    assignments = list(db.session.execute(
        select(Assignment.course_id, Course.title, Assignment.user_id, Assignment.position, Assignment.due_on,
               Agency.path)
        .join(Course, Course.id == Assignment.course_id).join(Agency, Agency.id == Assignment.agency_id)
        .where(Assignment.due_on.is_not(None), Assignment.due_on < as_of, Assignment.created_at < day_end,
               Course.published.is_(True))))
    if not assignments:
        return {}
    # The people only now (a province's report counts 100,000 of them without reading them).
    people = people() if callable(people) else people
    if not people:
        return {}
    unit_ids = list({person.agency_id for person in people})
    paths: dict[int, str] = {}
    for start in range(0, len(unit_ids), 500):
        paths.update(db.session.execute(select(Agency.id, Agency.path)
                                        .where(Agency.id.in_(unit_ids[start:start + 500]))).all())
    course_ids = list({row.course_id for row in assignments})
    user_ids = [person.user_id for person in people if person.user_id]
    done: set[tuple[int, int]] = set()
    # Completions of the assigned courses: by chunks of 500 accounts for a unit's report, in one
    # read per source for a large one (a province's completions of a few courses are fewer rows
    # than the hundreds of chunked reads its 80,000 accounts would take).
    chunks = ([user_ids[start:start + 500] for start in range(0, len(user_ids), 500)]
              if len(user_ids) <= BULK_COMPLETIONS else [None])
    for chunk in chunks:
        enrolments = select(Enrolment.user_id, Enrolment.course_id).where(
            Enrolment.course_id.in_(course_ids), Enrolment.completed_at.is_not(None),
            Enrolment.completed_at < day_end)
        certificates = select(Certificate.holder_id, Certificate.course_id).where(
            Certificate.kind == CertificateKind.COURSE_COMPLETION, Certificate.course_id.in_(course_ids),
            Certificate.status != CertificateStatus.REVOKED, Certificate.issued_at < day_end)
        if chunk is not None:
            enrolments = enrolments.where(Enrolment.user_id.in_(chunk))
            certificates = certificates.where(Certificate.holder_id.in_(chunk))
        done.update(db.session.execute(enrolments))
        done.update((holder, course) for holder, course in db.session.execute(certificates)
                    if holder is not None and course is not None)
    # Which assignments cover a person depends only on their unit and position (or, for an
    # assignment to an account, on the account): worked out once per unit and position.
    personal: dict[int, list] = defaultdict(list)
    shared = []
    for row in assignments:
        if row.due_on is None:
            continue  # the query keeps dated assignments only
        if row.user_id is not None:
            personal[row.user_id].append(row)
        else:
            shared.append((row, " ".join(fold(row.position).split()) if row.position else ""))
    covering: dict[tuple[int, str], list] = {}
    found: dict[int, list[OverdueCourse]] = {}
    for person in people:
        key = (person.agency_id, person.position or "")
        rows = covering.get(key)
        if rows is None:
            path = paths.get(person.agency_id, "")
            position = " ".join(fold(person.position or "").split())
            rows = covering[key] = [row for row, wanted in shared
                                    if path.startswith(row.path) and (not wanted or wanted == position)]
        mine = personal.get(person.user_id, []) if person.user_id else []
        due: dict[int, OverdueCourse] = {}
        for row in (*rows, *mine):
            if (person.user_id, row.course_id) in done:
                continue
            if row.course_id not in due or row.due_on < due[row.course_id].due_on:  # the earliest due date counts
                due[row.course_id] = OverdueCourse(row.course_id, row.title, row.due_on)
        if due:
            found[person.id] = sorted(due.values(), key=lambda item: (item.due_on, item.title))
    return found


def overdue_counts(result: Report, overdue: dict[int, list[OverdueCourse]]) -> dict[int | None, int]:
    """Unit id (None for the whole scope) -> how many of its people have an overdue course."""
    late = [p for p in result.total.people if p.id in overdue] if overdue else []
    counts: dict[int | None, int] = defaultdict(int)
    for person in late:
        counts[person.agency_id] += 1
    counts[None] = len(late)
    return {**{row.agency.id: 0 for row in result.rows if row.agency is not None}, **counts}


def overdue_people(actor, as_of: date, *, agency_id: int | None = None, exact: bool = False,
                   rank_code: str | None = None, position: str | None = None
                   ) -> list[tuple[Person, list[OverdueCourse]]]:
    """The people behind the overdue count (a unit with ``exact``, or a subtree), with their overdue
    courses, in Vietnamese name order."""
    people = people_on(actor, as_of, agency_id=agency_id, rank_code=rank_code, position=position)
    if exact and agency_id:
        people = [p for p in people if p.agency_id == agency_id]
    overdue = overdue_courses(people, as_of)
    chosen = [(p, overdue[p.id]) for p in people if p.id in overdue]
    return sorted(chosen, key=lambda pair: (name_sort_key(pair[0].full_name), pair[0].employee_code))


def add_overdue_sheet(data: bytes, result: Report, counts: dict[int | None, int], labels: dict[str, str]) -> bytes:
    """The report's workbook with the overdue-course counts as a last column (count and share)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    column = sheet.max_column + 1
    sheet.cell(row=2, column=column, value=labels["overdue"]).font = Font(bold=True)
    sheet.cell(row=2, column=column + 1, value="%").font = Font(bold=True)
    for offset, row in enumerate([*result.rows, result.total]):
        count = counts.get(row.agency.id if row.agency else None, 0)
        sheet.cell(row=3 + offset, column=column, value=count)
        share = sheet.cell(row=3 + offset, column=column + 1, value=count / row.headcount if row.headcount else 0)
        share.number_format = "0.0%"
    sheet.column_dimensions[get_column_letter(column)].width = 14
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def overdue_xlsx(pairs: list[tuple[Person, list[OverdueCourse]]], agencies: dict[int, Agency], title: str,
                 headers: list[str], no_account: str) -> bytes:
    """The people with overdue courses as Excel: one row per person and course (due dates dd/mm/yyyy)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Quá hạn"
    sheet.append([title])
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for person, courses in pairs:
        agency = agencies.get(person.agency_id)
        for course in courses:
            sheet.append([person.employee_code, person.full_name, agency.name if agency else "", person.position,
                          "" if person.user_id else no_account, course.title, course.due_on])
            sheet.cell(row=sheet.max_row, column=7).number_format = "dd/mm/yyyy"
    for column, width in zip("ABCDEFG", (14, 30, 40, 30, 18, 40, 14), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
