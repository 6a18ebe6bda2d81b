"""Grader for presentations (.pptx, .odp): checks of practical.rubric against a PresentationModel."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from practical import rubric as r
from practical.formats.presentation import PresentationModel, Slide
from practical.graders import Location, Outcome, failed, normalise, passed


def evaluate(model: PresentationModel, check: r.Check) -> Outcome:
    """The outcome of ``check`` on ``model``."""
    number = getattr(check, "slide", 0)
    if number and number > len(model.slides):
        return failed("slide-missing", Location("document"), slide=str(number), count=str(len(model.slides)))
    return _GRADERS[type(check)](model, check)


def _at(slide: Slide) -> Location:
    return Location("slide", slide.index, snippet=slide.title or "")


def _slide_count(model: PresentationModel, check: r.SlideCountCheck) -> Outcome:
    count = len(model.slides)
    if count not in check.count:
        return failed("slide-count", Location("document"), found=str(count), expected=str(check.count))
    return passed(Location("document"), found=str(count))


def _layout(model: PresentationModel, check: r.LayoutCheck) -> Outcome:
    slide = model.slides[check.slide - 1]
    if slide.layout != check.layout:
        return failed("layout", _at(slide), found=slide.layout, expected=check.layout, name=slide.layout_name)
    return passed(_at(slide))


def _title(model: PresentationModel, check: r.TitleCheck) -> Outcome:
    slide = model.slides[check.slide - 1]
    if not slide.title:
        return failed("title-missing", _at(slide))
    if check.text:
        found, wanted = normalise(slide.title), normalise(check.text)
        if (check.exact and found != wanted) or (not check.exact and wanted not in found):
            return failed("title-text", _at(slide), found=slide.title, expected=check.text)
    return passed(_at(slide))


def _pictures(model: PresentationModel, check: r.SlidePictureCheck) -> Outcome:
    if check.slide:
        slide = model.slides[check.slide - 1]
        if slide.pictures < check.min:
            return failed("slide-pictures", _at(slide), found=str(slide.pictures), expected=str(check.min))
        return passed(_at(slide))
    with_pictures = next((s for s in model.slides if s.pictures >= check.min), None)
    if with_pictures is None:
        return failed("no-pictures", Location("document"), expected=str(check.min))
    return passed(_at(with_pictures))


def _transition(model: PresentationModel, check: r.TransitionCheck) -> Outcome:
    slides = [model.slides[check.slide - 1]] if check.slide else model.slides
    missing = next((s for s in slides if not s.transition), None)
    if missing is not None or not slides:
        return failed("no-transition", _at(missing) if missing else Location("document"))
    return passed(_at(slides[0]) if check.slide else Location("document"), found=slides[0].transition)


def _notes(model: PresentationModel, check: r.NotesCheck) -> Outcome:
    slides = [model.slides[check.slide - 1]] if check.slide else model.slides
    for slide in slides:
        if len(slide.notes) < check.min_chars:
            return failed("notes-missing", _at(slide), expected=str(check.min_chars))
        if check.contains is not None and normalise(check.contains) not in normalise(slide.notes):
            return failed("notes-text", _at(slide), text=check.contains)
    return passed(_at(slides[0]) if check.slide else Location("document"))


def _bullets(model: PresentationModel, check: r.BulletsCheck) -> Outcome:
    if check.slide:
        slide = model.slides[check.slide - 1]
        if len(slide.bullets) < check.min:
            return failed("bullets", _at(slide), found=str(len(slide.bullets)), expected=str(check.min))
        return passed(_at(slide))
    enough = [s for s in model.slides if len(s.bullets) >= check.min]
    if len(enough) < check.slides:
        return failed("bullet-slides", Location("document"), found=str(len(enough)), expected=str(check.slides),
                      min=str(check.min))
    return passed(_at(enough[0]), found=str(len(enough)))


def _chart(model: PresentationModel, check: r.SlideChartCheck) -> Outcome:
    slides = [model.slides[check.slide - 1]] if check.slide else model.slides
    with_chart = [s for s in slides if s.charts]
    if not with_chart:
        return failed("slide-no-chart", _at(slides[0]) if check.slide else Location("document"))
    if check.type is not None:
        match = next((s for s in with_chart if check.type in s.charts), None)
        if match is None:
            return failed("chart-type", _at(with_chart[0]), found=with_chart[0].charts[0], expected=check.type)
        return passed(_at(match))
    return passed(_at(with_chart[0]))


# Each grader takes the Check subclass it is keyed by: a type mypy cannot express per entry.
_GRADERS: dict[type, Callable[[PresentationModel, Any], Outcome]] = {
    r.SlideCountCheck: _slide_count, r.LayoutCheck: _layout, r.TitleCheck: _title, r.SlidePictureCheck: _pictures,
    r.TransitionCheck: _transition, r.NotesCheck: _notes, r.BulletsCheck: _bullets, r.SlideChartCheck: _chart,
}
