"""spaCy components of kg's extraction pipeline, registered with ``@Language.factory``.

Candidates are collected in span groups, one per source, and ``kg_merge`` picks the final mentions:

    doc.spans["kg_vocabulary"]     vocabulary SpanRuler (span.id_ = vocabulary id)
    doc.ents                       trained NER
    doc.spans["kg_patterns"]       cue patterns and title rules (span.id_ = "pattern:<rule id>")
    doc.spans["kg_abbreviations"]  long and short forms of abbreviations defined in the text
    doc.spans["kg"]                the merged mentions (span.id_ = source; kb_id_ = vocabulary id)

Roles are written to ``doc.user_data["kg_roles"]`` keyed by (start_char, end_char).

One module a component: ``cues`` (``kg_paragraphs``, ``kg_cues``), ``abbreviations`` (``kg_abbreviations``),
``merge`` (``kg_merge``) and ``roles`` (``kg_roles``); ``common`` holds what they share.
"""

from kg.extract.components.abbreviations import Abbreviations, make_abbreviations
from kg.extract.components.common import LABELS, PRIORITY, doc_text, find_whole, sentence_of, title_end
from kg.extract.components.cues import CuePatterns, Paragraphs, make_cues, make_paragraphs
from kg.extract.components.merge import Merge, make_merge
from kg.extract.components.roles import Roles, make_roles

__all__ = [
    "LABELS",
    "PRIORITY",
    "Abbreviations",
    "CuePatterns",
    "Merge",
    "Paragraphs",
    "Roles",
    "doc_text",
    "find_whole",
    "make_abbreviations",
    "make_cues",
    "make_merge",
    "make_paragraphs",
    "make_roles",
    "sentence_of",
    "title_end",
]
