"""Understanding a need typed in the worker's words: which kinds of structures, which thématiques.

The vocabulary is data (`store/vocab/needs.tsv`): each line maps phrases ("colis alimentaire",
"dossier apl", "115") to kinds and v1 thématiques with weights. Matching folds accents, drops
small words, tolerates typos (rapidfuzz on each word) and finds several needs in one sentence.
The vocabulary is compiled once per process; a call costs about a millisecond.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from rapidfuzz import fuzz, process

from . import kinds
from .lines import LineRef, by_key
from .text import normalize
from .vocab.thematiques import THEMATIQUES

VOCAB_FILE = "vocab/needs.tsv"
KNOWN_WORDS_FILE = "vocab/mots_courants.txt"  # everyday words that are not needs, nor typos
LABEL_WEIGHT = 0.8  # the v1 labels themselves ("Accès aux soins") are phrases too
PROPAGATION = 0.3  # kinds implied by thématiques (and back) when the vocabulary gives none
EVIDENCE = 0.85  # one exact phrase gives 0.85; two independent ones about 0.98
MAX_SPAN_EXTRA = 2  # words allowed between the words of a phrase

STOPWORDS = frozenset(
    [
        "a",
        "ai",
        "as",
        "au",
        "aux",
        "avec",
        "avoir",
        "besoin",
        "c",
        "ca",
        "car",
        "ce",
        "cela",
        "ces",
        "cet",
        "cette",
        "chez",
        "dans",
        "de",
        "des",
        "doit",
        "dois",
        "du",
        "elle",
        "elles",
        "en",
        "est",
        "et",
        "etre",
        "fait",
        "faut",
        "il",
        "ils",
        "j",
        "je",
        "l",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "m",
        "ma",
        "mais",
        "me",
        "mes",
        "moi",
        "mon",
        "n",
        "ne",
        "nous",
        "on",
        "ont",
        "ou",
        "par",
        "plus",
        "pour",
        "qu",
        "que",
        "qui",
        "s",
        "sa",
        "se",
        "ses",
        "si",
        "son",
        "sur",
        "t",
        "ta",
        "te",
        "tes",
        "ton",
        "tres",
        "trop",
        "tu",
        "un",
        "une",
        "vous",
        "y",
        "madame",
        "monsieur",
        "mme",
        "mr",
        "mlle",
    ]
)


class VocabularyError(ValueError):
    """A line of the vocabulary file names an unknown kind or thématique."""


def stem(word: str) -> str:
    """Drop a plural mark so that "papiers" meets "papier"."""
    if len(word) > 3 and word[-1] in "sx" and not word.isdigit():
        return word[:-1]
    return word


def content_words(text: str | None) -> list[str]:
    return [stem(w) for w in normalize(text).split() if w not in STOPWORDS]


class Target(NamedTuple):
    """A kind or thématique a phrase points to: ("k:pimms", 1.0), ("t:sante--addictions", 0.6)."""

    name: str
    weight: float


class Scored(NamedTuple):
    """A kind slug or thématique code recognised in a need, with its score in [0, 1]."""

    code: str
    score: float


class Reading(NamedTuple):
    """How typed words were read: ("frape", "frappe")."""

    typed: str
    phrase: str


@dataclass(frozen=True)
class Phrase:
    text: str  # as written in the vocabulary
    concept: int  # the vocabulary line: phrases of one line count once
    words: tuple[str, ...]
    targets: tuple[Target, ...]
    lines: tuple[LineRef, ...] = ()  # national lines for this need ("l:3919", "danger:17")
    urgent: bool = False  # a need of tonight or of danger: its lines are never left out


@dataclass
class Interpretation:
    text: str
    kinds: list[Scored] = field(default_factory=list)  # best first
    thematiques: list[Scored] = field(default_factory=list)  # best first
    matched: list[Reading] = field(default_factory=list)
    lines: list[LineRef] = field(default_factory=list)  # in the order the needs were typed
    urgent: bool = False

    @property
    def empty(self) -> bool:
        return not self.kinds and not self.thematiques and not self.lines

    def top_kinds(self, n: int = 3) -> list[str]:
        return [k.code for k in self.kinds[:n]]

    def top_thematiques(self, n: int = 3) -> list[str]:
        return [t.code for t in self.thematiques[:n]]


# Verb endings under which an everyday -er verb of the known-words list is still itself:
# "coupé", "coupée", "coupait", "coupent" are all "couper" (plural marks are already gone).
_ER_ENDINGS = ("er", "e", "ee", "ez", "ons", "ent", "ais", "ait", "aient", "ant", "a", "ai")
TIE = 0.005
VOWELS = frozenset("aeiouy")  # similarities this close are the same distance


def _initial(word: str) -> str:
    return word[1:2] if word[:1] == "h" and word[1:2] in VOWELS else word[:1]


def _is_known(word: str, known: frozenset[str]) -> bool:
    if word in known:
        return True
    return any(
        word.endswith(ending)
        and len(word) > len(ending) + 2
        and word[: -len(ending)] + "er" in known
        for ending in _ER_ENDINGS
    )


class Vocabulary:
    """The compiled vocabulary: phrases indexed by word, the sorted list of vocabulary words,
    and the everyday words that are read as themselves, never as typos."""

    def __init__(self, phrases: Iterable[Phrase], known: Iterable[str] = ()) -> None:
        self.phrases = list(phrases)
        self.by_word: dict[str, list[int]] = {}
        for index, phrase in enumerate(self.phrases):
            for word in set(phrase.words):
                self.by_word.setdefault(word, []).append(index)
        self.words = sorted(self.by_word)
        self._word_set = frozenset(self.words)
        # A typo keeps its first letter (a silent "h" aside): "utile" is not "mutile", nor
        # "étape" "tape".
        self._by_initial: dict[str, list[str]] = {}
        for word in self.words:
            self._by_initial.setdefault(_initial(word), []).append(word)
        self.known = frozenset(known)  # a vocabulary word is read as such before these
        self._known_by_initial: dict[str, list[str]] = {}
        for word in sorted(self.known - self._word_set):
            self._known_by_initial.setdefault(_initial(word), []).append(word)
        self.lookup = lru_cache(maxsize=8192)(self._lookup)

    def need_of(self, word: str) -> frozenset[str]:
        """What a vocabulary word asks for: the main target of each line it is in."""
        return frozenset(
            self.phrases[i].targets[0][0]
            if self.phrases[i].targets
            else str(self.phrases[i].concept)
            for i in self.by_word.get(word, ())
        )

    def _lookup(self, word: str) -> tuple[tuple[str, float], ...]:
        """Vocabulary words a typed word may stand for, with a similarity in [0, 1].

        A typo is corrected only toward the closest reading: never when the word is an everyday
        word (or one is at least as close), and never when the closest vocabulary words ask for
        different needs ("frape" is *frappe*, one letter away, not *fripe*, two)."""
        if word in self._word_set:
            return ((word, 1.0),)
        if word.isdigit() or len(word) < 4 or _is_known(word, self.known):
            return ()
        found: dict[str, float] = {}
        cutoff = 85 if len(word) == 4 else 80
        same_start = self._by_initial.get(_initial(word), [])
        for candidate, score, _ in process.extract(
            word, same_start, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8
        ):
            if len(candidate) >= 4:
                found[candidate] = score / 100.0
        # A word being typed: "alimen" -> "alimentation".
        if len(word) >= 5:
            start = bisect.bisect_left(self.words, word)
            for candidate in self.words[start : start + 5]:
                if not candidate.startswith(word):
                    break
                found[candidate] = max(found.get(candidate, 0.0), 0.85)
        if not found:
            return ()
        best = max(found.values())
        everyday = process.extractOne(
            word,
            self._known_by_initial.get(_initial(word), []),
            scorer=fuzz.ratio,
            score_cutoff=best * 100 - TIE * 100,
        )
        if everyday is not None:
            return ()  # an everyday word is as close: not a typo of a need
        closest = [(w, s) for w, s in found.items() if s >= best - TIE]
        needs = [self.need_of(w) for w, _ in closest]
        if any(not (a & b) for a in needs for b in needs):
            return ()  # as close to two different needs: guessing would flip one into the other
        return tuple(sorted(closest, key=lambda item: (-item[1], item[0])))


@dataclass(frozen=True)
class _Targets:
    weighted: tuple[Target, ...]
    lines: tuple[LineRef, ...]
    urgent: bool


def _parse_targets(spec: str, line_no: int) -> _Targets:
    weighted: list[Target] = []
    lines: list[LineRef] = []
    urgent = False
    for item in spec.split():
        name, _, weight_text = item.partition("=")
        prefix, _, value = name.partition(":")
        if item == "urgent":
            urgent = True
        elif prefix in ("l", "danger") and value in by_key() and not weight_text:
            lines.append(LineRef(value, when_in_danger=prefix == "danger"))
        elif (prefix == "k" and value in kinds.BY_SLUG) or (prefix == "t" and value in THEMATIQUES):
            weighted.append(Target(name, float(weight_text) if weight_text else 1.0))
        else:
            raise VocabularyError(f"needs.tsv, ligne {line_no} : cible inconnue « {item} »")
    if urgent:
        lines = [LineRef(ref.key, ref.when_in_danger, urgent=True) for ref in lines]
    return _Targets(tuple(weighted), tuple(lines), urgent)


def parse_vocabulary(text: str) -> list[Phrase]:
    phrases: list[Phrase] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            left, right = line.split("\t")
        except ValueError:
            raise VocabularyError(
                f"needs.tsv, ligne {line_no} : deux colonnes séparées par une tabulation attendues"
            ) from None
        targets = _parse_targets(right, line_no)
        for raw in left.split("|"):
            words = tuple(content_words(raw))
            if words:
                phrases.append(
                    Phrase(
                        raw.strip(),
                        line_no,
                        words,
                        targets.weighted,
                        targets.lines,
                        targets.urgent,
                    )
                )
    for number, (code, theme_label) in enumerate(THEMATIQUES.items(), start=100_000):
        words = tuple(content_words(theme_label))
        if words:
            phrases.append(Phrase(theme_label, number, words, (Target(f"t:{code}", LABEL_WEIGHT),)))
    return phrases


def parse_known_words(text: str) -> list[str]:
    """The everyday words file: one word per line, "#" comments; folded like typed text."""
    return [
        normalize(line)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    package = resources.files("store")
    text = package.joinpath(VOCAB_FILE).read_text(encoding="utf-8")
    known = package.joinpath(KNOWN_WORDS_FILE).read_text(encoding="utf-8")
    return Vocabulary(parse_vocabulary(text), parse_known_words(known))


@dataclass
class _Match:
    phrase: Phrase
    positions: frozenset[int]
    strength: float


def _match_phrases(words: list[str], vocab: Vocabulary) -> list[_Match]:
    # Where each vocabulary word occurs in the text, with its best similarity.
    seen: dict[str, list[tuple[int, float]]] = {}
    for position, word in enumerate(words):
        for candidate, similarity in vocab.lookup(word):
            seen.setdefault(candidate, []).append((position, similarity))
    tried: set[int] = set()
    matches: list[_Match] = []
    for word in seen:
        for index in vocab.by_word[word]:
            if index in tried:
                continue
            tried.add(index)
            phrase = vocab.phrases[index]
            if not all(w in seen for w in phrase.words):
                continue
            positions, sims = [], []
            for w in phrase.words:
                position, similarity = max(seen[w], key=lambda ps: ps[1])
                positions.append(position)
                sims.append(similarity)
            if len(set(positions)) < len(set(phrase.words)):
                continue  # one typed word cannot stand for two words of the phrase
            if max(positions) - min(positions) >= len(phrase.words) + MAX_SPAN_EXTRA:
                continue
            strength = sum(sims) / len(sims)
            matches.append(_Match(phrase, frozenset(positions), strength))
    # A phrase inside a longer matched one says less: "lettre" in "lettre de motivation".
    kept = [m for m in matches if not any(m.positions < o.positions for o in matches)]
    # One match per vocabulary line: its synonyms are one piece of evidence.
    best: dict[int, _Match] = {}
    for m in kept:
        current = best.get(m.phrase.concept)
        if current is None or (m.strength, len(m.positions)) > (
            current.strength,
            len(current.positions),
        ):
            best[m.phrase.concept] = m
    return list(best.values())


def _noisy_or(scores: dict[str, float], key: str, value: float) -> None:
    scores[key] = 1.0 - (1.0 - scores.get(key, 0.0)) * (1.0 - min(value, 1.0))


def _ranked(scores: dict[str, float], minimum: float = 0.05) -> list[Scored]:
    items = [Scored(k, round(v, 3)) for k, v in scores.items() if v >= minimum]
    return sorted(items, key=lambda item: (-item.score, item.code))


def interpret(text: str | None) -> Interpretation:
    """Kinds and thématiques that fit what was typed, best first, with scores in [0, 1]."""
    vocab = vocabulary()
    folded = normalize(text)
    words = content_words(text)
    result = Interpretation(text or "")
    if not words:
        return result
    kind_scores: dict[str, float] = {}
    theme_scores: dict[str, float] = {}
    typed = folded.split()
    typed_content = [w for w in typed if w not in STOPWORDS]
    for match in sorted(_match_phrases(words, vocab), key=lambda m: min(m.positions)):
        for target, weight in match.phrase.targets:
            prefix, _, value = target.partition(":")
            bucket = kind_scores if prefix == "k" else theme_scores
            _noisy_or(bucket, value, EVIDENCE * weight * match.strength)
        result.lines += [ref for ref in match.phrase.lines if ref not in result.lines]
        result.urgent = result.urgent or match.phrase.urgent
        span = " ".join(typed_content[p] for p in sorted(match.positions))
        pair = Reading(span, match.phrase.text)
        if pair not in result.matched:
            result.matched.append(pair)
    result.lines.sort(key=LineRef.priority)  # stable: typed order within each rank
    if kind_scores and not theme_scores:
        for slug, score in list(kind_scores.items()):
            for code in kinds.thematiques_of(slug):
                _noisy_or(theme_scores, code, PROPAGATION * score)
    elif theme_scores and not kind_scores:
        for kind in kinds.KINDS:
            fit = max((theme_scores.get(code, 0.0) for code in kind.thematiques), default=0.0)
            if fit:
                _noisy_or(kind_scores, kind.slug, PROPAGATION * fit)
    result.kinds = _ranked(kind_scores)
    result.thematiques = _ranked(theme_scores)
    return result


def theme_matches(wanted: str, code: str) -> bool:
    """`wanted` may be a full code or "category--*"."""
    if wanted.endswith("--*"):
        return code.startswith(wanted[:-1])
    return wanted == code


def confidence(interpretation: Interpretation) -> float:
    """How sure the interpretation is (the best score), for the UI."""
    best = [s.score for s in interpretation.kinds[:1] + interpretation.thematiques[:1]]
    return max(best) if best else 0.0
