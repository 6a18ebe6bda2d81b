"""The content shipped with the product, the loader's all-or-nothing errors, guides and
self-checks for citizens, search, and the XSS corpus."""
from __future__ import annotations

import re
import shutil
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from courses.models import Course, Guide, Lesson
from courses.search import search_text
from lms.cli import CONTENT_ROOT
from lms.content import SLUG_RE
from lms.markdown import render_markdown
from quizzes.gift import parse_gift
from quizzes.models import Attempt, Question, QuestionCategory, QuestionStatus, Quiz, QuizKind
from tests.conftest import csrf_token_from, login


@pytest.fixture()
def content(app, db):
    """The shipped content, loaded as `make run` loads it."""
    result = app.test_cli_runner().invoke(args=["content", "load"])
    assert result.exit_code == 0, result.output
    return result


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


BASIC_MODULES = ("IU01", "IU02", "IU03", "IU04", "IU05", "IU06")
# The advanced modules the courses teach, so the advanced standard (three of them) is reachable.
TAUGHT_ADVANCED_MODULES = ("IU07", "IU08", "IU09")
BANK_MODULES = (*BASIC_MODULES, *TAUGHT_ADVANCED_MODULES, "IU14")
MIN_BANK_QUESTIONS = 40
MIN_LESSONS = 5
MIN_PRACTICE_QUESTIONS = 10


def test_shipped_courses_guides_and_bank_meet_the_brief(db, content):
    courses = list(db.session.scalars(select(Course)))
    assert len(courses) >= 8
    for course in courses:
        assert len(course.lessons) >= MIN_LESSONS, course.slug
        quizzes = {q.kind: q for q in db.session.scalars(select(Quiz).where(Quiz.course_id == course.id))}
        assert QuizKind.PRACTICE in quizzes and QuizKind.COURSE in quizzes, course.slug
        assert len(quizzes[QuizKind.PRACTICE].items) >= MIN_PRACTICE_QUESTIONS, course.slug
    assert _count(db, Guide) >= 8
    assert all(_count(db, Quiz, Quiz.slug == f"huong-dan-{g.slug}", Quiz.public.is_(True)) == 1
               for g in db.session.scalars(select(Guide)))
    assert _count(db, Question, Question.is_current.is_(True)) >= 300
    types = Counter(q.value for q in db.session.scalars(select(Question.qtype)))
    assert {"single_choice", "multiple_response", "true_false", "short_answer", "numerical", "matching"} <= set(types)
    assert _count(db, Question, Question.explanation == "") == 0  # every question explains itself


@pytest.mark.parametrize("module", [*BASIC_MODULES, *TAUGHT_ADVANCED_MODULES])
def test_every_basic_module_and_three_advanced_ones_have_a_published_course(db, content, module):
    """The dashboard sends a learner to the courses of each module they lack: none may be empty.

    A basic module needs a basic course; IU07–IU09 need an advanced course, so that the advanced
    standard (the basic one plus three advanced modules) can be prepared for on the site.
    """
    level = "basic" if module in BASIC_MODULES else "advanced"
    courses = db.session.scalars(select(Course).where(Course.published.is_(True), Course.level == level))
    assert any(module in (course.modules or []) for course in courses), f"no published {level} course for {module}"


def test_basic_courses_and_their_lessons_list_only_basic_modules(db, content):
    """A basic course credits basic modules only: advanced material lives in advanced courses."""
    for course in db.session.scalars(select(Course).where(Course.level == "basic")):
        tagged = set(course.modules or []) | {code for lesson in course.lessons for code in (lesson.modules or [])}
        assert tagged <= set(BASIC_MODULES), f"{course.slug} lists {sorted(tagged - set(BASIC_MODULES))}"


@pytest.mark.parametrize("module", BANK_MODULES)
def test_the_bank_holds_forty_active_questions_per_module(db, content, module):
    """The bank (content/questions) alone: course practice and guide self-checks do not count."""
    active = db.session.scalar(
        select(func.count()).select_from(Question).join(QuestionCategory).where(
            Question.module_code == module, Question.is_current.is_(True),
            # Bank categories are the files' own (IU01…); practice and self-checks live under
            # "Khóa học/…" and "Hướng dẫn/…".
            Question.status == QuestionStatus.ACTIVE, ~QuestionCategory.path.contains("/")))
    assert active >= MIN_BANK_QUESTIONS, f"{module}: {active} active questions in the bank"


# --------------------------------------------------------------------------------------------
# Conventions every GIFT file keeps (read from the files, so a failure names file and line).

def _shipped_questions(root: Path = CONTENT_ROOT):
    """(file, question) for every question of every GIFT file under ``root``."""
    for path in sorted(root.rglob("*.gift")):
        for question in parse_gift(path.read_text(encoding="utf-8-sig")):
            yield path.relative_to(root.parent), question


# Types whose answers carry feedback; matching, essay and description have none per answer.
_WITH_ANSWER_FEEDBACK = {"single_choice", "multiple_response", "true_false", "short_answer", "numerical"}


def test_answer_feedback_says_right_or_wrong_first():
    """A learner reads at once whether they were right: "Đúng." or "Chưa đúng." comes first."""
    problems = []
    for path, question in _shipped_questions():
        if question.qtype not in _WITH_ANSWER_FEEDBACK:
            continue
        for answer in question.answers:
            feedback = answer.feedback.strip()
            where = f"{path}:{question.line} {question.name} ({answer.text[:30]!r})"
            if answer.fraction > 0:
                if feedback and not feedback.startswith("Đúng."):
                    problems.append(f"{where}: a right answer's feedback starts with 'Đúng.'")
            elif feedback or question.qtype != "numerical":  # a numerical question may leave "any other" unsaid
                if not feedback.startswith("Chưa đúng."):
                    problems.append(f"{where}: a wrong answer's feedback starts with 'Chưa đúng.'")
    assert problems == [], "\n".join(problems)


def test_every_shipped_question_has_an_explanation():
    missing = [f"{path}:{q.line} {q.name}" for path, q in _shipped_questions()
               if q.qtype != "description" and not q.general_feedback.strip()]
    assert missing == [], "questions without a #### explanation:\n" + "\n".join(missing)


def test_no_question_is_shipped_twice():
    """The same question in two files (two modules, or the bank and a course) is one too many."""
    seen: dict[str, str] = {}
    twice = []
    for path, question in _shipped_questions():
        key = search_text(question.text)
        where = f"{path}:{question.line} {question.name}"
        if key in seen:
            twice.append(f"{where} repeats {seen[key]}")
        seen.setdefault(key, where)
    assert twice == [], "\n".join(twice)


def test_every_bank_question_has_one_module_and_one_difficulty():
    from lms.content import MODULE_RE

    problems = []
    for path, question in _shipped_questions(CONTENT_ROOT / "questions"):
        tags = [t.lower() for t in question.tags]
        modules = [t for t in question.tags if MODULE_RE.match(t.upper())]
        difficulties = [t for t in tags if t in ("easy", "medium", "hard")]
        if len(modules) != 1 or len(difficulties) != 1:
            problems.append(f"{path}:{question.line} {question.name}: tags {question.tags}")
    assert problems == [], "\n".join(problems)


# "chị" alone reads as if every official were a woman (DOMAIN.md). A "chị" that is not part of
# "anh/chị" or "anh chị" and not followed by a name ("chị Lan") is taken as addressing the reader.
_CHI_ALONE = re.compile(r"(?<![\w/])(?<!anh )(?:chị|Chị)(?!\w)(?! [A-ZĐ][a-zà-ỹ])")


def test_readers_are_addressed_as_anh_chi_or_ban():
    found = []
    for folder in ("courses", "guides", "questions"):
        for path in sorted(p for p in (CONTENT_ROOT / folder).rglob("*") if p.suffix in (".md", ".gift")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if _CHI_ALONE.search(line):
                    found.append(f"{path.relative_to(CONTENT_ROOT.parent)}:{number}: {line.strip()[:80]}")
    assert found == [], "write “anh/chị” or “bạn” (or name the person: “chị Lan”):\n" + "\n".join(found)


# --------------------------------------------------------------------------------------------
# Superseded texts (content/superseded.yaml): stale facts cannot come back unnoticed.

def _superseded_mentions(root: Path = CONTENT_ROOT) -> list[str]:
    """Every line under ``root`` that mentions a superseded text as if it were current."""
    config = yaml.safe_load((root / "superseded.yaml").read_text(encoding="utf-8"))

    def words_pattern(words: list[str]) -> re.Pattern:
        # Whole words only: "cũ" (old) must not be found inside "cũng".
        return re.compile("|".join(rf"(?<!\w){re.escape(w)}(?!\w)" for w in words), re.IGNORECASE)

    common = config.get("historical_words") or []
    entries = [(entry, re.compile(entry["pattern"], re.IGNORECASE),
                words_pattern([*common, *(entry.get("historical") or [])])) for entry in config["entries"]]
    allowed = [(a["file"], a["text"]) for a in config.get("allow") or []]
    found = []
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".md", ".gift") and p.is_file()):
        relative = path.relative_to(root.parent).as_posix()
        lines = unicodedata.normalize("NFC", path.read_text(encoding="utf-8-sig")).splitlines()
        # A paragraph (or table, list item, GIFT question): the lines up to a blank line.
        blocks, block = [], 0
        for line in lines:
            block += not line.strip()
            blocks.append(block)
        texts: dict[int, list[str]] = {}
        for line, number in zip(lines, blocks, strict=True):
            texts.setdefault(number, []).append(line)
        heading = ""
        for index, line in enumerate(lines):
            if path.suffix == ".md" and line.lstrip().startswith("#"):
                heading = line
            for entry, pattern, historical in entries:
                match = pattern.search(line)
                if match is None:
                    continue
                context = "\n".join([line, heading, *texts[blocks[index]]])
                if historical.search(context) or any(relative == f and text in line for f, text in allowed):
                    continue
                found.append(f"{relative}:{index + 1}: “{match.group()}” — {' '.join(entry['why'].split())}"
                             f" → {entry['replaced_by']}")
    return found


def test_no_content_presents_superseded_texts_as_current():
    mentions = _superseded_mentions()
    assert mentions == [], "superseded texts presented as current:\n" + "\n".join(mentions)


def test_the_superseded_list_is_well_formed():
    config = yaml.safe_load((CONTENT_ROOT / "superseded.yaml").read_text(encoding="utf-8"))
    ids = [entry["id"] for entry in config["entries"]]
    assert len(ids) == len(set(ids)) and all(SLUG_RE.match(i) for i in ids)
    for entry in config["entries"]:
        assert entry["why"].strip() and entry["replaced_by"].strip(), entry["id"]
        re.compile(entry["pattern"])


def test_the_superseded_check_flags_current_mentions_and_spares_history(tmp_path):
    root = tmp_path / "content"
    root.mkdir()
    shutil.copy(CONTENT_ROOT / "superseded.yaml", root / "superseded.yaml")
    (root / "bai.md").write_text(
        "---\ntitle: Thử\n---\n"
        "Dữ liệu cá nhân được bảo vệ theo Nghị định 13/2023/NĐ-CP.\n\n"
        "Trước đây, Nghị định 13/2023/NĐ-CP là quy định chính.\n\n"
        "## Các mức độ trước đây\n\n| Mức 4 | Thanh toán trực tuyến |\n\n"
        "## Hiện nay\n\nHồ sơ nộp tại UBND huyện và dịch vụ công mức độ 4.\n\n"
        "Từ 01/7/2025 cấp huyện không còn.\n\n"
        "Kiểm tra chứng thư số của người ký.\n\nChứng thư chữ ký số (còn gọi là chứng thư số).\n",
        encoding="utf-8")
    (root / "cau-hoi.gift").write_text(
        "// [tag:IU06]\n::q1::Theo cách phân loại cũ, đây là mức nào?{\n=Mức 4#Đúng.\n~Mức 3#Chưa đúng.\n}\n\n"
        "// [tag:IU14]\n::q2::Luật nào?{\n=Luật Giao dịch điện tử 2005#Đúng.\n}\n",
        encoding="utf-8")
    flagged = [line.split(" — ")[0] for line in _superseded_mentions(root)]
    assert flagged == [
        "content/bai.md:4: “Nghị định 13/2023”",
        "content/bai.md:14: “UBND huyện”", "content/bai.md:14: “dịch vụ công mức”",
        "content/bai.md:18: “chứng thư số”",
        "content/cau-hoi.gift:9: “Luật Giao dịch điện tử 2005”",
    ]
    config = (root / "superseded.yaml").read_text(encoding="utf-8")
    (root / "superseded.yaml").write_text(config.replace(
        "allow: []", "allow:\n  - file: content/cau-hoi.gift\n    text: Luật Giao dịch điện tử 2005\n"
                     "    why: câu hỏi về lịch sử\n"), encoding="utf-8")
    assert "content/cau-hoi.gift:9" not in "\n".join(_superseded_mentions(root))


def test_loading_twice_changes_nothing(app, db, content):
    before = (_count(db, Question), _count(db, Lesson), _count(db, Quiz), _count(db, Guide))
    again = app.test_cli_runner().invoke(args=["content", "load"])
    assert again.exit_code == 0
    assert (_count(db, Question), _count(db, Lesson), _count(db, Quiz), _count(db, Guide)) == before
    assert _count(db, Question, Question.version > 1) == 0


def test_changed_file_updates_used_questions_by_version(app, db, users, content, tmp_path):
    from quizzes.services import start_attempt

    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "thu-dien-tu-cong-vu-luyen-tap"))
    attempt = start_attempt(users["learner"], quiz)
    db.session.commit()
    shown = {slot.question_id for slot in attempt.slots}
    practice = root / "courses" / "thu-dien-tu-cong-vu" / "practice.gift"
    practice.write_text(practice.read_text(encoding="utf-8").replace("Khi gửi thư", "Khi bạn gửi thư", 1),
                        encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["content", "load", "--path", str(root)])
    assert result.exit_code == 0, result.output
    revised = db.session.scalar(select(Question).where(Question.version == 2))
    assert revised is not None and revised.text.startswith("Khi bạn gửi thư")
    assert revised.family_id in shown  # the old version stays with the attempt that showed it
    db.session.refresh(attempt)
    assert {slot.question_id for slot in attempt.slots} == shown


@pytest.mark.parametrize("breakage,expected", [
    (lambda t: t.replace("title:", "title: [", 1), "front matter is not valid YAML"),
    (lambda t: t.replace("---\n", "", 1), "missing front matter"),
    (lambda t: t.replace("slug: ", "slug: Có Dấu ", 1), "front matter needs 'slug'"),
    (lambda t: t.replace("modules: [IU06]", "modules: [IU99]", 1), "modules"),
])
def test_broken_content_is_reported_with_file_and_line_and_nothing_is_stored(app, db, tmp_path, breakage, expected):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    target = root / "guides" / "03-nop-ho-so-truc-tuyen.md"
    target.write_text(breakage(target.read_text(encoding="utf-8")), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["content", "load", "--path", str(root)])
    assert result.exit_code != 0
    assert "03-nop-ho-so-truc-tuyen.md:" in result.output and expected in result.output
    assert "nothing changed" in result.output
    assert (_count(db, Course), _count(db, Guide), _count(db, Question)) == (0, 0, 0)


def test_broken_gift_in_content_names_the_line(app, db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    target = root / "questions" / "IU02.gift"
    target.write_text(target.read_text(encoding="utf-8") + "\n// [tag:IU02]\n::hong::Câu hỏng?{=A ~B\n",
                      encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["content", "load", "--path", str(root)])
    assert result.exit_code != 0 and "IU02.gift:" in result.output
    assert _count(db, Question) == 0


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[bấm vào đây](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "::: tip\n<script>alert(1)</script>\n:::",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "`<script>` in code is shown, not run",
    "<object data=\"x.swf\"></object><embed src=\"x.swf\">",
    "<form action=\"https://evil.example\"><input name=p></form>",
    "<<script>script>alert(1)<</script>/script>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
]


class _Elements(HTMLParser):
    """Every element and attribute a browser would build from some HTML."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_never_lets_script_through(payload):
    elements = _Elements(render_markdown(payload)).elements
    for tag, attributes in elements:
        assert tag not in {"script", "iframe", "object", "embed", "form", "input", "style", "svg", "math"}, tag
        for name, value in attributes.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style"
            if name in {"href", "src"}:
                assert value.split(":")[0].strip().lower() in {"http", "https", "mailto"} or ":" not in value, value


def test_guides_are_public_readable_and_votable_once(client, db, content):
    listing = client.get("/guides")
    assert listing.status_code == 200 and "Đăng nhập bằng tài khoản định danh điện tử VNeID" in listing.get_data(as_text=True)
    page = client.get("/guides/nop-ho-so-truc-tuyen")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "callout-steps" in body and "Tự kiểm tra" in body
    token = csrf_token_from(body)
    for _ in range(2):
        client.post("/guides/nop-ho-so-truc-tuyen/vote", data={"csrf_token": token, "helpful": "yes"})
    guide = db.session.scalar(select(Guide).where(Guide.slug == "nop-ho-so-truc-tuyen"))
    assert (guide.helpful_yes, guide.helpful_no) == (1, 0)
    assert client.post("/guides/nop-ho-so-truc-tuyen/vote", data={"csrf_token": token, "helpful": "maybe"}).status_code == 400


def test_self_check_needs_no_account_and_stores_nothing(client, db, content):
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "huong-dan-dang-nhap-vneid"))
    page = client.get(f"/self-check/{quiz.slug}")
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    order = re.search(r'name="order" value="([0-9a-f]+)"', page.get_data(as_text=True)).group(1)
    data = {"csrf_token": token, "order": order}
    for item in quiz.items:
        best = max(item.question.options, key=lambda o: o.fraction)
        data[f"q{item.question.id}"] = str(best.id)
    result = client.post(f"/self-check/{quiz.slug}", data=data).get_data(as_text=True)
    assert "10,00/10" in result and "không chính thức" in result
    assert _count(db, Attempt) == 0
    assert client.get("/self-check/thu-dien-tu-cong-vu-luyen-tap").status_code == 404  # not public


@pytest.mark.parametrize("query", ["dich vu cong", "DỊCH VỤ CÔNG", "Dịch Vụ Công", "dịch vụ công"])
def test_search_ignores_diacritics_and_links_to_pages_that_exist(client, db, content, query):
    page = client.get("/search", query_string={"q": query})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<mark>" in body
    import re

    links = re.findall(r'<h2><a href="([^"]+)"', body)
    assert links, "no results"
    for link in links[:5]:
        assert client.get(link).status_code in (200, 302), link  # lessons ask for login


def test_search_finds_d_bar_words_typed_without_it(client, db, content):
    body = client.get("/search", query_string={"q": "dang nhap vneid"}).get_data(as_text=True)
    assert "VNeID" in body and "<mark>Đăng</mark>" in body


def test_practice_quiz_is_unlimited_and_never_official(client, db, users, content):
    from tests.conftest import post_form

    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "bang-tinh-co-ban-luyen-tap"))
    quiz.max_attempts = 1  # even a limit set by mistake does not stop practice
    db.session.commit()
    login(client, "learner")
    for _ in range(2):
        started = post_form(client, f"/quizzes/{quiz.id}", f"/quizzes/{quiz.id}/start")
        url = started.headers["Location"]
        token = csrf_token_from(client.get(url).get_data(as_text=True))
        result = client.get(client.post(url, data={"csrf_token": token}).headers["Location"]).get_data(as_text=True)
        assert "không được ghi nhận chính thức" in result
    assert _count(db, Attempt, Attempt.quiz_id == quiz.id) == 2


def test_retired_questions_are_never_drawn(app, db, content, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    target = root / "courses" / "chu-ky-so" / "practice.gift"
    blocks = target.read_text(encoding="utf-8").split("\n\n")
    target.write_text("\n\n".join(b for b in blocks if "::chu-ky-so-01::" not in b), encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["content", "load", "--path", str(root)]).exit_code == 0
    retired = db.session.scalar(select(Question).where(Question.name == "chu-ky-so-01"))
    assert retired.status == QuestionStatus.RETIRED
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == "chu-ky-so-luyen-tap"))
    assert retired.id not in {item.question_id for item in quiz.items}


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.mark.parametrize("image,expected", [
    (None, "not found in images/"),
    (b"GIF89a pretending", "Nội dung tệp không phải PNG"),
])
def test_guide_images_must_exist_and_be_real_images(app, db, tmp_path, image, expected):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    guide = root / "guides" / "02-tim-thu-tuc.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n![Ô tìm kiếm](images/thu-nghiem.png)\n", encoding="utf-8")
    if image is not None:
        (root / "guides" / "images").mkdir(exist_ok=True)
        (root / "guides" / "images" / "thu-nghiem.png").write_bytes(image)
    result = app.test_cli_runner().invoke(args=["content", "load", "--path", str(root)])
    assert result.exit_code != 0 and "02-tim-thu-tuc.md:" in result.output and expected in result.output
    assert _count(db, Guide) == 0


def test_guide_images_are_published_and_served_to_anyone(app, client, db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(CONTENT_ROOT, root)
    guide = root / "guides" / "02-tim-thu-tuc.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n![Ô tìm kiếm trên Cổng](images/thu-nghiem.png)\n",
                     encoding="utf-8")
    (root / "guides" / "images").mkdir(exist_ok=True)
    (root / "guides" / "images" / "thu-nghiem.png").write_bytes(PNG)
    assert app.test_cli_runner().invoke(args=["content", "load", "--path", str(root)]).exit_code == 0
    page = client.get("/guides/tim-thu-tuc").get_data(as_text=True)
    assert '<img src="/guides/media/thu-nghiem.png" alt="Ô tìm kiếm trên Cổng">' in page
    served = client.get("/guides/media/thu-nghiem.png")
    assert served.status_code == 200 and served.mimetype == "image/png" and served.data == PNG
    assert client.get("/guides/media/../../lms.sqlite3").status_code == 404
