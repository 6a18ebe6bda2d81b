"""Agency identifier codes (QCVN 102:2016/BTTTT) and the agency tree."""
from __future__ import annotations

import pytest

from lms.models import agency_code_level, agency_parent_code
from tests import factories


@pytest.mark.parametrize("code,level,parent", [
    ("000.00.00.H41", 1, None),
    ("000.00.00.G22", 1, None),
    ("000.00.05.H41", 2, "000.00.00.H41"),
    ("000.03.05.H41", 3, "000.00.05.H41"),
    ("012.03.05.H41", 4, "000.03.05.H41"),
])
def test_code_levels_and_parents(code, level, parent):
    assert agency_code_level(code) == level
    assert agency_parent_code(code) == parent


@pytest.mark.parametrize("code", ["", "H41", "000.00.00.X41", "000.00.00.H4", "000.03.00.H41", "012.00.05.H41",
                                  "000.00.0A.H41", "000-00-00-H41"])
def test_malformed_codes_are_refused(code):
    with pytest.raises(ValueError):
        agency_code_level(code)


def test_tree_of_any_depth(db):
    top = factories.agency()
    department = factories.agency("000.00.02.H41", "Sở Khoa học và Công nghệ")
    unit = factories.agency("000.01.02.H41", "Trung tâm Chuyển đổi số")
    team = factories.agency("001.01.02.H41", "Tổ hỗ trợ kỹ thuật")
    assert team.parent is unit and unit.parent is department and department.parent is top
    assert team.is_within(top) and team.is_within(department)
    assert not department.is_within(unit)
    assert [child.code for child in top.children] == ["000.00.02.H41"]


def test_agency_needs_its_parent(db):
    with pytest.raises(ValueError, match="parent unit"):
        factories.agency("000.00.07.H49", "Sở Nội vụ tỉnh khác")
