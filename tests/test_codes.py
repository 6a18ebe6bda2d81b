"""Public certificate codes: unguessable, typable, typo-detecting."""
from __future__ import annotations

import math

from certificates import codes


def test_codes_carry_at_least_80_random_bits():
    assert codes.RANDOM_LENGTH * math.log2(len(codes.ALPHABET)) >= 80
    assert len({codes.new_code() for _ in range(2000)}) == 2000


def test_typed_variants_normalise_to_the_code():
    code = codes.new_code()
    shown = codes.display(code)
    assert shown.count("-") == 4
    assert codes.normalise(shown) == code
    assert codes.normalise(shown.lower()) == code
    assert codes.normalise(" " + shown.replace("-", " ") + " ") == code


def test_every_single_character_typo_is_detected():
    code = codes.new_code()
    for position in range(len(code)):
        for replacement in codes.ALPHABET:
            if replacement != code[position]:
                typo = code[:position] + replacement + code[position + 1:]
                assert codes.normalise(typo) is None


def test_most_adjacent_swaps_are_detected():
    caught = total = 0
    for _ in range(200):
        code = codes.new_code()
        for i in range(len(code) - 1):
            if code[i] != code[i + 1]:
                total += 1
                swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
                caught += codes.normalise(swapped) is None
    assert caught / total > 0.95


def test_confusable_letters_are_read_as_digits():
    code = codes.new_code()
    assert codes.normalise(code.replace("0", "O").replace("1", "I")) == code


def test_garbage_is_not_a_code():
    for raw in ["", "abc", "x" * 17, "<script>", "7K3M-Q9XD-2F4H-WC8N-TT"]:
        assert codes.normalise(raw) is None
