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
from dataclasses import dataclass, field
from datetime import date, timedelta

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, and_, case, func, or_, select

from hr.models import StaffAssignment, StaffRecord, StaffStanding, StaffStatus
from hr.standing_store import BIT, Placed, compute, from_mask
from lms.extensions import db
from lms.models import Agency, Role
from lms.permissions import scope_of
from lms.text import name_sort_key
from lms.timefmt import local_today

MODULES = [f"IU{n:02d}" for n in range(1, 16)]
COUNTED = (StaffStatus.WORKING, StaffStatus.ON_LEAVE)  # retired and transferred people are not counted


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
             .where(StaffAssignment.valid_from <= as_of,
                    or_(StaffAssignment.valid_to.is_(None), StaffAssignment.valid_to > as_of),
                    StaffRecord.status.in_(COUNTED), scope.contains(StaffAssignment.agency_id)))
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
    agencies = {a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_(list(by_unit))))} \
        if by_unit else {}
    units = sorted(by_unit, key=lambda unit: agencies[unit].code[::-1])  # province, departments, units, communes
    rows = []
    total = UnitRow(None)
    for unit in units:
        row = by_unit[unit]
        row.agency = agencies[unit]
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


def export_xlsx(result: Report, labels: dict[str, str]) -> bytes:
    """The report as Excel: one row per unit and the total; counts and shares (percent cells)."""
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
        values = [row.agency.code if row.agency else "", row.agency.name if row.agency else labels["total"],
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


def people_xlsx(people: list[Person], agencies: dict[int, Agency], title: str, headers: list[str]) -> bytes:
    """The people behind a number, as Excel."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([title])
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for person in people:
        agency = agencies.get(person.agency_id)
        sheet.append([person.employee_code, person.full_name, agency.name if agency else "", person.position,
                      person.rank_code or ""])
    for column, width in zip("ABCDE", (14, 30, 40, 30, 10), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
