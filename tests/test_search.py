"""Search across lessons and guides: diacritics and đ ignored, titles first, matches highlighted.

Every test runs on the suite's database, so on SQLite (FTS5) and on PostgreSQL (tsvector) alike.
"""
from __future__ import annotations

import unicodedata

import pytest
from markupsafe import Markup
from sqlalchemy import Column, Integer, MetaData, Table, func, select

from courses.search import (
    SearchDocument, index_document, markdown_to_text, remove_document, search, search_text,
)
from lms.database import include_object

GUIDE_TITLE = "Nộp hồ sơ dịch vụ công trực tuyến"


@pytest.fixture()
def library(db):
    """A few guides and lessons, committed."""
    index_document("guide", 1, "/guides/nop-ho-so", GUIDE_TITLE,
                   "Chuẩn bị giấy tờ, điền tờ khai và **gửi hồ sơ** trên Cổng quốc gia.")
    index_document("guide", 2, "/guides/dang-nhap", "Đăng nhập bằng VNeID",
                   "Mở ứng dụng, quét mã QR và xác nhận.")
    index_document("lesson", 10, "/courses/thu-dien-tu/1", "Thư điện tử công vụ",
                   "Soạn thư, đính kèm tệp và gửi cho đồng nghiệp.")
    index_document("lesson", 11, "/courses/van-ban/2", "Định dạng văn bản",
                   "Căn lề, giãn dòng, chọn phông chữ Times New Roman cỡ 14.")
    db.session.commit()


@pytest.mark.parametrize("query", [
    "dich vu cong", "DỊCH VỤ CÔNG", "Dịch Vụ Công", "dịch vụ công",
    unicodedata.normalize("NFD", "Dịch vụ công"), "  dich   VU, cong! ",
])
def test_search_ignores_case_and_diacritics(library, query):
    hits = search(query)
    assert [(h.kind, h.ref_id, h.url) for h in hits] == [("guide", 1, "/guides/nop-ho-so")]


def test_search_maps_d_bar_to_d(library):
    hits = search("dang nhap")
    assert [h.ref_id for h in hits] == [2]
    assert str(hits[0].title_html) == "<mark>Đăng</mark> <mark>nhập</mark> bằng VNeID"


def test_every_word_must_match(library):
    assert [h.ref_id for h in search("dang nhap ho so")] == []
    assert [h.ref_id for h in search("ho so cong")] == [1]


def test_title_hits_rank_above_body_only_hits(db):
    # The body-only document comes first by id and repeats the words, so only the title rule
    # can put the other one first.
    index_document("lesson", 1, "/l/1", "Hướng dẫn chung",
                   "Chữ ký số. " * 20 + "Ký số văn bản bằng chữ ký số của cơ quan.")
    index_document("guide", 2, "/g/2", "Chữ ký số cho văn bản điện tử", "Giới thiệu ngắn.")
    index_document("lesson", 3, "/l/3", "Ký văn bản", "Dùng chữ ký số khi gửi văn bản đi.")
    db.session.commit()
    hits = search("chu ky so")
    assert [(h.kind, h.ref_id) for h in hits][0] == ("guide", 2)
    assert {(h.kind, h.ref_id) for h in hits} == {("lesson", 1), ("guide", 2), ("lesson", 3)}
    # More query words in the title ranks higher: "ky" alone in lesson 3's title beats none.
    assert [(h.kind, h.ref_id) for h in hits] == [("guide", 2), ("lesson", 3), ("lesson", 1)]
    assert [h.ref_id for h in search("chu ky so", limit=2)] == [2, 3]
    assert [h.ref_id for h in search("chu ky so", kinds={"lesson"})] == [3, 1]


def test_matches_are_marked_on_the_original_text(library):
    [hit] = search("dich vu cong")
    assert isinstance(hit.title_html, Markup) and isinstance(hit.snippet_html, Markup)  # safe in templates
    assert str(hit.title_html) == "Nộp hồ sơ <mark>dịch</mark> <mark>vụ</mark> <mark>công</mark> trực tuyến"
    [hit] = search("ho so")
    assert str(hit.snippet_html) == (
        "Chuẩn bị giấy tờ, điền tờ khai và gửi <mark>hồ</mark> <mark>sơ</mark> trên Cổng quốc gia."
    )


def test_capitals_keep_their_case_in_the_marks(db):
    index_document("guide", 1, "/g/1", "DỊCH VỤ CÔNG QUỐC GIA", "")
    db.session.commit()
    [hit] = search("dich vu")
    assert str(hit.title_html) == "<mark>DỊCH</mark> <mark>VỤ</mark> CÔNG QUỐC GIA"


def test_html_in_content_comes_back_escaped(db):
    index_document("lesson", 1, "/l/1", "Mã độc <b>nguy hiểm</b>",
                   "Đừng dán <script>alert('x')</script> & mã lạ vào trình duyệt.")
    db.session.commit()
    [hit] = search("script alert")
    assert "<script>" not in hit.snippet_html and "<b>" not in hit.title_html
    assert "&lt;<mark>script</mark>&gt;<mark>alert</mark>(&#39;x&#39;)&lt;/<mark>script</mark>&gt; &amp; mã lạ" in (
        hit.snippet_html
    )
    assert str(hit.title_html) == "Mã độc &lt;b&gt;nguy hiểm&lt;/b&gt;"


def test_snippet_shows_the_first_body_match_in_context(db):
    body = " ".join(["Phần mở đầu dài."] * 30) + " Cuối cùng mới nói đến chữ ký số. " + "Phần kết. " * 30
    index_document("lesson", 1, "/l/1", "Bài đọc", body)
    db.session.commit()
    [hit] = search("chu ky so")
    snippet = str(hit.snippet_html)
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert "<mark>chữ</mark> <mark>ký</mark> <mark>số</mark>" in snippet
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= 210
    assert not snippet.startswith("… đầu") and not snippet.startswith("… ầu")  # whole words only


def test_title_only_hit_gets_the_start_of_the_body(db):
    index_document("guide", 1, "/g/1", "Chữ ký số", "Giới thiệu ngắn gọn.")
    db.session.commit()
    assert str(search("chu ky so")[0].snippet_html) == "Giới thiệu ngắn gọn."


def test_the_last_word_matches_as_a_prefix_while_typing(library):
    assert [h.ref_id for h in search("dich vu con")] == [1]
    assert str(search("nop ho so truc tuy")[0].title_html).endswith("<mark>trực</mark> <mark>tuyến</mark>")
    # A space after the word says it is complete.
    assert search("dich vu con ") == []
    # Only the last word is a prefix, and only from PREFIX_MIN_LENGTH letters on.
    assert search("dic vu cong") == []
    assert search("dich vu c") == []


@pytest.mark.parametrize("query", [
    '"', '""', '"dich', "*", "dich*", "(", "(dich vu", ")", "NEAR", "NEAR(dich vu)", "dich NEAR vu",
    "-", "-dich", "dich -vu", ":", "title_folded: dich", "body_folded:cong", "^", "^dich", "dich OR vu",
    "dich AND vu", "NOT vu", "dich & vu | !cong", "dich <-> vu", "'dich'", "\\", "dich:*", "%", "_", "{title_folded}",
    "dich\x00vu", "+", "dịch + vụ", "AND", "OR", "NOT",
])
def test_query_syntax_characters_never_raise(library, query):
    hits = search(query)
    assert isinstance(hits, list)


def test_operators_are_plain_words(db):
    index_document("lesson", 1, "/l/1", "Toán tử NEAR và NOT trong tìm kiếm", "")
    db.session.commit()
    assert [h.ref_id for h in search("near not")] == [1]
    assert [h.ref_id for h in search("NEAR(not)")] == [1]


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "?!", "... --- ***", '"()"', "–—"])
def test_queries_without_words_find_nothing(library, query):
    assert search(query) == []


def test_long_queries_are_truncated(library):
    assert [h.ref_id for h in search("dich vu cong " + " " * 200 + "khong co tu nay")] == [1]
    assert search("x" * 10_000) == []
    many_words = " ".join(f"t{n}" for n in range(100))
    assert search(many_words) == []


def test_kinds_filter(library):
    assert {h.kind for h in search("cong")} == {"guide", "lesson"}
    assert [(h.kind, h.ref_id) for h in search("cong", kinds={"lesson"})] == [("lesson", 10)]
    assert [(h.kind, h.ref_id) for h in search("cong", kinds={"guide"})] == [("guide", 1)]
    assert search("cong", kinds=set()) == []


def test_limit(library):
    assert len(search("cong", limit=1)) == 1
    assert search("cong", limit=0) == []


def test_remove_document(library, db):
    remove_document("guide", 1)
    remove_document("guide", 999)  # nothing indexed: nothing to do
    db.session.commit()
    assert search("dich vu cong") == []
    assert [h.ref_id for h in search("dang nhap")] == [2]


def test_indexing_again_updates_instead_of_duplicating(library, db):
    index_document("guide", 2, "/guides/dang-nhap-moi", "Đăng nhập bằng tài khoản định danh",
                   "Nhập số định danh cá nhân.")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SearchDocument)) == 4
    assert search("vneid") == []
    [hit] = search("dinh danh ca nhan")
    assert (hit.ref_id, hit.url) == (2, "/guides/dang-nhap-moi")


def test_unknown_kind_is_refused(db):
    with pytest.raises(ValueError):
        index_document("quiz", 1, "/q/1", "Bài kiểm tra", "")


def test_markdown_is_indexed_as_the_text_a_reader_sees(db):
    body = (
        "## Bước 1\n\nMở **Cổng** [Dịch vụ công](https://dichvucong.gov.vn).\n\n"
        "::: tip\nGõ `VNeID` vào ô tìm kiếm.\n:::\n\n- Mục một\n- Mục hai\n\n![Ảnh màn hình](anh.png)\n"
    )
    assert markdown_to_text(body) == (
        "Bước 1\nMở Cổng Dịch vụ công.\nGõ VNeID vào ô tìm kiếm.\nMục một\nMục hai\nẢnh màn hình"
    )
    index_document("guide", 1, "/g/1", "Hướng dẫn", body)
    db.session.commit()
    assert [h.ref_id for h in search("anh man hinh")] == [1]
    assert search("https") == [] and search("gov") == []  # link targets are not text


def test_search_text_is_folded_words_between_single_spaces():
    assert search_text("Nộp hồ sơ: Dịch-vụ  CÔNG! (trực tuyến)") == "nop ho so dich vu cong truc tuyen"
    assert search_text("Đăng nhập_VNeID 1/7/2024") == "dang nhap vneid 1 7 2024"
    assert search_text("") == ""


def test_titles_are_stored_in_nfc(db):
    document = index_document("guide", 1, "/g/1", unicodedata.normalize("NFD", " Dịch vụ công "), "")
    assert document.title == "Dịch vụ công"
    assert document.title_folded == "dich vu cong"


def test_autogenerate_ignores_the_full_text_objects_only():
    """The migration's FTS objects are not proposed for dropping; any other stray table still is."""
    reflected = MetaData()
    fts = Table("search_fts", reflected, Column("title_folded"))
    stray = Table("old_table", reflected, Column("id", Integer))
    vector = Table("search_document", reflected, Column("search_vector")).c.search_vector
    assert not include_object(fts, "search_fts", "table", True, None)
    assert not include_object(vector, "search_vector", "column", True, None)
    assert include_object(stray, "old_table", "table", True, None)
    assert include_object(SearchDocument.__table__, "search_document", "table", False, None)


def test_indexing_unchanged_content_writes_nothing(library, db):
    before = db.session.scalars(select(SearchDocument).filter_by(kind="guide", ref_id=2)).one().updated_at
    index_document("guide", 2, "/guides/dang-nhap", "Đăng nhập bằng VNeID", "Mở ứng dụng, quét mã QR và xác nhận.")
    db.session.commit()
    assert db.session.scalars(select(SearchDocument).filter_by(kind="guide", ref_id=2)).one().updated_at == before


# --------------------------------------------------------------------------------------------
# Spellings citizens type: i/y, tone-mark typos, Telex left in the text, abbreviations. Each
# finds exactly what the standard spelling finds.

@pytest.fixture()
def services(db):
    """Guides and lessons a citizen might look for, each spelled the standard way."""
    documents = [
        ("guide", 1, "Đăng ký khai sinh trực tuyến", "Chuẩn bị tờ khai và giấy chứng sinh."),
        ("guide", 2, "Theo dõi hồ sơ", "Dùng mã hồ sơ để xem tình trạng hồ sơ trên Cổng Dịch vụ công."),
        ("guide", 3, "Làm lại thẻ căn cước", "Thẻ căn cước công dân bị mất thì đến công an xã."),
        ("guide", 4, "Đăng nhập bằng VNeID", "Tài khoản định danh điện tử của bạn."),
        ("lesson", 5, "Quy định về phí, lệ phí", "Mức thu do Ủy ban nhân dân tỉnh quyết định."),
        ("lesson", 6, "Thủ tục hành chính cấp xã", "Danh mục thủ tục hành chính do tỉnh công bố."),
        ("lesson", 7, "Đổi giấy phép lái xe", "Nộp hồ sơ đổi giấy phép lái xe trên Cổng Dịch vụ công quốc gia."),
        ("lesson", 8, "Kĩ năng tìm kiếm", "Một bài viết dùng lối viết i: lí do, kĩ năng, qui trình."),
        ("lesson", 9, "Công việc mùa vụ", "Dịch thuật tài liệu; vụ việc ở công ty."),  # the words of "dvc", apart
    ]
    for kind, ref_id, title, body in documents:
        index_document(kind, ref_id, f"/{kind}/{ref_id}", title, body)
    db.session.commit()


def _found(query: str) -> list[tuple[str, int]]:
    return [(h.kind, h.ref_id) for h in search(query)]


@pytest.mark.parametrize("variant,standard", [
    ("dang ki", "đăng ký"), ("đăng kí khai sinh", "đăng ký khai sinh"), ("qui dinh", "quy định"),
    ("ky nang", "kĩ năng"), ("li do", "lí do"), ("quy trinh", "qui trình"),
])
def test_i_and_y_are_one_spelling(services, variant, standard):
    assert _found(variant) == _found(standard) != []


@pytest.mark.parametrize("typo,standard", [
    ("hồ sở", "hồ sơ"), ("hô sơ", "hồ sơ"), ("dăng ký", "đăng ký"), ("thu tuc hanh chinh", "thủ tục hành chính"),
])
def test_tone_mark_typos_find_what_the_right_word_finds(services, typo, standard):
    assert _found(typo) == _found(standard) != []


@pytest.mark.parametrize("telex,standard", [
    ("hoof sow", "hồ sơ"), ("ddawng kys", "đăng ký"), ("thur tucj hanhf chinhs", "thủ tục hành chính"),
    ("dichj vuj coong", "dịch vụ công"), ("giaays pheps laif xe", "giấy phép lái xe"),
])
def test_telex_left_in_the_text_is_read_as_vietnamese(services, telex, standard):
    assert _found(telex) == _found(standard) != []


@pytest.mark.parametrize("abbreviation,meaning", [
    ("dvc", "dịch vụ công"), ("cccd", "căn cước"), ("tthc", "thủ tục hành chính"),
    ("ubnd", "ủy ban nhân dân"), ("gplx", "giấy phép lái xe"), ("DVC ", "dịch vụ công"),
])
def test_abbreviations_find_what_they_stand_for(services, abbreviation, meaning):
    # What the words find, where they stand side by side (lesson 9 has them apart, see below).
    assert set(_found(abbreviation)) == set(_found(meaning)) - {("lesson", 9)} != set()


def test_an_abbreviation_needs_its_words_side_by_side(services):
    # Lesson 9 has "dịch", "vụ" and "công" but never "dịch vụ công": only the phrase counts.
    assert ("lesson", 9) in _found("dich vu cong")
    assert ("lesson", 9) not in _found("dvc")


def test_vneid_finds_the_word_and_what_it_means(services, db):
    index_document("guide", 10, "/guide/10", "Kích hoạt tài khoản", "Tài khoản định danh điện tử mức 2.")
    db.session.commit()
    assert {4, 10} <= {h.ref_id for h in search("vneid")}


def test_abbreviations_combine_with_other_words(services):
    assert _found("ho so dvc") == [("guide", 2), ("lesson", 7)]
    assert _found("cccd bi mat") == [("guide", 3)]


def test_variants_are_marked_on_the_words_as_written(services):
    [hit] = search("dang ki khai sinh")
    assert str(hit.title_html) == "<mark>Đăng</mark> <mark>ký</mark> <mark>khai</mark> <mark>sinh</mark> trực tuyến"
    [hit] = search("hoof sow", kinds={"guide"})
    assert str(hit.title_html) == "Theo dõi <mark>hồ</mark> <mark>sơ</mark>"
    [hit] = search("gplx", kinds={"lesson"})
    assert str(hit.title_html) == "Đổi <mark>giấy phép lái xe</mark>"


def test_variant_matches_in_titles_rank_first(db):
    index_document("lesson", 1, "/l/1", "Hướng dẫn chung", "Đăng ký tài khoản. " * 10)
    index_document("guide", 2, "/g/2", "Đăng kí tài khoản", "Ngắn.")
    db.session.commit()
    assert [h.ref_id for h in search("dang ky")] == [2, 1]
    assert [h.ref_id for h in search("dvc dang ky")] == []


def test_the_typed_variant_is_still_a_prefix(services):
    assert _found("dang ki khai sin") == [("guide", 1)]
    assert _found("qui đị") == []  # two letters: taken whole, and "đị" is no word here


def test_spelling_rules():
    from courses.spelling import is_syllable, iy_variant, telex_decoded, word_variants

    assert [iy_variant(w) for w in ("ki", "ky", "quy", "qui", "tai", "tay", "tui", "y", "nguoi")] == [
        "ky", "ki", "qui", "quy", None, None, None, None, None]
    assert [telex_decoded(w) for w in ("hoof", "sow", "ddawng", "kys", "nguwowif", "vieejt", "tieengs")] == [
        "ho", "so", "dang", "ky", "nguoi", "viet", "tieng"]
    # Words that are syllables already, and English words, are left alone.
    assert [telex_decoded(w) for w in ("nguoi", "windows", "email", "excel", "pdf", "os", "vneid")] == [
        None, None, None, None, None, None, None]
    # A rare loanword read as Telex only adds a spelling: "xoong" still finds "xoong" too.
    assert word_variants("xoong") == ["xoong", "xong"]
    assert is_syllable("nghieng") and is_syllable("khuyu") and not is_syllable("hoof") and not is_syllable("dd")
    assert word_variants("kys") == ["kys", "ky", "ki"]
    assert word_variants("cong") == ["cong"]


def test_variants_never_break_the_query_syntax(services):
    for query in ('"dvc"', "dvc*", "cccd OR tthc", "-ubnd", "{title_folded}: gplx", "kys:*", "dvc & !cccd"):
        assert isinstance(search(query), list)


# --------------------------------------------------------------------------------------------
# The search page: from the guides area, guides first and lessons for civil servants apart.

def test_search_from_the_guides_area_lists_guides_first_and_lessons_apart(client, services):
    body = client.get("/search", query_string={"q": "ho so", "area": "guides"}).get_data(as_text=True)
    guides_heading = body.index("Hướng dẫn cho người dân")
    lessons_heading = body.index("Bài học dành cho cán bộ, công chức")
    assert guides_heading < body.index('href="/guide/2"') < lessons_heading < body.index('href="/lesson/7"')
    assert 'name="area" value="guides"' in body  # searching again stays in the guides area


def test_search_from_the_guides_area_says_when_no_guide_matches(client, services):
    body = client.get("/search", query_string={"q": "ky nang", "area": "guides"}).get_data(as_text=True)
    assert "Không có hướng dẫn nào khớp" in body and 'href="/lesson/8"' in body


def test_search_elsewhere_keeps_one_list(client, services):
    body = client.get("/search", query_string={"q": "ho so"}).get_data(as_text=True)
    assert "Hướng dẫn cho người dân" not in body and 'href="/guide/2"' in body and 'href="/lesson/7"' in body
    assert client.get("/search", query_string={"q": "ho so", "area": "other"}).status_code == 200


def test_the_guides_page_sends_its_searches_to_the_guides_area(client, db):
    body = client.get("/guides").get_data(as_text=True)
    form = body[body.index('<form class="search-form"'):]
    assert 'name="area" value="guides"' in form[:form.index("</form>")]
