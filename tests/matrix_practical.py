"""Routes of the practical part: the public ND30 checker (page, samples, API)."""
from __future__ import annotations

from tests.matrix import PUBLIC, Entry

ENTRIES = [
    Entry("practical.nd30_page", "GET", "/nd30", PUBLIC),
    Entry("practical.nd30_check", "POST", "/nd30", PUBLIC),
    Entry("practical.nd30_sample", "GET", "/nd30/samples/mau-cong-van.docx", PUBLIC),
    Entry("practical.api_nd30_check", "POST", "/api/v1/nd30/check", PUBLIC, json={}),
]
