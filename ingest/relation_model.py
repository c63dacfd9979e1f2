"""A relation classifier: which relation, if any, a sentence states between two named entities.

Hand-written rules catch the wordings they were written for; the same fact said with another
verb, preposition or word order slips past them. This model scores every pair of entities that
share a sentence (and each entity with the document's main project) on the words around and
between them, their types and the sentence's cues, and was trained on the development corpus's
gold (``scripts/train_relation_model.py``). It ships as plain JSON weights (a multinomial
logistic regression), so reading a document needs numpy only, never a download.

Labels are a gold predicate and a direction: ``partnerOf>`` means the first entity of the pair
(in text order) is the subject, ``partnerOf<`` the second; ``none`` means no relation.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.normalise import fold, stem

MODEL_FILE = Path(__file__).with_name("models") / "relations.json"
#: The same kind of model for amounts and dates: which entity, if any, a value is of, and as what
#: (budget, allocation, start, deadline ...).
VALUE_MODEL_FILE = MODEL_FILE.with_name("values.json")
NONE = "none"

_WORD = re.compile(r"[^\W_]+")
_NEGATION = re.compile(r"(?<![\w])(?:nu|n-a|n-au|nici|not|no longer|never|fara|without|respins\w*|rejected)(?![\w])")
_PLAN = re.compile(r"(?<![\w])(?:va|vor|ar\s+urma|urmeaza|intentioneaza|planific\w*|will|plans?\s+to|intends?|"
                   r"in\s+evaluare|pending|estimat\w*|candidat\w*|ar\s+putea|ar\s+dori)(?![\w])")
_NEAR_PROJECT = 600  # characters back to a project a sentence without one may be about
_MAX_BETWEEN = 14  # words between two entities past which a pair says nothing about them


@dataclass(frozen=True)
class Span:
    """What the model needs of an entity mention: where it is and what type it has."""

    start: int
    end: int
    type: str | None


def _stems(text: str) -> list[str]:
    return [stem(w)[:7] for w in _WORD.findall(fold(text))]


def pair_features(text: str, sentence: tuple[int, int], a: Span, b: Span, between_nodes: int,
                  cross: bool = False) -> dict[str, float]:
    """The features of the pair (a, b), a before b, within a sentence (or a project named
    outside it when ``cross``: then the sentence's words and its list heading speak)."""
    ta, tb = a.type or "Unknown", b.type or "Unknown"
    f: dict[str, float] = {f"ta={ta}": 1.0, f"tb={tb}": 1.0, f"tt={ta}|{tb}": 1.0, "bias": 1.0}
    sentence_text = text[sentence[0]:sentence[1]]
    if cross:
        f["cross"] = 1.0
        for w in set(_stems(sentence_text)):
            f[f"s={w}"] = 1.0
        for w in set(_stems(heading(text, sentence[0]))):
            f[f"h={w}"] = 1.0
        return f
    between = _stems(text[a.end:b.start])
    if len(between) > _MAX_BETWEEN:
        f["far"] = 1.0
    for w in between[:_MAX_BETWEEN]:
        f[f"w={w}"] = 1.0
    for w in between[:3]:
        f[f"w0={w}"] = 1.0
    for w in _stems(text[max(sentence[0], a.start - 60):a.start])[-3:]:
        f[f"pre={w}"] = 1.0
    for w in _stems(text[b.end:min(sentence[1], b.end + 60)])[:3]:
        f[f"post={w}"] = 1.0
    for w in set(_stems(sentence_text)):
        f[f"s={w}"] = 0.5
    f[f"nb={min(between_nodes, 3)}"] = 1.0
    f[f"len={min(len(between) // 3, 4)}"] = 1.0
    folded = fold(sentence_text)
    if _NEGATION.search(folded):
        f["negation"] = 1.0
    if _PLAN.search(folded):
        f["plan"] = 1.0
    return f


_HEADING = re.compile(r"[^\n]*:[ \t]*$")
_ITEM = re.compile(r"[ \t]*(?:[-–•▪●◦*»>]|\d{1,2}[.)]|\|)")


def heading(text: str, start: int) -> str:
    """The heading a list item or table row stands under ("Parteneri:", a table's header
    row): the nearest line above it in its paragraph that ends with a colon or is a row too."""
    line_start = text.rfind("\n", 0, start) + 1
    if not _ITEM.match(text, line_start):
        return ""
    paragraph_start = text.rfind("\n\n", 0, line_start) + 2
    lines = text[max(paragraph_start, 0):line_start].splitlines()
    return next((line for line in reversed(lines) if _HEADING.match(line)), lines[0] if lines else "")


def candidate_pairs(text: str, sentences: Sequence[tuple[int, int]], spans: Sequence[Span],
                    main: Span | None = None) -> Iterable[tuple[int, int, dict[str, float]]]:
    """(index of a, index of b, features) for every pair of entities in one sentence, and for
    each entity of a sentence without a project paired with the project named last before it
    (close by), else the document's main project."""
    order = sorted(range(len(spans)), key=lambda i: spans[i].start)
    starts = [spans[i].start for i in order]
    main_index = next((i for i, s in enumerate(spans) if main is not None and s == main), None)
    projects = [i for i in order if spans[i].type in ("Project", "Network")]
    lo = 0
    for sentence in sentences:
        while lo < len(starts) and starts[lo] < sentence[0]:
            lo += 1
        hi = lo
        while hi < len(starts) and starts[hi] < sentence[1]:
            hi += 1
        inside = order[lo:hi]
        for x, i in enumerate(inside):
            for y in range(x + 1, len(inside)):
                j = inside[y]
                if spans[i].end > spans[j].start:
                    continue
                yield i, j, pair_features(text, sentence, spans[i], spans[j], y - x - 1)
        if any(spans[i].type in ("Project", "Network") for i in inside):
            continue
        before = [i for i in projects if sentence[0] - _NEAR_PROJECT < spans[i].end <= sentence[0]]
        project = before[-1] if before else main_index
        if project is None or project in inside:
            continue
        for i in inside:
            a, b = (i, project) if spans[i].start < spans[project].start else (project, i)
            yield a, b, pair_features(text, sentence, spans[a], spans[b], 0, cross=True)


def value_pairs(text: str, sentences: Sequence[tuple[int, int]], values: Sequence[Span],
                spans: Sequence[Span], main: Span | None = None) -> Iterable[tuple[int, int, dict[str, float]]]:
    """(index of a value, index of an entity, features) for each amount or date and each entity
    of its sentence, and the document's main project when the sentence names no project."""
    for v, value in enumerate(values):
        sentence = next((x for x in sentences if x[0] <= value.start < x[1]), None)
        if sentence is None:
            continue
        inside = [i for i, e in enumerate(spans) if sentence[0] <= e.start < sentence[1]
                  and (e.end <= value.start or e.start >= value.end)]
        for i in inside:
            a, b = (spans[i], value) if spans[i].start < value.start else (value, spans[i])
            between = sum(1 for j in inside if a.end <= spans[j].start and spans[j].end <= b.start)
            features = pair_features(text, sentence, a, b, between)
            features["entity_first" if a is spans[i] else "value_first"] = 1.0
            yield v, i, features
        if main is not None and not any(spans[i].type in ("Project", "Network", "Call") for i in inside):
            m = spans.index(main)
            features = pair_features(text, sentence, value, value, 0)
            features["main"] = 1.0
            features[f"tm={main.type}"] = 1.0
            yield v, m, features


class RelationModel:
    """Weights of a multinomial logistic regression over sparse named features."""

    def __init__(self, labels: list[str], features: dict[str, int], weights: np.ndarray,
                 intercept: np.ndarray, threshold: float) -> None:
        self.labels, self.features = labels, features
        self.weights, self.intercept, self.threshold = weights, intercept, threshold

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> RelationModel | None:
        """The shipped model, or None when there is none (extraction then uses its rules alone)."""
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["labels"], {name: i for i, name in enumerate(data["features"])},
                   np.array(data["weights"], dtype=float), np.array(data["intercept"], dtype=float),
                   float(data["threshold"]))

    def save(self, path: Path, trained_on: list[str]) -> None:
        names = sorted(self.features, key=self.features.get)
        data = {
            "about": "citykg relation classifier: multinomial logistic regression over pair features "
                     "(ingest/relation_model.py); trained by scripts/train_relation_model.py",
            "trained_on": trained_on, "threshold": self.threshold, "labels": self.labels,
            "features": names, "intercept": [round(float(v), 5) for v in self.intercept],
            "weights": [[round(float(v), 5) for v in row] for row in self.weights],
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")

    def classify(self, features: dict[str, float]) -> tuple[str, float]:
        """The most likely label and its probability."""
        scores = self.intercept.copy()
        for name, value in features.items():
            column = self.features.get(name)
            if column is not None:
                scores += self.weights[:, column] * value
        top = int(np.argmax(scores))
        total = sum(math.exp(s - scores[top]) for s in scores)
        return self.labels[top], 1.0 / total


def train(examples: list[tuple[dict[str, float], str]], threshold: float = 0.5, c: float = 1.0) -> RelationModel:
    """Fit the model on labelled pairs (needs scikit-learn, a training-time dependency only)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([f for f, _ in examples])
    y = [label for _, label in examples]
    fit = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(x, y)
    labels = [str(label) for label in fit.classes_]
    weights, intercept = fit.coef_, fit.intercept_
    if len(labels) == 2:  # binary: scikit-learn keeps one row; the model wants one per label
        weights = np.vstack([-weights[0], weights[0]]) / 2
        intercept = np.array([-intercept[0], intercept[0]]) / 2
    return RelationModel(labels, dict(vectorizer.vocabulary_), weights, intercept, threshold)
