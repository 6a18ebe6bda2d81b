"""What a grader found, said to a person: Vietnamese message ids (gettext), filled in at display time.

Graders return finding codes with parameters (``practical.graders.Outcome``); results store them
as data, and these functions turn them into sentences in the reader's language when shown. The
rubric's own explanation of each check is content and carries its Vietnamese and English text.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from practical.graders import Location

FINDINGS = {
    "ok": _l("Đạt."),
    # documents
    "paragraph-not-found": _l("Không tìm thấy đoạn văn \"%(text)s\"."),
    "font-family": _l("Chữ dùng phông %(found)s; yêu cầu %(expected)s."),
    "font-size": _l("Cỡ chữ %(found)s; yêu cầu %(expected)s."),
    "missing-bold": _l("Chữ chưa in đậm."),
    "unwanted-bold": _l("Chữ không được in đậm."),
    "missing-italic": _l("Chữ chưa in nghiêng."),
    "unwanted-italic": _l("Chữ không được in nghiêng."),
    "missing-underline": _l("Chữ chưa gạch chân."),
    "unwanted-underline": _l("Chữ không được gạch chân."),
    "alignment": _l("Đoạn đang căn %(found)s; yêu cầu căn %(expected)s."),
    "line-spacing": _l("Giãn dòng %(found)s dòng; yêu cầu %(expected)s dòng."),
    "space-before": _l("Khoảng cách trước đoạn %(found)s pt; yêu cầu %(expected)s pt."),
    "space-after": _l("Khoảng cách sau đoạn %(found)s pt; yêu cầu %(expected)s pt."),
    "indent": _l("Thụt đầu dòng %(found)s cm; yêu cầu %(expected)s cm."),
    "page-size": _l("Khổ giấy %(found)s; yêu cầu %(expected)s."),
    "orientation": _l("Trang đặt hướng %(found)s; yêu cầu hướng %(expected)s."),
    "margin": _l("Lề %(side)s %(found)s mm; yêu cầu %(expected)s mm."),
    "table-not-found": _l("Không tìm thấy bảng yêu cầu."),
    "table-rows": _l("Bảng có %(found)s hàng; yêu cầu %(expected)s."),
    "table-cols": _l("Bảng có %(found)s cột; yêu cầu %(expected)s."),
    "table-header": _l("Ô tiêu đề cột %(column)s là \"%(found)s\"; yêu cầu \"%(expected)s\"."),
    "no-header": _l("Văn bản chưa có đầu trang hoặc chân trang."),
    "no-page-number": _l("Chưa chèn số trang."),
    "page-number-present": _l("Không được chèn số trang ở đây."),
    "header-text-missing": _l("Đầu trang hoặc chân trang chưa có \"%(text)s\"."),
    "first-page-not-different": _l("Trang đầu chưa đặt đầu trang, chân trang riêng (Trang đầu khác)."),
    "first-page-different": _l("Trang đầu không được đặt đầu trang, chân trang riêng."),
    "pictures": _l("Có %(found)s hình ảnh; yêu cầu ít nhất %(expected)s."),
    "heading-level": _l("Đoạn có kiểu \"%(found)s\"; yêu cầu kiểu đề mục cấp %(expected)s (Heading %(expected)s)."),
    "text-missing": _l("Chưa có nội dung \"%(text)s\"."),
    "text-present": _l("Không được có nội dung \"%(text)s\"."),
    "word-count": _l("Văn bản có %(found)s từ; yêu cầu %(expected)s từ."),
    # spreadsheets
    "sheet-missing": _l("Không có trang tính \"%(sheet)s\"."),
    "cell-empty": _l("Ô %(cell)s trống."),
    "cell-value": _l("Ô %(cell)s có giá trị %(found)s; yêu cầu %(expected)s."),
    "no-cached-value": _l("Ô %(cell)s có công thức nhưng tệp không lưu kết quả tính. Hãy mở tệp bằng Excel hoặc "
                          "LibreOffice Calc, lưu lại rồi nộp lại."),
    "not-formula": _l("Ô %(cell)s chứa giá trị gõ trực tiếp (%(found)s), không phải công thức."),
    "formula-function": _l("Công thức ở ô %(cell)s (=%(formula)s) không dùng hàm %(expected)s."),
    "formula-range": _l("Công thức ở ô %(cell)s (=%(formula)s) không tham chiếu vùng %(expected)s."),
    "number-format": _l("Ô %(cell)s đang định dạng %(found)s; yêu cầu %(expected)s."),
    "not-sorted": _l("Vùng %(range)s chưa sắp xếp %(order)s theo cột %(column)s (sai thứ tự từ hàng %(row)s)."),
    "row-missing": _l("Không tìm thấy hàng có \"%(key)s\" ở cột %(column)s."),
    "row-value": _l("Hàng của \"%(key)s\" có %(found)s ở cột %(column)s; yêu cầu %(expected)s (các cột của một "
                    "hàng phải đi cùng nhau khi sắp xếp)."),
    "no-filter": _l("Trang tính chưa bật bộ lọc (Filter)."),
    "filter-range": _l("Bộ lọc đang đặt trên vùng %(found)s, chưa bao trùm vùng %(expected)s."),
    "filter-column": _l("Chưa đặt điều kiện lọc ở cột %(column)s."),
    "no-chart": _l("Trang tính chưa có biểu đồ."),
    "chart-type": _l("Biểu đồ dạng %(found)s; yêu cầu dạng %(expected)s."),
    "chart-values": _l("Biểu đồ vẽ số liệu của vùng %(found)s; yêu cầu vùng %(expected)s."),
    "chart-categories": _l("Nhãn trục của biểu đồ lấy từ %(found)s; yêu cầu vùng %(expected)s."),
    "chart-title": _l("Tiêu đề biểu đồ là \"%(found)s\"; yêu cầu có \"%(expected)s\"."),
    "not-frozen": _l("Chưa cố định hàng, cột tiêu đề (Freeze Panes)."),
    "freeze": _l("Đang cố định tại ô %(found)s; yêu cầu cố định tại ô %(expected)s."),
    # presentations
    "slide-missing": _l("Không có trang chiếu %(slide)s (bài có %(count)s trang chiếu)."),
    "slide-count": _l("Bài có %(found)s trang chiếu; yêu cầu %(expected)s."),
    "layout": _l("Trang chiếu dùng bố cục %(found)s; yêu cầu bố cục %(expected)s."),
    "title-missing": _l("Trang chiếu chưa có tiêu đề."),
    "title-text": _l("Tiêu đề là \"%(found)s\"; yêu cầu \"%(expected)s\"."),
    "slide-pictures": _l("Trang chiếu có %(found)s hình ảnh; yêu cầu ít nhất %(expected)s."),
    "no-pictures": _l("Chưa có trang chiếu nào có hình ảnh."),
    "no-transition": _l("Trang chiếu chưa có hiệu ứng chuyển trang."),
    "notes-missing": _l("Trang chiếu chưa có ghi chú cho người trình bày (ít nhất %(expected)s ký tự)."),
    "notes-text": _l("Ghi chú cho người trình bày chưa có \"%(text)s\"."),
    "bullets": _l("Trang chiếu có %(found)s ý; yêu cầu ít nhất %(expected)s ý."),
    "bullet-slides": _l("Có %(found)s trang chiếu liệt kê từ %(min)s ý trở lên; yêu cầu ít nhất %(expected)s."),
    "slide-no-chart": _l("Chưa có biểu đồ trên trang chiếu."),
}

VALUE_NAMES = {
    "left": _l("trái"), "center": _l("giữa"), "right": _l("phải"), "justify": _l("đều hai bên"),
    "portrait": _l("dọc"), "landscape": _l("ngang"),
    "top": _l("trên"), "bottom": _l("dưới"),
    "asc": _l("tăng dần"), "desc": _l("giảm dần"),
    "column": _l("cột đứng"), "bar": _l("thanh ngang"), "line": _l("đường"), "pie": _l("hình tròn"),
    "doughnut": _l("vành khuyên"), "area": _l("vùng"), "scatter": _l("phân tán"), "radar": _l("radar"),
    "other": _l("khác"),
    "title": _l("trang tiêu đề"), "title-content": _l("tiêu đề và nội dung"),
    "two-content": _l("hai nội dung"), "title-only": _l("chỉ có tiêu đề"), "blank": _l("trống"),
}
# Parameters whose values are names to translate (left, asc, column, …), per finding.
_NAMED = {"alignment": ("found", "expected"), "orientation": ("found", "expected"), "margin": ("side",),
          "not-sorted": ("order",), "chart-type": ("found", "expected"), "layout": ("found", "expected")}


def describe_number_format(decimals: str, thousands: bool | None, percent: bool | None, date: bool | None) -> str:
    """A number format in words: "2 chữ số thập phân, có phân cách hàng nghìn"."""
    parts: list[str] = []
    if date:
        return str(_l("ngày tháng"))
    if percent:
        parts.append(str(_l("phần trăm")))
    if decimals != "":
        parts.append(str(_l("%(count)s chữ số thập phân")) % {"count": decimals})
    if thousands is True:
        parts.append(str(_l("có phân cách hàng nghìn")))
    elif thousands is False:
        parts.append(str(_l("không phân cách hàng nghìn")))
    if date is False and not parts:
        parts.append(str(_l("số")))
    return ", ".join(parts) or str(_l("chung (General)"))


def describe_finding(code: str, params: dict) -> str:
    """The sentence for a finding (translated for the current reader)."""
    values = dict(params)
    for name in _NAMED.get(code, ()):
        if values.get(name) in VALUE_NAMES:
            values[name] = str(VALUE_NAMES[values[name]])
    if code == "number-format":
        values["found"] = describe_number_format(values.get("decimals", ""), values.get("thousands"),
                                                 values.get("percent"), values.get("date"))
        values["expected"] = describe_number_format(values.get("want_decimals", ""), values.get("want_thousands"),
                                                    values.get("want_percent"), values.get("want_date"))
        if values.get("code"):
            values["found"] += f" ({values['code']})"
    template = FINDINGS.get(code)
    if template is None:
        return code
    return str(template) % values if "%(" in str(template) else str(template)


def describe_location(location: Location | None) -> str:
    """Where in the file, for a person: "Đoạn 5: “…”", "Ô F12 (Bảng lương)", "Trang chiếu 3"."""
    if location is None:
        return ""
    sheet = location.sheet or ""
    values = {"ref": location.ref, "sheet": sheet, "snippet": location.snippet}
    templates = {
        "paragraph": _l("Đoạn %(ref)s: “%(snippet)s”") if location.snippet else _l("Đoạn %(ref)s"),
        "table": _l("Bảng %(ref)s"), "header": _l("Đầu trang"), "footer": _l("Chân trang"),
        "page": _l("Thiết lập trang"), "document": _l("Toàn bộ tệp"),
        "sheet": _l("Trang tính %(sheet)s"), "cell": _l("Ô %(ref)s, trang tính %(sheet)s"),
        "range": _l("Vùng %(ref)s, trang tính %(sheet)s"), "chart": _l("Biểu đồ tại %(ref)s, trang tính %(sheet)s"),
        "slide": _l("Trang chiếu %(ref)s: “%(snippet)s”") if location.snippet else _l("Trang chiếu %(ref)s"),
    }
    template = templates.get(location.kind)
    return str(template) % values if template is not None else ""
