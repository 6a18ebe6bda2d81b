"""The base class of every form: Flask-WTF's, with messages in the reader's language.

WTForms ships no Vietnamese, so its validators would answer "This field is required." on a
Vietnamese page. ``Form`` takes its translations from the site's catalogues instead, where
``lms/library_translations/vi`` holds Vietnamese for WTForms' English messages (the documented
``Meta.get_translations`` hook).
"""
from __future__ import annotations

from flask_babel import get_translations
from flask_wtf import FlaskForm


class Form(FlaskForm):
    """A Flask-WTF form whose built-in messages follow the interface language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            """The site's message catalogues for the current language (WTForms' hook)."""
            return get_translations()


class EmptyForm(Form):
    """A form with only the CSRF token, for POST-only buttons."""
