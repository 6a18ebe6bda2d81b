"""Administrative documents for the ND30 checker: a compliant base per document type, and a
corpus of variants each with known deviations (recorded in the manifest the test reads).

Every deviation code here is one the checker can report (practical/nd30.py, ``RULES``). A base
document is compliant with Nghị định 30/2020/NĐ-CP Appendix I as ``../shared/DOMAIN.md`` states
it; ``make(base, deviations, **variation)`` returns it with the named deviations put in, written
in one of several ways real offices use (see ``tools/practical_docs.py``).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from practical_docs import PAGE_MARK, Doc, P, R, T

# The bodies' text: original, plausible, and long enough for the document types that run to two pages.
_CONG_VAN_BODY = [
    ("Thực hiện Kế hoạch bồi dưỡng kỹ năng công nghệ thông tin cho cán bộ, công chức, viên chức năm 2026 "
    "của Ủy ban nhân dân tỉnh, Sở Nội vụ tổ chức lớp bồi dưỡng kỹ năng sử dụng công nghệ thông tin cơ bản "
    "theo Thông tư số 03/2014/TT-BTTTT."),
    ("Thời gian: từ ngày 16 tháng 3 đến ngày 20 tháng 3 năm 2026. Địa điểm: Phòng máy, Trung tâm Phục vụ hành "
    "chính công tỉnh. Đối tượng: công chức được giao soạn thảo văn bản, quản lý hồ sơ trên hệ thống điện tử."),
    ("Đề nghị các cơ quan, đơn vị cử công chức tham dự và gửi danh sách về Sở Nội vụ (qua Văn phòng Sở) trước "
    "ngày 10 tháng 3 năm 2026 để tổng hợp. Thông tin chi tiết xin liên hệ Văn phòng Sở, số điện thoại "
    "0238 3840 000."),
    "Sở Nội vụ đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./.",
]
_QD_CAN_CU = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;",
    ("Căn cứ Thông tư số 03/2014/TT-BTTTT ngày 11 tháng 3 năm 2014 của Bộ Thông tin và Truyền thông quy định "
    "Chuẩn kỹ năng sử dụng công nghệ thông tin;"),
    "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 12/TTr-SNV ngày 20 tháng 01 năm 2026.",
]
_QD_DIEU = [
    ("Điều 1. Ban hành kèm theo Quyết định này Kế hoạch bồi dưỡng kỹ năng sử dụng công nghệ thông tin cho cán "
    "bộ, công chức, viên chức năm 2026."),
    ("Điều 2. Giao Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành và Ủy ban nhân dân các xã, phường tổ chức "
    "thực hiện Kế hoạch; định kỳ hằng quý tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh. Các cơ quan, đơn vị "
    "rà soát nhu cầu bồi dưỡng của công chức, viên chức thuộc quyền quản lý, lập danh sách cử người tham gia "
    "và bố trí thời gian hợp lý để không ảnh hưởng đến nhiệm vụ chuyên môn."),
    ("Sở Tài chính bố trí kinh phí thực hiện Kế hoạch từ nguồn kinh phí đào tạo, bồi dưỡng cán bộ, công chức "
    "được giao trong dự toán năm 2026; hướng dẫn các cơ quan, đơn vị thanh toán, quyết toán theo quy định. "
    "Sở Khoa học và Công nghệ hỗ trợ hạ tầng phòng máy, đường truyền và tài khoản học tập trên hệ thống."),
    ("Trung tâm Phục vụ hành chính công tỉnh phối hợp bố trí địa điểm thực hành, hướng dẫn học viên sử dụng "
    "các dịch vụ công trực tuyến toàn trình, tài khoản định danh điện tử và chữ ký số trong xử lý hồ sơ."),
    ("Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Trong quá trình thực hiện, nếu có vướng mắc, các cơ "
    "quan, đơn vị phản ánh về Sở Nội vụ để tổng hợp, báo cáo Ủy ban nhân dân tỉnh xem xét, giải quyết."),
    ("Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Giám đốc Sở Tài chính, Giám đốc Sở Khoa học "
    "và Công nghệ, Thủ trưởng các sở, ban, ngành cấp tỉnh, Chủ tịch Ủy ban nhân dân các xã, phường và các tổ "
    "chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./."),
]
_TB_BODY = [
    ("Ngày 12 tháng 3 năm 2026, Sở Khoa học và Công nghệ đã tổ chức kiểm tra kỹ năng sử dụng công nghệ thông "
    "tin cơ bản cho công chức các phòng chuyên môn. Kết quả: 45 công chức tham dự, 41 công chức đạt yêu cầu ở "
    "cả phần lý thuyết và phần thực hành."),
    ("Công chức chưa đạt yêu cầu đăng ký kiểm tra lại trong đợt tháng 5 năm 2026 trên hệ thống học và thi trực "
    "tuyến. Các phòng chuyên môn tạo điều kiện để công chức ôn tập theo các bài học trên hệ thống."),
    "Sở Khoa học và Công nghệ thông báo để các phòng, đơn vị biết và thực hiện./.",
]
_KH_BODY = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    ("1. Nâng cao kỹ năng sử dụng công nghệ thông tin của công chức, viên chức, đáp ứng yêu cầu chuyển đổi số "
    "trong hoạt động của cơ quan nhà nước; bảo đảm mỗi công chức sử dụng thành thạo hệ thống quản lý văn bản "
    "và điều hành, thư điện tử công vụ và chữ ký số."),
    ("2. Việc bồi dưỡng gắn với vị trí việc làm, thiết thực, tiết kiệm; kết quả được đánh giá qua bài kiểm tra "
    "trên hệ thống và là căn cứ để xét hoàn thành nhiệm vụ cuối năm."),
    "II. NỘI DUNG",
    ("1. Bồi dưỡng kỹ năng soạn thảo văn bản hành chính đúng thể thức theo Nghị định số 30/2020/NĐ-CP; sử dụng "
    "bảng tính để lập biểu tổng hợp, báo cáo; trình bày báo cáo bằng phần mềm trình chiếu."),
    ("2. Hướng dẫn khai thác dịch vụ công trực tuyến toàn trình, tài khoản định danh điện tử, bảo đảm an toàn "
    "thông tin khi làm việc trên môi trường mạng, nhận diện thư điện tử lừa đảo và mã độc."),
    "3. Tổ chức kiểm tra, đánh giá kết quả bồi dưỡng; công bố kết quả trên cổng thông tin điện tử của Sở.",
    "III. TỔ CHỨC THỰC HIỆN",
    ("1. Văn phòng Sở chủ trì xây dựng chương trình, lịch học chi tiết; phối hợp với Trung tâm Chuyển đổi số "
    "chuẩn bị phòng máy, tài khoản và tài liệu; theo dõi, tổng hợp kết quả và báo cáo Giám đốc Sở."),
    ("2. Các phòng, đơn vị thuộc Sở rà soát, đăng ký danh sách công chức, viên chức tham gia; bố trí công việc "
    "hợp lý để người học tham gia đầy đủ; chịu trách nhiệm về kết quả học tập của công chức thuộc đơn vị."),
    ("3. Kinh phí thực hiện Kế hoạch được bảo đảm từ nguồn chi thường xuyên của Sở năm 2026 và các nguồn hợp "
    "pháp khác. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các đơn vị báo cáo Giám đốc Sở (qua "
    "Văn phòng Sở) để xem xét, giải quyết./."),
]


@dataclass(frozen=True)
class Base:
    """What an administrative document says; ``make`` lays it out."""

    key: str
    parent: str | None  # cơ quan chủ quản
    body_name: str  # cơ quan ban hành
    number: str  # "05"
    symbol: str  # "SNV-VP" or "QĐ-UBND"
    place: str
    day: int
    month: int
    year: int
    doc_type: str | None  # QUYẾT ĐỊNH…; None for a công văn
    summary: str  # trích yếu (without "V/v " for a công văn)
    recipients_line: str | None  # "Kính gửi: …" (công văn)
    authority: str | None  # the line naming who decides (quyết định)
    can_cu: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    decides: bool = False  # a "QUYẾT ĐỊNH:" line before the articles
    signer_title: list[str] = field(default_factory=list)  # ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)  # nơi nhận, last line "- Lưu: VT, …"
    pages: int = 1


BASES = {b.key: b for b in (
    Base("cong-van", "UBND TỈNH NGHỆ AN", "SỞ NỘI VỤ", "05", "SNV-VP", "Nghệ An", 5, 2, 2026, None,
         "tổ chức lớp bồi dưỡng kỹ năng\ncông nghệ thông tin năm 2026",
         "Kính gửi: Các sở, ban, ngành cấp tỉnh.", None, [], _CONG_VAN_BODY, False,
         ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"], "Trần Văn Bình",
         ["- Như trên;", "- UBND tỉnh (để b/c);", "- Giám đốc Sở (để b/c);", "- Lưu: VT, VP."]),
    Base("quyet-dinh", None, "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN", "15", "QĐ-UBND", "Nghệ An", 15, 3, 2026,
         "QUYẾT ĐỊNH", "Ban hành Kế hoạch bồi dưỡng kỹ năng sử dụng\ncông nghệ thông tin năm 2026", None,
         "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", _QD_CAN_CU, _QD_DIEU, True, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
         "Lê Hồng Phong", ["- Như Điều 3;", "- Chủ tịch, các PCT UBND tỉnh;", "- Lưu: VT, NC."], pages=2),
    Base("thong-bao", "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "08", "TB-SKHCN", "Nghệ An",
         20, 3, 2026, "THÔNG BÁO", "Kết quả kiểm tra kỹ năng sử dụng công nghệ thông tin", None, None, [],
         _TB_BODY, False, ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"], "Nguyễn Thị Mai",
         ["- Các phòng, đơn vị thuộc Sở;", "- Giám đốc Sở (để b/c);", "- Lưu: VT, VP."]),
    Base("ke-hoach", "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", "SỞ NỘI VỤ", "21", "KH-SNV", "Nghệ An", 2, 1, 2026,
         "KẾ HOẠCH", "Bồi dưỡng kỹ năng sử dụng công nghệ thông tin\ncho công chức, viên chức năm 2026", None,
         None, [], _KH_BODY, False, ["GIÁM ĐỐC"], "Hoàng Minh Tuấn",
         ["- UBND tỉnh (để b/c);", "- Các phòng, đơn vị thuộc Sở;", "- Lưu: VT, VP."], pages=2),
)}


@dataclass
class Variation:
    """How the document is written (never a deviation)."""

    rule: str = "shape"  # shape | vml | border | underscore
    styles: bool = False  # formatting in named styles rather than on runs
    nfd: bool = False
    old_tone: bool = False  # "HOÀ" (old tone placement) instead of "HÒA"
    header_breaks: bool = False  # parent and issuing body in one paragraph, separated by a line break
    font_in: str = "style"  # style | defaults
    page_field: str = "simple"
    spaces: bool = False  # stray double spaces, as typed
    header: str = "table"  # table | two-rows | tabs
    signature: str = "table"  # table | paragraphs


def _pushed(p: P) -> list[R]:
    """The runs of ``p`` carrying the paragraph's own formatting (to merge paragraphs into one)."""
    return [R(r.text, r.bold if r.bold is not None else p.bold, r.italic if r.italic is not None else p.italic,
              r.size if r.size is not None else p.size, r.font or p.font, r.color, r.underline)
            for r in p.run_list()]


def _lower_title(line: str) -> str:
    prefix, _, rest = line.partition(" ")
    if prefix in ("TM.", "KT.", "TL.", "TUQ.", "Q."):
        return f"{prefix} {rest.capitalize()}"
    return line.capitalize()



def make(base_key: str, deviations: set[str] | frozenset[str] = frozenset(), variation: Variation | None = None,
         *, drop: set[str] | frozenset[str] = frozenset()) -> Doc:
    """The document ``base_key`` with ``deviations`` put in; ``drop`` leaves whole elements out."""
    b = BASES[base_key]
    v = variation or Variation()
    d = set(deviations)

    def has(code: str) -> bool:
        return code in d

    def style(name: str) -> str | None:
        return name if v.styles else None

    def spaced(text: str) -> str:
        return text.replace(" ", "  ", 1) if v.spaces else text

    font = "Arial" if has("phong-chu.ten") else None
    body_size = 12 if has("noi-dung.co-chu") else 14

    # Header, left: cơ quan chủ quản, cơ quan ban hành, rule, số, V/v
    left: list[P] = []
    issuing = b.body_name if not has("co-quan.in-hoa") else b.body_name.title()
    issuing_size = 14 if has("co-quan.co-chu") else 13 if b.parent is None else 12
    if b.parent and v.header_breaks:
        runs = [R(b.parent + "\n", bold=has("co-quan-chu-quan.dam") or None),
                R(issuing, bold=not has("co-quan.dam"))]
        left.append(P(runs, align="center", size=issuing_size, font=font, style=style("Tên cơ quan"),
                      rule=None if has("co-quan.duong-ke") else (v.rule, 2.0)))
    else:
        if b.parent:
            left.append(P(b.parent, align="center", size=12, bold=True if has("co-quan-chu-quan.dam") else None,
                          font=font))
        left.append(P(issuing, align="center", size=issuing_size, bold=not has("co-quan.dam"), font=font,
                      style=style("Tên cơ quan"), rule=None if has("co-quan.duong-ke") else (v.rule, 2.0)))
    number = b.number.lstrip("0") if has("so.so-0") else b.number
    symbol = "CV-" + b.symbol.split("-")[0] if has("so.ky-hieu-cong-van") else b.symbol
    left.append(P(spaced(f"Số: {number}/{symbol}"), align="center", size=14 if has("so.co-chu") else 13, font=font,
                  before=6))
    if b.doc_type is None:
        left.append(P("V/v " + b.summary, align="center", size=14 if has("vv.co-chu") else 12,
                      bold=True if has("vv.dam") else None, font=font, before=6))

    # Header, right: quốc hiệu, tiêu ngữ, rule, địa danh và thời gian
    national = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" if v.old_tone else "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    if has("quoc-hieu.in-hoa"):
        national = "Cộng hòa xã hội chủ nghĩa Việt Nam"
    motto = "Độc lập-Tự do-Hạnh phúc" if has("tieu-ngu.chu") else "Độc lập - Tự do - Hạnh phúc"
    right = [P(national, align="center", size=14 if has("quoc-hieu.co-chu") else 12,
               bold=not has("quoc-hieu.dam"), font=font, style=style("Quốc hiệu")),
             P(motto, align="center", size=12 if has("tieu-ngu.co-chu") else 13, bold=not has("tieu-ngu.dam"),
               font=font, style=style("Tiêu ngữ"), rule=None if has("tieu-ngu.duong-ke") else (v.rule, 5.9))]
    day = str(b.day) if has("dia-danh.ngay-0") else f"{b.day:02d}"
    month = str(b.month) if has("dia-danh.thang-0") else f"{b.month:02d}" if b.month <= 2 else str(b.month)
    if has("dia-danh.thang-thua-0"):
        month = f"{b.month:02d}"
    date = f"{b.place}, ngày {day} tháng {month} năm {b.year}"
    if has("dia-danh.dinh-dang"):
        date = f"{b.place}, {b.day:02d}/{b.month:02d}/{b.year}"
    right.append(P(spaced(date), align="center", size=12 if has("dia-danh.co-chu") else 14,
                   italic=not has("dia-danh.nghieng"), font=font, before=6, style=style("Địa danh")))
    if v.header == "two-rows":  # names and the national title above, number and date below
        split = next(i for i, p in enumerate(left) if isinstance(p.runs, str) and p.runs.startswith("Số"))
        blocks: list[P | T] = [T([[left[:split], right[:2]], [left[split:], right[2:]]], widths_cm=[6.5, 10.0])]
    elif v.header == "tabs":  # no table: each line holds its left part, a tab, and its right part
        number_line = next(i for i, p in enumerate(left) if isinstance(p.runs, str) and p.runs.startswith("Số"))
        right_lines = right[:2] + [P("")] * max(0, number_line - 2) + right[2:]
        blocks = []
        for number in range(max(len(left), len(right_lines))):
            a = left[number] if number < len(left) else P("")
            c = right_lines[number] if number < len(right_lines) else P("")
            runs = _pushed(a) + [R("\t\t")] + _pushed(c)
            blocks.append(P(runs, align="left", rule=a.rule or c.rule, before=a.before))
    else:
        blocks = [T([[left, right]], widths_cm=[6.5, 10.0])]

    body_para = {"align": "left" if has("noi-dung.can-deu") else "justify",
                     "indent_cm": 0.0 if has("noi-dung.thut-dau-dong") else 1.27,
                     "after": 0 if has("noi-dung.cach-doan") else 6,
                     "line": ("multiple", 2.0) if has("noi-dung.gian-dong") else ("multiple", 1.0),
                     "size": body_size, "font": font, "style": style("Nội dung")}
    if "ten-loai" not in drop and b.doc_type:
        blocks.append(P(""))
        blocks.append(P(b.doc_type.capitalize() if has("ten-loai.in-hoa") else b.doc_type,
                        align="left" if has("ten-loai.can-giua") else "center",
                        size=16 if has("ten-loai.co-chu") else 14, bold=not has("ten-loai.dam"), font=font,
                        before=6))
        blocks.append(P(b.summary, align="left" if has("trich-yeu.can-giua") else "center",
                        size=12 if has("trich-yeu.co-chu") else 14, bold=not has("trich-yeu.dam"), font=font,
                        rule=None if has("trich-yeu.duong-ke") else (v.rule, 3.5)))
    blocks.append(P(""))
    if b.recipients_line:
        blocks.append(P(b.recipients_line, align="center", size=14, font=font, after=6))
    if b.authority:
        blocks.append(P(b.authority, align="center", size=14, bold=True, font=font, after=6))
    for line in b.can_cu:
        blocks.append(P([R(line, italic=True)], **body_para))
    if b.decides:
        blocks.append(P("QUYẾT ĐỊNH:", align="center", size=14, bold=True, font=font, before=6, after=6))
    for number_, text in enumerate(b.body):
        runs = [R(text)]
        if has("phong-chu.mau") and number_ == 1:
            runs = [R(text[:40]), R(text[40:], color="1F4E79")]
        if text[:4] in ("I. M", "II. ", "III.") or text.startswith("Điều "):
            head, _, rest = text.partition(". ")
            runs = [R(head + ". ", bold=True), R(rest)] if not text.isupper() else [R(text, bold=True)]
        blocks.append(P(runs, **body_para))

    # Signature block: nơi nhận (left) and the signer (right)
    recipients: list[P] = []
    if "noi-nhan" not in drop:
        label_bold_italic = not has("noi-nhan.nhan")
        recipients.append(P([R("Nơi nhận:", bold=label_bold_italic, italic=label_bold_italic)],
                            size=14 if has("noi-nhan.nhan-co-chu") else 12, font=font))
        items = [r for r in b.recipients if not (has("noi-nhan.luu") and r.startswith("- Lưu"))]
        for item in items:
            recipients.append(P(item, size=13 if has("noi-nhan.danh-sach-co-chu") else 11, font=font))
    signer: list[P] = []
    title_lines = list(b.signer_title)
    if has("chuc-vu.viet-tat"):
        title_lines[0] = title_lines[0].replace("KT.", "K.T.").replace("TM.", "T.M.").replace("TL.", "T.L.")
    if has("chuc-vu.in-hoa"):  # the prefix stays as it should be; the title itself is not in capitals
        title_lines = [_lower_title(t) for t in title_lines]
    for line in title_lines:
        signer.append(P(line, align="center", size=12 if has("chuc-vu.co-chu") else 14,
                        bold=not has("chuc-vu.dam"), font=font, style=style("Chức vụ")))
    signer += [P("", size=14), P("", size=14), P("", size=14)]
    signer.append(P(b.signer_name, align="center", size=12 if has("ho-ten.co-chu") else 14,
                    bold=not has("ho-ten.dam"), font=font))
    blocks.append(P(""))
    if v.signature == "paragraphs":  # no table: the signer under the text, the recipients below
        blocks += [replace(p, left_cm=8.0) for p in signer] + [P("")] + recipients
    else:
        blocks.append(T([[recipients, signer]], widths_cm=[7.5, 8.5]))

    page = (215.9, 279.4) if has("trang.kho-giay") else (210, 297)
    if has("trang.huong"):
        page = (page[1], page[0])
    top = 15 if has("trang.le-tren") else 20
    bottom = 30 if has("trang.le-duoi") else 20
    left_margin = 20 if has("trang.le-trai") else 30
    right_margin = 25 if has("trang.le-phai") else 15
    header = footer = None
    header_on_first = False
    if b.pages > 1 and not has("so-trang.thieu"):
        number_p = P([R(PAGE_MARK)], align="right" if has("so-trang.can-giua") else "center",
                     size=11 if has("so-trang.co-chu") else 14)
        if has("so-trang.vi-tri"):
            footer = [number_p]
        else:
            header = [number_p]
        header_on_first = has("so-trang.trang-dau")
    return Doc(blocks=blocks, page_mm=page, margins_mm=(top, bottom, left_margin, right_margin), header=header,
               footer=footer, header_on_first=header_on_first, nfd=v.nfd, font_in=v.font_in,
               page_field=v.page_field)


@dataclass(frozen=True)
class Entry:
    """One corpus document: how it is made and what the checker must report."""

    name: str
    base: str
    extension: str
    deviations: frozenset[str] = frozenset()
    variation: Variation = field(default_factory=Variation)
    drop: frozenset[str] = frozenset()
    unrecognised: frozenset[str] = frozenset()  # elements the checker must say it did not find
    note: str = ""


def _e(name, base, extension, deviations=(), drop=(), unrecognised=(), note="", **variation) -> Entry:
    return Entry(name, base, extension, frozenset(deviations), Variation(**variation), frozenset(drop),
                 frozenset(unrecognised), note)


CORPUS: list[Entry] = [
    # Compliant documents, written in different ways
    _e("01-cong-van-chuan", "cong-van", "docx", note="compliant"),
    _e("02-quyet-dinh-chuan", "quyet-dinh", "docx", note="compliant, two pages"),
    _e("03-thong-bao-chuan-kieu-style", "thong-bao", "docx", styles=True, rule="border",
       note="compliant, formatting in named styles, rules as paragraph borders"),
    _e("04-ke-hoach-chuan-odt", "ke-hoach", "odt", note="compliant"),
    _e("05-cong-van-chuan-vml-nfd", "cong-van", "docx", rule="vml", nfd=True, old_tone=True, spaces=True,
       note="compliant; VML rules, decomposed text, HOÀ, double spaces"),
    _e("06-quyet-dinh-chuan-odt-gach", "quyet-dinh", "odt", rule="underscore",
       note="compliant; rules typed as underscores"),
    _e("07-thong-bao-chuan-mac-dinh", "thong-bao", "docx", font_in="defaults", header_breaks=True,
       page_field="complex", note="compliant; font in document defaults, line break in the header"),
    _e("08-cong-van-chuan-odt-style", "cong-van", "odt", styles=True, note="compliant; named styles"),
    # One deviation each
    _e("10-cong-van-kho-letter", "cong-van", "docx", ["trang.kho-giay"]),
    _e("11-thong-bao-ngang", "thong-bao", "odt", ["trang.huong"]),
    _e("12-cong-van-le", "cong-van", "docx", ["trang.le-trai", "trang.le-tren"]),
    _e("13-quyet-dinh-arial", "quyet-dinh", "docx", ["phong-chu.ten"]),
    _e("14-thong-bao-quoc-hieu", "thong-bao", "docx", ["quoc-hieu.dam", "quoc-hieu.co-chu"]),
    _e("15-cong-van-tieu-ngu", "cong-van", "odt", ["tieu-ngu.chu", "tieu-ngu.duong-ke"]),
    _e("16-ke-hoach-co-quan", "ke-hoach", "docx", ["co-quan-chu-quan.dam", "co-quan.duong-ke"]),
    _e("17-cong-van-so", "cong-van", "docx", ["so.so-0"]),
    _e("18-cong-van-ky-hieu", "cong-van", "odt", ["so.ky-hieu-cong-van", "so.co-chu"]),
    _e("19-thong-bao-ngay-thang", "thong-bao", "docx", ["dia-danh.thang-thua-0", "dia-danh.nghieng"]),
    _e("20-cong-van-ngay", "cong-van", "docx", ["dia-danh.ngay-0", "dia-danh.thang-0"]),
    _e("21-quyet-dinh-ngay-gach-cheo", "quyet-dinh", "odt", ["dia-danh.dinh-dang"]),
    _e("22-quyet-dinh-ten-loai", "quyet-dinh", "docx", ["ten-loai.can-giua", "ten-loai.co-chu"]),
    _e("23-thong-bao-trich-yeu", "thong-bao", "odt", ["trich-yeu.dam", "trich-yeu.duong-ke"]),
    _e("24-cong-van-vv", "cong-van", "docx", ["vv.dam", "vv.co-chu"]),
    _e("25-ke-hoach-noi-dung-co-chu", "ke-hoach", "docx", ["noi-dung.co-chu"]),
    _e("26-cong-van-noi-dung-can-le", "cong-van", "odt", ["noi-dung.can-deu", "noi-dung.thut-dau-dong"]),
    _e("27-thong-bao-gian-dong", "thong-bao", "docx", ["noi-dung.cach-doan", "noi-dung.gian-dong"]),
    _e("28-quyet-dinh-chuc-vu", "quyet-dinh", "docx", ["chuc-vu.viet-tat", "ho-ten.dam"]),
    _e("29-cong-van-chuc-vu", "cong-van", "odt", ["chuc-vu.dam", "chuc-vu.in-hoa"]),
    _e("30-thong-bao-noi-nhan", "thong-bao", "docx", ["noi-nhan.nhan", "noi-nhan.danh-sach-co-chu"]),
    _e("31-cong-van-luu", "cong-van", "docx", ["noi-nhan.luu"]),
    _e("32-quyet-dinh-so-trang-trang-1", "quyet-dinh", "docx", ["so-trang.trang-dau"]),
    _e("33-ke-hoach-so-trang-chan-trang", "ke-hoach", "odt", ["so-trang.vi-tri", "so-trang.can-giua"]),
    _e("34-quyet-dinh-khong-so-trang", "quyet-dinh", "docx", ["so-trang.thieu"]),
    _e("35-cong-van-mau-chu", "cong-van", "docx", ["phong-chu.mau"]),
    _e("36-thong-bao-co-quan", "thong-bao", "docx", ["co-quan.dam", "co-quan.co-chu"], rule="vml"),
    _e("37-quyet-dinh-ho-ten", "quyet-dinh", "odt", ["ho-ten.co-chu", "chuc-vu.co-chu"]),
    _e("38-thong-bao-quoc-hieu-chu-thuong", "thong-bao", "odt", ["quoc-hieu.in-hoa", "tieu-ngu.dam"]),
    _e("39-ke-hoach-ten-loai-dam", "ke-hoach", "docx", ["ten-loai.dam", "trang.le-phai"], styles=True),
    # Several deviations at once
    _e("40-cong-van-nhieu-loi", "cong-van", "docx",
       ["trang.le-trai", "quoc-hieu.co-chu", "tieu-ngu.duong-ke", "so.so-0", "dia-danh.ngay-0",
        "noi-dung.thut-dau-dong", "noi-nhan.luu"], rule="border"),
    _e("41-quyet-dinh-nhieu-loi-odt", "quyet-dinh", "odt",
       ["trang.kho-giay", "co-quan.dam", "dia-danh.nghieng", "trich-yeu.duong-ke", "noi-dung.gian-dong",
        "chuc-vu.viet-tat", "so-trang.trang-dau"]),
    _e("42-thong-bao-nhieu-loi", "thong-bao", "docx",
       ["phong-chu.ten", "tieu-ngu.co-chu", "dia-danh.thang-thua-0", "ten-loai.dam", "noi-nhan.nhan",
        "trang.le-duoi"], nfd=True),
    _e("43-ke-hoach-nhieu-loi", "ke-hoach", "docx",
       ["co-quan.in-hoa", "so.co-chu", "noi-dung.can-deu", "noi-dung.cach-doan", "ho-ten.dam"],
       rule="vml", styles=True),
    _e("44-thong-bao-trich-yeu-le-trai", "thong-bao", "docx", ["trich-yeu.can-giua", "trich-yeu.co-chu"]),
    _e("45-ke-hoach-ten-loai-chu-thuong", "ke-hoach", "odt", ["ten-loai.in-hoa", "noi-nhan.nhan-co-chu"]),
    _e("46-quyet-dinh-so-trang-nho", "quyet-dinh", "docx", ["so-trang.co-chu", "dia-danh.co-chu"],
       page_field="complex"),
    # Other layouts: a two-row header table, a header typed with tabs, a signature without a table
    _e("60-cong-van-hai-hang", "cong-van", "docx", header="two-rows", note="compliant"),
    _e("61-quyet-dinh-hai-hang-loi", "quyet-dinh", "odt", ["co-quan.dam", "so.co-chu"], header="two-rows"),
    _e("62-thong-bao-tab", "thong-bao", "docx", header="tabs", note="compliant; header typed with tabs"),
    _e("63-cong-van-tab-loi", "cong-van", "docx", ["quoc-hieu.dam", "dia-danh.thang-0"], header="tabs"),
    _e("64-ke-hoach-ky-khong-bang", "ke-hoach", "docx", signature="paragraphs", note="compliant"),
    _e("65-cong-van-ky-khong-bang-loi", "cong-van", "odt", ["chuc-vu.viet-tat", "noi-nhan.luu"],
       signature="paragraphs"),
    # Missing elements: the checker must say it did not find them, not guess
    _e("50-quyet-dinh-thieu-noi-nhan", "quyet-dinh", "docx", drop=["noi-nhan"], unrecognised=["noi-nhan"]),
    _e("51-thong-bao-thieu-ten-loai", "thong-bao", "odt", drop=["ten-loai"],
       unrecognised=["ten-loai", "trich-yeu"]),
]


_TEMPLATE_TEXTS = {
    "UBND TỈNH NGHỆ AN": "TÊN CQ, TC CHỦ QUẢN",
    "SỞ NỘI VỤ": "TÊN CƠ QUAN, TỔ CHỨC",
    "Số: 05/SNV-VP": "Số: …/…-…",
    "V/v tổ chức lớp bồi dưỡng kỹ năng\ncông nghệ thông tin năm 2026": "V/v trích yếu nội dung công văn",
    "Nghệ An, ngày 05 tháng 02 năm 2026": "…, ngày … tháng … năm 20…",
    "Kính gửi: Các sở, ban, ngành cấp tỉnh.": "Kính gửi: …",
    "KT. GIÁM ĐỐC": "QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ",
    "PHÓ GIÁM ĐỐC": "",
    "Trần Văn Bình": "Họ và tên",
    "- UBND tỉnh (để b/c);": "- …;",
    "- Giám đốc Sở (để b/c);": "- …;",
    "- Lưu: VT, VP.": "- Lưu: VT, … .",
}
_TEMPLATE_BODY = [
    ("Nội dung công văn: trình bày bằng chữ in thường, cỡ chữ 13 hoặc 14, căn đều hai bên, lùi đầu dòng "
    "1 cm hoặc 1,27 cm, cách đoạn tối thiểu 6 pt, giãn dòng từ dòng đơn đến 1,5 dòng."),
    "Đoạn tiếp theo của nội dung …",
    "…/.",
]


def template(base_key: str = "cong-van") -> Doc:
    """A công văn to fill in: the compliant layout with placeholders in place of the example's text."""
    if base_key != "cong-van":
        raise ValueError("only the công văn template is made")
    doc = make(base_key)
    body = iter(_TEMPLATE_BODY)

    def swap(p: P) -> P:
        text = "".join(r.text for r in p.run_list())
        if text in _CONG_VAN_BODY:
            replacement = next(body, None)
            return replace(p, runs=[R(replacement)]) if replacement is not None else replace(p, runs="")
        if text in _TEMPLATE_TEXTS:
            if isinstance(p.runs, str):
                return replace(p, runs=_TEMPLATE_TEXTS[text])
            first = p.run_list()[0]
            return replace(p, runs=[replace(first, text=_TEMPLATE_TEXTS[text])])
        return p

    blocks: list[P | T] = []
    for block in doc.blocks:
        if isinstance(block, T):
            blocks.append(replace(block, rows=[[[swap(p) for p in cell] if isinstance(cell, list) else cell
                                                for cell in row] for row in block.rows]))
        else:
            swapped = swap(block)
            if swapped.runs != "" or not block.run_list()[0].text:
                blocks.append(swapped)
    return replace(doc, blocks=blocks)
