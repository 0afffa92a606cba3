"""Extraction: papers in, mentions out. spaCy ``Doc``s never leave this package.

>>> from kg.records import Paper
>>> extractor = Extractor(Config(use_model=False))
>>> paper = Paper(id="2201.00001", version=1, title="PiFeNet: Pillar-Feature Network for 3D Object Detection",
...               abstract="We evaluate PiFeNet on the KITTI dataset.")
>>> [(m.text, m.type.value, m.role.value) for m in extractor.extract_one(paper).mentions][:2]
[('PiFeNet', 'method', 'proposes'), ('3D Object Detection', 'task', 'addresses')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.config import Config
from kg.extract.components import doc_text, sentence_of
from kg.names import join_coined_names
from kg.records import EntityType, Mention, Paper, PaperMentions, Role

SEPARATOR = "\n\n"
_TYPES = {"DATASET": EntityType.DATASET, "METHOD": EntityType.METHOD, "TASK": EntityType.TASK}


class Extractor:
    """Runs the spaCy pipeline over papers; the pipeline is built once per extractor."""

    def __init__(self, config: Config = Config()) -> None:
        from kg.extract.pipeline import make_nlp  # spaCy loads lazily: `kg --help` stays fast

        self.config = config
        self.nlp = make_nlp(config)

    def _doc_text(self, paper: Paper) -> str:
        return paper.title + SEPARATOR + paper.abstract[: self.config.max_abstract_chars]

    def extract(self, papers: Iterable[Paper]) -> Iterator[PaperMentions]:
        """Mentions for each paper, in input order."""

        def docs() -> Iterator:
            for paper in papers:
                doc = self._make_doc(self._doc_text(paper))
                doc.user_data["kg_title_end"] = len(paper.title)
                doc.user_data["kg_paper"] = paper
                yield doc

        for doc in self.nlp.pipe(docs(), batch_size=self.config.batch_size):
            paper = doc.user_data.pop("kg_paper")
            mentions = tuple(join_coined_names(list(self._mentions(doc, len(paper.title)))))
            found = doc._.kg_relations if doc.has_extension("kg_relations") else None
            if found is None:
                yield PaperMentions(paper, mentions)
            else:
                from kg.extract.relations import to_records

                yield PaperMentions(paper, mentions, to_records(found, mentions, len(paper.title) + len(SEPARATOR)))

    def _make_doc(self, text: str):
        """A tokenized doc that knows its text: the tokenizer never changes the text, and ``Doc.text``
        would join every token again (about a millisecond per abstract)."""
        doc = self.nlp.make_doc(text)
        doc.user_data["kg_text"] = text
        return doc

    def extract_one(self, paper: Paper) -> PaperMentions:
        return next(self.extract([paper]))

    def spans(self, texts: Iterable[str]) -> Iterator[list[tuple[int, int, str]]]:
        """(start, end, type) spans of plain texts (no title): what ``kg eval`` scores."""
        docs = (self._make_doc(text) for text in texts)
        for doc in self.nlp.pipe(docs, batch_size=self.config.batch_size):
            yield [(s.start_char, s.end_char, _TYPES[s.label_].value) for s in doc.spans["kg"]]

    def _mentions(self, doc, title_len: int) -> Iterator[Mention]:
        roles = doc.user_data.get("kg_roles", {})
        confidence = doc.user_data.get("kg_confidence", {})
        abstract_start = title_len + len(SEPARATOR)
        pairs = doc.user_data.get("kg_abbreviation_pairs", {})
        long_to_short = {long.lower(): short for short, long in pairs.items()}
        text = doc_text(doc)
        for span in doc.spans["kg"]:
            if span.start_char < title_len:
                field, offset, field_end = "title", 0, title_len
                if span.end_char > title_len:
                    continue
            elif span.start_char >= abstract_start:
                field, offset, field_end = "abstract", abstract_start, len(text)
            else:
                continue
            score = confidence.get((span.start_char, span.end_char), 0.7)
            if score < self.config.min_confidence:
                continue
            first, last = sentence_of(doc, span.start)
            sent_start = max(doc[first].idx, offset)
            sent_end = min(doc[last - 1].idx + len(doc[last - 1].text), field_end)
            type_ = _TYPES[span.label_]
            yield Mention(
                type=type_,
                field=field,
                start=span.start_char - offset,
                end=span.end_char - offset,
                text=text[span.start_char : span.end_char],
                sentence=text[sent_start:sent_end],
                sentence_start=sent_start - offset,
                sentence_end=sent_end - offset,
                role=Role(
                    roles.get((span.start_char, span.end_char), "addresses" if type_ is EntityType.TASK else "uses")
                ),
                confidence=score,
                source=span.id_ or "ner",
                vocabulary_id=span.kb_id_,
                long_form=pairs.get(span.text, ""),
                short_form=long_to_short.get(span.text.lower(), ""),
            )
