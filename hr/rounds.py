"""Review rounds (đợt xét tuyển, nâng ngạch): candidates from staff records, and external
applicants (people with no staff record) with the certificates of this product they submitted,
checked against a target rank on the round's date; HR decides the rows that need checking;
closing freezes a snapshot, and later changes (a revocation) show against it instead of
rewriting it.

While a round is open its table is computed each time from the evidence held on the round's date,
with statuses as known today. Services flush and audit; the request commits.
"""
from __future__ import annotations

import io
import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select

from certificates import documents
from certificates.models import Certificate, ModuleAttainment
from certificates.services import bulk_check, effective_status
from hr.evidence import MAX_SCAN_BYTES, store_scan
from hr.models import ReviewRound, RoundCandidate, RoundKind, RoundSubmission, StaffRecord, StaffStatus
from hr.services import HRError, clean_name, normalise_code
from hr.standing import CHECK, CHUNK, MEETS, NOT_MET, Evidence, RequirementIndex, Standing, evidence_for, judge, rules
from lms.database import utcnow
from lms.extensions import db
from lms.models import Agency, User
from lms.permissions import scoped
from lms.services import audit
from lms.text import name_sort_key, nfc
from lms.timefmt import local, local_today

MAX_CODES = 20  # certificate codes one applicant submits: a person holds a handful
MAX_PDFS = 5


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


def check_pdf(filename: str, data: bytes) -> Certificate:
    """The certificate an uploaded PDF is, when it is this product's signed certificate, unchanged;
    refused otherwise (HRError: pdf-size, pdf-type, pdf-not-ours, pdf-altered, pdf-unavailable).

    The check is the public verification's (``certificates.documents.check_uploaded_pdf``): the
    signature against the issuer's root, and the signed file equal to what the register renders."""
    if not data or len(data) > MAX_SCAN_BYTES:
        raise HRError("pdf-size", file=filename)
    if not data.startswith(b"%PDF-"):
        raise HRError("pdf-type", file=filename)
    try:
        check = documents.check_uploaded_pdf(data)
    except documents.SigningNotConfigured as error:
        raise HRError("pdf-unavailable", file=filename) from error
    report = check.signature
    if not report.signed:
        raise HRError("pdf-not-ours", file=filename)
    if not report.intact or not report.valid:
        raise HRError("pdf-altered", file=filename)
    if not report.trusted or check.certificate is None:
        raise HRError("pdf-not-ours", file=filename)
    if not check.content_matches:
        raise HRError("pdf-altered", file=filename)
    return check.certificate


def add_applicant(review: ReviewRound, *, full_name: str, date_of_birth: date | None, applicant_number: str | None,
                  codes: list[str], pdfs: list[tuple[str, bytes]], by: User) -> RoundCandidate:
    """Add an external applicant (no staff record) with the certificates they submitted: codes or
    serial numbers looked up in the register as the bulk check does, and signed PDFs checked as the
    public verification does. Any problem refuses the whole applicant (HRError), nothing is
    stored; the PDFs are kept with the scans of external certificates (audited)."""
    if review.closed:
        raise HRError("round-closed")
    name = clean_name(full_name)
    if not name or len(name) > 255:
        raise HRError("applicant-name")
    if date_of_birth is None or date_of_birth > local_today() or date_of_birth.year < 1900:
        raise HRError("applicant-birth")
    number = clean_name(applicant_number).upper() or None
    if number is not None and len(number) > 32:
        raise HRError("applicant-number")
    others = list(db.session.execute(select(RoundCandidate.applicant_name, RoundCandidate.applicant_date_of_birth,
                                            RoundCandidate.applicant_number)
                                     .where(RoundCandidate.round_id == review.id, RoundCandidate.staff_id.is_(None))))
    if any((number is not None and other_number == number)
           or (other_name is not None and other_name.casefold() == name.casefold() and born == date_of_birth and not (number and other_number))
           for other_name, born, other_number in others):
        raise HRError("applicant-duplicate", name=name)
    given = [code.strip() for code in codes if code.strip()]
    if len(given) > MAX_CODES or len(pdfs) > MAX_PDFS:
        raise HRError("applicant-too-many", codes=MAX_CODES, pdfs=MAX_PDFS)
    # The same lookup as HR's bulk check (code or serial; a typo is told as a typo).
    rows = bulk_check(given, limit=MAX_CODES, header_lines=())
    typos = [row.query for row in rows if row.certificate is None and row.status == "checksum"]
    if typos:
        raise HRError("applicant-code-typo", codes=", ".join(typos))
    unknown = [row.query for row in rows if row.certificate is None]
    if unknown:
        raise HRError("applicant-code", codes=", ".join(unknown))
    chosen: dict[int, tuple[str, str, bytes | None]] = {}
    for row in rows:
        if row.certificate is not None:  # always: unknown ones were refused above
            chosen.setdefault(row.certificate.id, ("code", row.query, None))
    for filename, data in pdfs:
        certificate = check_pdf(filename, data)
        chosen.setdefault(certificate.id, ("pdf", nfc(os.path.basename(filename or ""))[:255] or "chung-chi.pdf", data))
    candidate = RoundCandidate(round_id=review.id, applicant_name=name, applicant_date_of_birth=date_of_birth,
                               applicant_number=number)
    db.session.add(candidate)
    db.session.flush()
    for certificate_id, (kind, label, content) in chosen.items():
        # Files are written last, once every check has passed, so a refusal leaves nothing behind.
        stored = store_scan(label, content) if content is not None else None
        db.session.add(RoundSubmission(candidate_id=candidate.id, certificate_id=certificate_id, kind=kind,
                                       given=label, pdf_stored=stored, created_by_id=by.id))
    db.session.flush()
    audit("hr.round.applicant", f"hr_round:{review.id}",
          {"candidate": candidate.id, "name": name, "date_of_birth": date_of_birth.isoformat(), "number": number,
           "certificates": sorted(chosen), "pdfs": sum(1 for kind, _label, _data in chosen.values() if kind == "pdf")},
          actor=by)
    return candidate


def same_person(name: str, born: date | None, certificate: Certificate) -> str | None:
    """None when the certificate's holder is the applicant (name and date of birth); otherwise
    why not: ``name``, ``birth`` or ``name+birth``."""
    differs = []
    if clean_name(certificate.holder_name).casefold() != clean_name(name).casefold():
        differs.append("name")
    if certificate.holder_date_of_birth is None or certificate.holder_date_of_birth != born:
        differs.append("birth")
    return "+".join(differs) or None


def applicant_evidence(candidates: list[RoundCandidate], as_of: date) -> dict[int, list[Evidence]]:
    """Candidate id -> the submitted certificates as evidence, like a staff member's product
    evidence (modules from the certificate's attainments, the register's status as known today); a certificate
    whose holder is someone else has status ``mismatch`` (needs checking) and says why.
    Two queries per 500 applicants."""
    found: dict[int, list[Evidence]] = {candidate.id: [] for candidate in candidates}
    people = {candidate.id: candidate for candidate in candidates}
    ids = list(people)
    for start in range(0, len(ids), CHUNK):
        pairs = list(db.session.execute(
            select(RoundSubmission.candidate_id, Certificate).join(Certificate, Certificate.id == RoundSubmission.certificate_id)
            .where(RoundSubmission.candidate_id.in_(ids[start:start + CHUNK])).order_by(RoundSubmission.id)))
        modules: dict[int, list[str]] = defaultdict(list)
        voided: set[int] = set()
        certificate_ids = list({certificate.id for _candidate, certificate in pairs})
        for chunk_start in range(0, len(certificate_ids), CHUNK):
            for certificate_id, module, void in db.session.execute(
                    select(ModuleAttainment.certificate_id, ModuleAttainment.module_code, ModuleAttainment.void)
                    .where(ModuleAttainment.certificate_id.in_(certificate_ids[chunk_start:chunk_start + CHUNK]),
                           ModuleAttainment.attained_on <= as_of)
                    .order_by(ModuleAttainment.module_code)):
                if certificate_id is None:
                    continue  # the query asks for these certificates only
                if void:
                    voided.add(certificate_id)
                else:
                    modules[certificate_id].append(module)
        for candidate_id, certificate in pairs:
            issued = local(certificate.issued_at).date()
            if issued > as_of:
                continue  # not held on the round's date
            # The register's own status (as verification says it today), expiry on the round's date.
            status = effective_status(certificate, as_of)
            detail = ""
            if not modules[certificate.id] and certificate.id in voided:
                status = "void"
            applicant = people[candidate_id]
            differs = same_person(applicant.applicant_name or "", applicant.applicant_date_of_birth, certificate)
            if differs and status == "valid":
                status = "mismatch"
                born = certificate.holder_date_of_birth.strftime("%d/%m/%Y") if certificate.holder_date_of_birth else ""
                detail = f"{differs}|{certificate.holder_name}|{born}"
            found[candidate_id].append(Evidence("product", certificate.id, f"{certificate.title} — {certificate.serial}",
                                                issued, tuple(modules[certificate.id]), status=status,
                                                code=certificate.code, detail=detail))
    return found


def _judge_applicant(need, items: list[Evidence], as_of: date, standard) -> Standing:
    """An applicant's standing: a certificate of someone else counts as not yet checked, so the
    row needs checking when it would close the gap; the evidence keeps its own status."""
    standing = judge(need, [replace(item, status="pending") if item.status == "mismatch" else item
                            for item in items], as_of, standard)
    standing.evidence = items
    return standing


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
    """Every candidate's row, staff and external applicants, in Vietnamese name order (a fixed
    number of queries)."""
    candidates = list(db.session.scalars(select(RoundCandidate).where(RoundCandidate.round_id == review.id)))
    records = [c.staff for c in candidates if c.staff is not None]
    applicants = [c for c in candidates if c.staff is None]
    today = local_today()
    as_of = min(review.round_date, today)
    evidence = evidence_for(records, as_of, status_on=today)
    submitted = applicant_evidence(applicants, as_of) if applicants else {}
    need = RequirementIndex().rank(review.target_rank_code)
    standard = rules()
    result = []
    for candidate in candidates:
        if candidate.staff is not None:
            standing = judge(need, evidence[candidate.staff.id], as_of, standard)
        else:
            standing = _judge_applicant(need, submitted[candidate.id], as_of, standard)
        computed = standing.outcome
        outcome = candidate.decision if computed == CHECK and candidate.decision else computed
        line = Line(candidate, standing, computed, outcome)
        if candidate.snapshot is not None:
            line.frozen = candidate.snapshot
            line.changes = changes_against(candidate.snapshot, standing, outcome)
        result.append(line)
    result.sort(key=lambda line: (name_sort_key(line.candidate.full_name), line.candidate.reference,
                                  line.candidate.id))
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
          {"candidate": candidate.reference or candidate.full_name, "decision": decision}, note=candidate.decision_note, actor=by)


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
        candidate, record = line.candidate, line.candidate.staff
        outcome = line.frozen["outcome"] if line.frozen else line.outcome
        missing = line.frozen["missing"] if line.frozen else line.standing.missing
        unit, rank = (record.agency.name, f"{record.rank_name or ''} ({record.rank_code or ''})") if record \
            else (words["applicant"], "")
        sheet.append([candidate.reference, candidate.full_name, candidate.date_of_birth, unit, rank,
                      words.get(outcome, outcome), ", ".join(missing), candidate.decision_note or "",
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
    from xml.sax.saxutils import escape  # Paragraph reads markup: a name typed by HR is text

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
    header = ["TT", "Mã cán bộ / số hồ sơ", "Họ và tên", "Ngày sinh", "Đơn vị", "Kết quả", "Còn thiếu", "Ghi chú",
              "Thay đổi sau khi khóa"]
    table_rows = [[Paragraph(h, small) for h in header]]
    for number, line in enumerate(rows, start=1):
        candidate = line.candidate
        outcome = line.frozen["outcome"] if line.frozen else line.outcome
        missing = line.frozen["missing"] if line.frozen else line.standing.missing
        born = candidate.date_of_birth
        table_rows.append([Paragraph(str(number), small), Paragraph(escape(candidate.reference), small),
                           Paragraph(escape(candidate.full_name), small),
                           Paragraph(born.strftime("%d/%m/%Y") if born else "", small),
                           Paragraph(escape(candidate.staff.agency.name if candidate.staff else words["applicant"]),
                                     small), Paragraph(words.get(outcome, outcome), small),
                           Paragraph(", ".join(missing), small), Paragraph(escape(candidate.decision_note or ""), small),
                           Paragraph("; ".join(words.get(c, c) for c in line.changes), small)])
    table = Table(table_rows, colWidths=[9 * mm, 20 * mm, 38 * mm, 20 * mm, 45 * mm, 24 * mm, 36 * mm, 35 * mm,
                                         40 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(table)
    document.build(story)
    return buffer.getvalue()
