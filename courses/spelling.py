"""Other spellings of a searched word, so citizens find a page however they type it.

Search compares folded words (lower case, no diacritics, đ as d: ``lms.text.fold``), which already
forgives wrong or missing tone marks: "hồ sở" and "ho so" find "hồ sơ". What folding cannot forgive,
and what people commonly type, is handled here, on the query side only (the index keeps one
spelling per word, so nothing has to be indexed again when this list grows):

* **i and y** after a consonant are two accepted spellings of one syllable: "đăng kí" / "đăng ký",
  "qui định" / "quy định", "kĩ năng" / "kỹ năng", "công ti" / "công ty" (:func:`iy_variant`);
* **Telex left in the text** when the Vietnamese keyboard was off: "hoof sow" for "hồ sơ",
  "ddawng kys" for "đăng ký" (:func:`telex_decoded`);
* **abbreviations** everyone uses: "dvc", "cccd", "tthc", "ubnd", "gplx"… (:data:`ABBREVIATIONS`).

Every function takes and returns folded words (``fold`` output, letters and digits only).
"""
from __future__ import annotations

import re

# Abbreviation → what it stands for (written normally; courses.search folds it). Several
# meanings are alternatives. Kept to abbreviations that mean one thing in public services.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "dvc": ("dịch vụ công", "dichvucong"),  # also the portal's domain name, dichvucong.gov.vn
    "dvctt": ("dịch vụ công trực tuyến",),
    "tthc": ("thủ tục hành chính",),
    "hcc": ("hành chính công",),
    "ttpvhcc": ("trung tâm phục vụ hành chính công",),
    # The card is "thẻ căn cước" since 01/07/2024; older cards and people still say CCCD, CMND.
    "cccd": ("căn cước",),
    "cmnd": ("chứng minh nhân dân", "căn cước"),
    "vneid": ("định danh điện tử",),
    "ubnd": ("ủy ban nhân dân",),
    "hdnd": ("hội đồng nhân dân",),
    "gplx": ("giấy phép lái xe",),
    "gks": ("giấy khai sinh",),
    "bhxh": ("bảo hiểm xã hội",),
    "bhyt": ("bảo hiểm y tế",),
    "mst": ("mã số thuế",),
    "sdt": ("số điện thoại",),
    "tk": ("tài khoản",),
    "mk": ("mật khẩu",),
    "cks": ("chữ ký số",),
    "cntt": ("công nghệ thông tin",),
    "csdl": ("cơ sở dữ liệu",),
    "qlvb": ("quản lý văn bản",),
}

# Initial consonants after which a lone i or y is the whole vowel: "kí"/"ký", "qui"/"quy", "lí"/"lý".
# Not after a vowel: "tai" and "tay", "tui" and "tuy" are different words.
_IY = re.compile(r"^(qu|[dhklmnstv])([iy])$")

# A folded Vietnamese syllable: initial consonant, vowel cluster, final consonant. Vowel clusters
# are listed whole, so that Telex's doubled letters ("aa", "ee", "oo") and "w" never pass.
_NUCLEI = (
    "a e i o u y ai ao au ay eo eu ia ie iu oa oe oi ua ue ui uo uu uy ya ye "
    "ieu yeu oai oay oeo uay uoi uou uya uye uyu"
).split()
_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?"
    "(?:" + "|".join(sorted(_NUCLEI, key=len, reverse=True)) + ")"
    r"(?:ch|nh|ng|[cmnpt])?$"
)
_TONE_KEYS = "sfrxj"


def is_syllable(word: str) -> bool:
    """Whether a folded ``word`` is spelled like a Vietnamese syllable ("nguoi" yes, "hoof" no)."""
    return bool(_SYLLABLE.match(word))


def iy_variant(word: str) -> str | None:
    """The same syllable spelled with y for i or i for y ("ki" ↔ "ky", "qui" ↔ "quy"), or None."""
    match = _IY.match(word)
    if match is None:
        return None
    return match.group(1) + ("y" if match.group(2) == "i" else "i")


def telex_decoded(word: str) -> str | None:
    """The folded syllable a Telex typist meant when the keyboard left the keys in the text.

    ``telex_decoded("hoof") == "ho"`` (hồ), ``"sow"`` → ``"so"`` (sơ), ``"ddawng"`` → ``"dang"``
    (đăng), ``"nguwowif"`` → ``"nguoi"`` (người). None when ``word`` is already a syllable or
    decodes to none (English words such as "windows" or "email" stay as they are).
    """
    if is_syllable(word) or not word.isascii() or not word.isalpha():
        return None
    decoded = word
    # The tone key comes last ("hoof", "kys") or just before the final consonant ("vieejt").
    if decoded[-1] in _TONE_KEYS + "z":
        decoded = decoded[:-1]
    decoded = re.sub(rf"(?<=[aeiouy])[{_TONE_KEYS}](?=(?:ch|nh|ng|[cmnpt])$)", "", decoded)
    # "aw" ă, "ow" ơ, "uw" ư; a leading "w" is ư on its own ("wowts" → "uot").
    decoded = re.sub(r"(?<=[aou])w", "", decoded)
    if decoded.startswith("w"):
        decoded = "u" + decoded[1:]
    # "dd" đ, and the doubled vowels "aa" â, "ee" ê, "oo" ô.
    if decoded.startswith("dd"):
        decoded = decoded[1:]
    decoded = re.sub(r"aa|ee|oo", lambda m: m.group()[0], decoded)
    # One or two letters decode from too many stray words ("os" → "o") to be worth it.
    if decoded == word or len(decoded) < 2 or not is_syllable(decoded):
        return None
    return decoded


def word_variants(word: str) -> list[str]:
    """``word`` and its other spellings (i/y, Telex decoded), without repeats, ``word`` first."""
    variants = [word]
    decoded = telex_decoded(word)
    for candidate in (iy_variant(word), decoded, iy_variant(decoded) if decoded else None):
        if candidate and candidate not in variants:
            variants.append(candidate)
    return variants
