"""Practical submissions and examiners' overrides."""
