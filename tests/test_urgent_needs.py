"""Urgent needs name their national lines, and typos never turn one need into another.

Our own sentences, in the shapes of ../shared/examples/appointments.md (not its exact cases
only): what a worker types in a hurry, with the typos they make.
"""

from __future__ import annotations

import pytest

from store.needs import Vocabulary, interpret, parse_vocabulary, vocabulary

SHELTER, COUPLE, CHILD, SUICIDE = "115", "3919", "119", "3114"

# (typed, the lines that must come first, in order, urgent?)
URGENT = [
    # appointments.md
    ("on dort dehors ce soir avec mes 2 enfant", ["115"], True),
    ("elle dort dehors ce soir", ["115"], True),
    ("mon mari me frape, j'ai peur de rentrer", ["3919", "17"], True),
    ("elle dit qu'elle veut en finir, idées noires", ["3114", "15"], True),
    ("je crois que l'enfant de la voisine est maltraité", ["119"], True),
    # our own, with typos
    ("on dor dehors ce soir", ["115"], True),
    ("elle dort dehor avec son bebe", ["115"], True),
    ("ils dorment dans leur voiture", ["115"], True),
    ("on dort dans la voiture", ["115"], True),
    ("elle est à la rue depuis hier", ["115"], True),
    ("ne sait pas où coucher ce soir", ["115"], True),
    ("SDF", ["115"], True),
    ("mon conjoint me tappe", ["3919", "17"], True),
    ("il me bat", ["3919", "17"], True),
    ("il frapait sa femme", ["3919", "17"], True),
    ("elle a des bleus sur les bras", ["3919", "17"], True),
    ("violée par un inconnu", ["3919", "17"], True),
    ("ele veut en finr", ["3114", "15"], True),
    ("idée noir depuis une semaine", ["3114", "15"], True),
    ("son fils se scarifi", ["3114", "15"], True),
    ("il veut mourrir", ["3114", "15"], True),
    ("l'enfant est maltaité", ["119"], True),
    ("enfant en dangé", ["119"], True),
    ("ma grand-mère âgée maltraitée à l'ehpad", ["3977"], True),
    ("il menace de la tuer", ["3919", "17"], True),
    ("elle a peur qu'il la tue", ["3919", "17"], True),
    ("il la force à avoir des rapports", ["3919", "17"], True),
    ("mari violant", ["3919", "17"], True),
    ("violances conjugales", ["3919", "17"], True),
    ("elle se fait batre", ["3919", "17"], True),
    ("il veut se tuer", ["3114", "15"], True),
    ("idées suicidères", ["3114", "15"], True),
    ("il a avalé des médicaments", ["15"], True),
    ("son fils de 15 ans a fugué", ["119"], True),
    ("expulsée ce matin avec ses enfants", ["115"], True),
    ("hebergement d urgense", ["115"], True),
    ("mise à la porte par ses parents", ["115"], True),
    ("sans logement ce soir", ["115"], True),
    ("il a fait une TS", ["3114", "15"], True),
    ("il la séquestre", ["3919", "17"], True),
    ("elle a peur de son ex", ["3919", "17"], True),
    ("mon ex me harcèle et me menace", ["3919", "17"], True),
    ("elle se fait violenter", ["3919", "17"], True),
    ("maltraitance d'une personne handicapée", ["3977"], True),
]

# needs that have a national line without being an emergency
LINED = [
    ("victime d'un vol à l'arraché", ["116006"]),
    ("harcelé au collège", ["3018"]),
    ("cyberharcèlement sur snapchat", ["3018"]),
    ("il fume du cannabis tous les jours", ["0800231313"]),
    ("ado mal dans sa peau", ["0800235236"]),
    ("il ne peut plus payer le loyer", ["0805160075"]),
]


@pytest.mark.parametrize(("typed", "expected", "urgent"), URGENT)
def test_urgent_sentences_name_their_lines_first(
    typed: str, expected: list[str], urgent: bool
) -> None:
    result = interpret(typed)
    keys = [ref.key for ref in result.lines]
    assert keys[: len(expected)] == expected, (typed, result.matched)
    assert result.urgent is urgent
    assert not result.empty


@pytest.mark.parametrize(("typed", "expected"), LINED)
def test_needs_with_a_national_line(typed: str, expected: list[str]) -> None:
    result = interpret(typed)
    assert [ref.key for ref in result.lines] == expected, (typed, result.matched)
    assert not result.urgent


def test_violence_seen_by_children_names_both_lines() -> None:
    keys = [ref.key for ref in interpret("il la frape devant les enfants").lines]
    assert set(keys) == {"3919", "119", "17"} and keys[-1] == "17"


def test_urgent_lines_come_before_the_lines_of_other_needs() -> None:
    keys = [ref.key for ref in interpret("il boit et il devient violent").lines]
    assert keys == ["3919", "17", "0800231313"]


def test_the_danger_line_is_marked_as_such() -> None:
    refs = interpret("il me frappe").lines
    assert [(r.key, r.when_in_danger) for r in refs] == [("3919", False), ("17", True)]


# Confusable pairs: (typed, what it must be read as, what it must never be read as).
# A reading is a kind ("k:…") among the best three, or a national line ("l:…").
CONFUSABLE = [
    ("mon mari me frape", "l:3919", "k:vestiaire"),
    ("cherche une fripe pour l'hiver", "k:vestiaire", "l:3919"),
    ("une frippe pour enfant", "k:vestiaire", "k:cidff"),
    ("la caf m'a coupé le rsa", "k:caf", "k:cidff"),
    ("problème de couple", "k:cidff", "k:caf"),
    ("on m'a coupée l'électricité", "k:pimms", "k:cidff"),
    ("il me tape dessus", "l:3919", "k:ecrivain-public"),
    ("taper un courrier", "k:ecrivain-public", "l:3919"),
    ("où coucher ce soir", "l:115", "k:aide-alimentaire"),
    ("couches pour bébé", "k:aide-alimentaire", "l:115"),
    ("il veut mourir", "l:3114", "k:aide-alimentaire"),
    ("nourrir sa famille", "k:aide-alimentaire", "l:3114"),
    ("violée", "l:3919", "l:116006"),
    ("volée dans le métro", "l:116006", "l:3919"),
    ("enfant maltraité", "l:119", "l:3977"),
    ("personne âgée maltraitée", "l:3977", "l:119"),
    ("des bleus partout", "l:3919", "k:point-conseil-budget"),
    ("carte bleue bloquée", "k:point-conseil-budget", "l:3919"),
    ("elle a cassé ses lunettes", "k:sante", "k:france-services"),
    ("caisse de retraite", "k:france-services", "k:sante"),
    ("soupe populaire", "k:aide-alimentaire", "k:cidff"),
    ("il doit finir sa formation", "k:mission-locale", "l:3114"),
    ("je pense déménager", "k:logement", "l:3114"),
]


def _readings(typed: str) -> set[str]:
    result = interpret(typed)
    return {f"k:{k}" for k in result.top_kinds(3)} | {f"l:{r.key}" for r in result.lines}


@pytest.mark.parametrize(("typed", "wanted", "never"), CONFUSABLE)
def test_a_typo_never_flips_a_need(typed: str, wanted: str, never: str) -> None:
    readings = _readings(typed)
    assert wanted in readings, (typed, interpret(typed).matched)
    assert never not in readings, (typed, interpret(typed).matched)


def test_everyday_words_are_not_typos() -> None:
    # Words close to a vocabulary word but meaning something else are read as themselves.
    for typed in ("couper", "coupée", "coupaient", "coucher", "crier", "cassé", "taper"):
        assert interpret(typed).empty, (typed, interpret(typed).matched)


@pytest.mark.parametrize(
    "typed",
    # words of structures' own texts that were read as an urgent need, one edit away from
    # excision, mutile, tape, séquestre, emprise, tapent, maltraiter, inconsciente, volé, inceste
    [
        "exclusion",
        "précision",
        "décision",
        "utile",
        "multiple",
        "étape",
        "semestre",
        "reprise",
        "talent",
        "traiter",
        "conscience",
        "volume",
        "évolue",
        "bricolage",
        "investie",
        "attire",
    ],
)
def test_everyday_words_never_raise_a_national_line(typed: str) -> None:
    result = interpret(typed)
    assert not result.lines and not result.urgent, (typed, result.matched)


def test_a_typo_as_close_to_two_needs_is_not_guessed() -> None:
    two_needs = Vocabulary(parse_vocabulary("maison\tk:logement\nmaisin\tk:point-justice\n"))
    assert two_needs.lookup("maisan") == ()
    one_need = Vocabulary(parse_vocabulary("maison\tk:logement\nmaisin\tk:logement\n"))
    assert [w for w, _ in one_need.lookup("maisan")] == ["maisin", "maison"]


def test_a_typo_keeps_its_first_letter() -> None:
    vocab = Vocabulary(parse_vocabulary("mutile\tk:sante\nhebergement\tk:hebergement\n"))
    assert vocab.lookup("utile") == ()  # an everyday word, not "mutile" without its m
    assert [w for w, _ in vocab.lookup("ebergement")] == ["hebergement"]  # silent h
    assert [w for w, _ in vocab.lookup("mutle")] == ["mutile"]


def test_a_typo_as_close_to_an_everyday_word_is_not_corrected() -> None:
    phrases = parse_vocabulary("tenue\tk:vestiaire\n")
    assert [w for w, _ in Vocabulary(phrases).lookup("tanue")] == ["tenue"]
    assert Vocabulary(phrases, known=["tonue"]).lookup("tanue") == ()
    # conjugated forms of an everyday -er verb are that verb
    assert Vocabulary(phrases, known=["tenuer"]).lookup("tenuee") == ()
    assert [w for w, _ in Vocabulary(phrases).lookup("tenuee")] == ["tenue"]


def _one_typo_away(word: str) -> set[str]:
    """A letter dropped, doubled, or swapped with the next (never the first or last letter)."""
    found = set()
    for i in range(1, len(word) - 1):
        found |= {
            word[:i] + word[i + 1 :],
            word[:i] + word[i] + word[i:],
            word[:i] + word[i + 1] + word[i] + word[i + 2 :],
        }
    return found


def test_single_typos_of_vocabulary_words_do_not_read_another_need() -> None:
    """Every one-word phrase of 6 letters or more, each typo one edit away: the typo is read as
    its own need or not at all, almost never as another need (before this rule: 601 of 7 111)."""
    vocab = vocabulary()
    mains: dict[str, set[str]] = {}
    for phrase in vocab.phrases:
        if phrase.targets:
            mains.setdefault(phrase.text, set()).add(phrase.targets[0].name)
    words = {
        p.words[0]
        for p in vocab.phrases
        if len(p.words) == 1 and len(p.words[0]) >= 6 and p.concept < 100_000 and p.targets
    }
    total, unread, other = 0, 0, []
    for word in sorted(words):
        own = vocab.need_of(word)
        for typo in sorted(_one_typo_away(word) - set(vocab.by_word)):
            total += 1
            readings = interpret(typo).matched
            if not readings:
                unread += 1
            elif set().union(*(mains[r.phrase] for r in readings)) - own:
                other.append((word, typo, readings))
    assert total > 5000
    assert len(other) <= total // 1000, other
    assert unread <= total // 50
