"""Saved and reused llama.cpp states: which prefixes a session may reuse."""

from reins.models.kv_disk import ALIGN, TAIL, repeatable_prefix


def test_reusable_prefixes_end_on_aligned_boundaries_a_tail_short_of_the_prompt():
    assert ALIGN % 4 == 0 and TAIL >= 8  # llama.cpp's row groups and small-batch path
    assert repeatable_prefix(held=610, computed_alike=1280, length=1300) == 608
    assert repeatable_prefix(held=1300, computed_alike=1280, length=1400) == 1280
    assert repeatable_prefix(held=700, computed_alike=1000, length=700) == 656  # 700 - 32
    assert repeatable_prefix(held=5, computed_alike=1000, length=700) == 0
    assert repeatable_prefix(held=40, computed_alike=40, length=20) == 0
