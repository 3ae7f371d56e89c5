"""The theme matcher as a spaCy component, for users who work with spaCy pipelines directly.

    nlp.add_pipe("ivp_themes")          # after the tagger/lemmatizer if there is one
    doc = nlp(text)
    for span in doc.spans["ivp_themes"]:
        span.label_, span._.theme_match_kind, span._.theme_score, span._.theme_term

The extractors do not need it (themes.find_mentions works on pages that already carry a
Doc); it is the same matcher, so results are identical.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from extractors.theme_match import find_in_text

SPANS_KEY = "ivp_themes"

for _name, _default in (("theme_match_kind", None), ("theme_score", None), ("theme_term", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)


class ThemeComponent:
    def __init__(self, use_fuzzy: bool = True):
        self.use_fuzzy = use_fuzzy

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for m in find_in_text(doc.text, doc, use_fuzzy=self.use_fuzzy):
            span = doc.char_span(m.start, m.end, label=m.theme_id, alignment_mode="expand")
            if span is None:
                continue
            span._.theme_match_kind = m.kind
            span._.theme_score = m.score
            span._.theme_term = m.term
            spans.append(span)
        doc.spans[SPANS_KEY] = spans
        return doc


@Language.factory("ivp_themes", default_config={"use_fuzzy": True})
def make_theme_component(nlp: Language, name: str, use_fuzzy: bool) -> ThemeComponent:
    return ThemeComponent(use_fuzzy)
