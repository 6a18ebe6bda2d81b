"""Vietnamese text rules."""
from __future__ import annotations

import unicodedata

from lms.text import fold, given_name, name_sort_key, nfc


def test_nfc_composes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hương")
    assert decomposed != "Nguyễn Thị Hương"
    assert nfc(f"  {decomposed} ") == "Nguyễn Thị Hương"


def test_fold_ignores_diacritics_case_and_d_bar():
    assert fold("DỊCH VỤ CÔNG") == fold("dich vu cong") == "dich vu cong"
    assert fold("Đăng nhập") == "dang nhap"
    assert fold(unicodedata.normalize("NFD", "Hương")) == "huong"


def test_names_sort_by_given_name_then_middle_then_family():
    names = ["Nguyễn Thị Hương", "Trần Văn An", "Lê Thị Ánh", "Phạm Đức Anh", "Đỗ Minh Ân", "Hoàng Văn Bình",
             "Vũ Thị Ấn", "Ngô Văn Ảnh", "Bùi Thị Ă", "Lê Văn An"]
    assert sorted(names, key=name_sort_key) == [
        "Lê Văn An", "Trần Văn An",          # same given and middle name: family name decides
        "Phạm Đức Anh", "Ngô Văn Ảnh", "Lê Thị Ánh",  # same letters: tone order none, hỏi, sắc
        "Bùi Thị Ă", "Đỗ Minh Ân", "Vũ Thị Ấn",  # a < ă < â
        "Hoàng Văn Bình", "Nguyễn Thị Hương",
    ]


def test_d_bar_sorts_after_d():
    assert sorted(["Lê Văn Đạt", "Lê Văn Dũng", "Lê Văn Cường"], key=name_sort_key) == [
        "Lê Văn Cường", "Lê Văn Dũng", "Lê Văn Đạt"]


def test_given_name():
    assert given_name("Nguyễn Thị Hương") == "Hương"
    assert given_name("") == ""
