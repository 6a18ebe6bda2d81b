"""Practical skills: office-file tasks graded by the machine against declarative rubrics, and the
checker of administrative document format (Nghị định 30/2020/NĐ-CP, Appendix I).

Phase 1 is library code only: ``practical.grading.grade`` and ``practical.nd30.check`` are the
service functions the web layer calls; the blueprint, models and routes come later.
"""
