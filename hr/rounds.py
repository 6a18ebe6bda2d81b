"""Review rounds (đợt xét tuyển, nâng ngạch): candidates from staff records checked against a
target rank on the round's date; HR decides the rows that need checking; closing freezes a
snapshot, and later changes (a revocation) show against it instead of rewriting it.

While a round is open its table is computed each time from the evidence held on the round's date,
with statuses as known today. Services flush and audit; the request commits.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select

from hr.models import ReviewRound, RoundCandidate, RoundKind, StaffRecord, StaffStatus
from hr.services import HRError, normalise_code
from hr.standing import CHECK, MEETS, NOT_MET, RequirementIndex, Standing, evidence_for, judge, rules
from lms.database import utcnow
from lms.extensions import db
from lms.models import Agency, User
from lms.permissions import scoped
from lms.services import audit
from lms.text import name_sort_key, nfc
from lms.timefmt import local_today


def create_round(*, title: str, kind: str, target_rank_code: str, round_date: date, agency: Agency,
                 by: User | None) -> ReviewRound:
    """A new open round (audited)."""
    review = ReviewRound(title=nfc(title), kind=RoundKind(kind), target_rank_code=target_rank_code,
                         round_date=round_date, agency=agency, agency_id=agency.id,
                         created_by_id=by.id if by else None)
    db.session.add(review)
    db.session.flush()
    audit("hr.round.create", f"hr_round:{review.id}", {"title": review.title, "kind": review.kind.value,
                                                       "target": target_rank_code, "date": round_date.isoformat()},
          actor=by)
    return review


def add_candidates(review: ReviewRound, codes: list[str], actor: User) -> tuple[int, list[str]]:
    """Add the staff records with ``codes`` that ``actor`` may see; returns (added, codes not found)."""
    if review.closed:
        raise HRError("round-closed")
    wanted = [normalise_code(code) for code in codes if code.strip()]
    found = {r.employee_code: r for r in db.session.scalars(scoped(
        StaffRecord, "view", select(StaffRecord).where(StaffRecord.employee_code.in_(wanted)), actor=actor))}
    present = set(db.session.scalars(select(RoundCandidate.staff_id).where(RoundCandidate.round_id == review.id)))
    added = []
    for code in dict.fromkeys(wanted):
        record = found.get(code)
        if record is not None and record.id not in present:
            db.session.add(RoundCandidate(round_id=review.id, staff_id=record.id))
            present.add(record.id)
            added.append(code)
    db.session.flush()
    if added:
        audit("hr.round.candidates", f"hr_round:{review.id}", {"added": added}, actor=actor)
    return len(added), [code for code in dict.fromkeys(wanted) if code not in found]


@dataclass
class Line:
    """One candidate's row: the computed standing, the outcome after HR's decision, and, for a
    closed round, the snapshot and what has changed since."""

    candidate: RoundCandidate
    standing: Standing
    computed: str
    outcome: str
    frozen: dict | None = None
    changes: list[str] = field(default_factory=list)


def _snapshot(standing: Standing, outcome: str) -> dict:
    return {"outcome": outcome, "computed": standing.outcome, "missing": standing.missing,
            "short": standing.advanced_short, "evidence": [[e.key, e.label, e.status] for e in standing.evidence]}


def lines(review: ReviewRound) -> list[Line]:
    """Every candidate's row in Vietnamese name order (a fixed number of queries)."""
    candidates = list(db.session.scalars(select(RoundCandidate).where(RoundCandidate.round_id == review.id)))
    records = [c.staff for c in candidates]
    today = local_today()
    evidence = evidence_for(records, min(review.round_date, today), status_on=today)
    need = RequirementIndex().rank(review.target_rank_code)
    standard = rules()
    result = []
    for candidate in candidates:
        standing = judge(need, evidence[candidate.staff_id], min(review.round_date, today), standard)
        computed = standing.outcome
        outcome = candidate.decision if computed == CHECK and candidate.decision else computed
        line = Line(candidate, standing, computed, outcome)
        if candidate.snapshot is not None:
            line.frozen = candidate.snapshot
            line.changes = changes_against(candidate.snapshot, standing, outcome)
        result.append(line)
    result.sort(key=lambda line: (name_sort_key(line.candidate.staff.full_name), line.candidate.staff.employee_code))
    return result


def changes_against(snapshot: dict, standing: Standing, outcome: str) -> list[str]:
    """What changed since the snapshot: ``outcome:<old>:<new>`` and ``evidence:<label>:<old>:<new>``."""
    found = []
    if snapshot.get("outcome") != outcome:
        found.append(f"outcome:{snapshot.get('outcome')}:{outcome}")
    before = {key: (label, status) for key, label, status in snapshot.get("evidence", [])}
    for item in standing.evidence:
        old = before.get(item.key)
        if old is None:
            found.append(f"evidence:{item.label}::{item.status}")
        elif old[1] != item.status:
            found.append(f"evidence:{item.label}:{old[1]}:{item.status}")
    return found


def decide(review: ReviewRound, candidate: RoundCandidate, decision: str, note: str, by: User) -> None:
    """HR's decision on a row that needs checking (audited)."""
    if review.closed:
        raise HRError("round-closed")
    line = next((line for line in lines(review) if line.candidate.id == candidate.id), None)
    if line is None or line.computed != CHECK or decision not in (MEETS, NOT_MET):
        raise HRError("not-check")
    candidate.decision, candidate.decision_note = decision, nfc(note)
    candidate.decided_by_id, candidate.decided_at = by.id, utcnow()
    db.session.flush()
    audit("hr.round.decide", f"hr_round:{review.id}",
          {"candidate": candidate.staff.employee_code, "decision": decision}, note=candidate.decision_note, actor=by)


def close(review: ReviewRound, by: User) -> None:
    """Close the round: every row's result and evidence are frozen (audited)."""
    if review.closed:
        raise HRError("round-closed")
    counts = {MEETS: 0, NOT_MET: 0, CHECK: 0, "unknown": 0}
    for line in lines(review):
        line.candidate.snapshot = _snapshot(line.standing, line.outcome)
        counts[line.outcome] = counts.get(line.outcome, 0) + 1
    review.closed_at, review.closed_by_id = utcnow(), by.id
    db.session.flush()
    audit("hr.round.close", f"hr_round:{review.id}", counts, actor=by)


def export_xlsx(review: ReviewRound, rows: list[Line], words: dict[str, str], headers: list[str]) -> bytes:
    """The round's table as Excel (the frozen result for a closed round, with changes since)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả xét"
    sheet.append([review.title, review.round_date])
    sheet["B1"].number_format = "dd/mm/yyyy"
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for line in rows:
        record = line.candidate.staff
        outcome = line.frozen["outcome"] if line.frozen else line.outcome
        missing = line.frozen["missing"] if line.frozen else line.standing.missing
        sheet.append([record.employee_code, record.full_name, record.date_of_birth, record.agency.name,
                      f"{record.rank_name or ''} ({record.rank_code or ''})", words.get(outcome, outcome),
                      ", ".join(missing), line.candidate.decision_note or "",
                      "; ".join(words.get(change, change) for change in line.changes)])
        sheet.cell(row=sheet.max_row, column=3).number_format = "dd/mm/yyyy"
    for column, width in zip("ABCDEFGHI", (14, 28, 12, 34, 26, 22, 30, 30, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def load_demo_round(officer: User | None) -> None:
    """An open promotion round of the demo province: chuyên viên towards chuyên viên chính."""
    if officer is None or db.session.scalar(select(ReviewRound.id)):
        return
    province = db.session.scalar(select(Agency).where(Agency.code == "000.00.00.H41"))
    if province is None:
        return
    review = create_round(title="Xét nâng ngạch chuyên viên chính năm 2026", kind="promotion",
                          target_rank_code="01.002", round_date=local_today(), agency=province, by=officer)
    codes = list(db.session.scalars(select(StaffRecord.employee_code).where(
        StaffRecord.rank_code == "01.003", StaffRecord.status == StaffStatus.WORKING)
        .order_by(StaffRecord.employee_code).limit(30)))
    add_candidates(review, codes, officer)


def pdf_list(review: ReviewRound, rows: list[Line], words: dict[str, str], organisation: str) -> bytes:
    """The round's table as an A4 landscape PDF list (the frozen result for a closed round)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from hr.slip import register_fonts

    register_fonts()
    small = ParagraphStyle("s", fontName="HRSerif", fontSize=9, leading=11)
    title = ParagraphStyle("t", fontName="HRSerif-Bold", fontSize=13, leading=17, alignment=1)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=15 * mm, rightMargin=15 * mm,
                                 topMargin=15 * mm, bottomMargin=15 * mm, title=review.title, author=organisation)
    kind = "NÂNG NGẠCH" if review.kind is RoundKind.PROMOTION else "XÉT TUYỂN"
    story = [Paragraph(organisation.upper(), small),
             Paragraph(f"DANH SÁCH KẾT QUẢ ĐỐI CHIẾU YÊU CẦU KỸ NĂNG CNTT — ĐỢT {kind}", title),
             Paragraph(f"{review.title} — ngạch dự xét {review.target_rank_code} — ngày xét "
                       f"{review.round_date.strftime('%d/%m/%Y')}"
                       + (f" — đã khóa ngày {review.closed_at.strftime('%d/%m/%Y')}" if review.closed_at is not None else ""),
                       ParagraphStyle("c", parent=small, alignment=1)), Spacer(1, 5 * mm)]
    header = ["TT", "Mã cán bộ", "Họ và tên", "Ngày sinh", "Đơn vị", "Kết quả", "Còn thiếu", "Ghi chú",
              "Thay đổi sau khi khóa"]
    table_rows = [[Paragraph(h, small) for h in header]]
    for number, line in enumerate(rows, start=1):
        record = line.candidate.staff
        outcome = line.frozen["outcome"] if line.frozen else line.outcome
        missing = line.frozen["missing"] if line.frozen else line.standing.missing
        table_rows.append([Paragraph(str(number), small), Paragraph(record.employee_code, small),
                           Paragraph(record.full_name, small),
                           Paragraph(record.date_of_birth.strftime("%d/%m/%Y"), small),
                           Paragraph(record.agency.name, small), Paragraph(words.get(outcome, outcome), small),
                           Paragraph(", ".join(missing), small), Paragraph(line.candidate.decision_note or "", small),
                           Paragraph("; ".join(words.get(c, c) for c in line.changes), small)])
    table = Table(table_rows, colWidths=[9 * mm, 20 * mm, 38 * mm, 20 * mm, 45 * mm, 24 * mm, 36 * mm, 35 * mm,
                                         40 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    document.build(story)
    return buffer.getvalue()
