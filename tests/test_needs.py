"""Understanding needs: our own phrasings (typos, shorthand, whole sentences, two needs).

Written apart from ../shared/examples/needs.tsv so that the vocabulary is not tuned to it.
Each case: what a worker may type, kinds of which one must be in the best three, and
thématiques (or "category--*") of which one must be in the best three ("" = no check).
"""

from __future__ import annotations

import pytest

from store import kinds
from store.needs import (
    VocabularyError,
    content_words,
    interpret,
    parse_vocabulary,
    theme_matches,
    vocabulary,
)
from store.vocab.thematiques import THEMATIQUES

ADM = "difficultes-administratives-ou-juridiques--"

CASES = [
    # work words that are not a job search
    ("harcèlement au travail", "point-justice|cidff", ADM + "*"),
    ("accident du travail", "cpam", ""),
    # shorthand and acronyms
    ("dossier apl", "caf", ADM + "*"),
    ("RSA", "caf", ADM + "accompagnement-pour-lacces-aux-droits"),
    ("AAH", "mdph", "sante--constituer-un-dossier-mdph-invalidite"),
    ("renouvellement CSS", "cpam", "sante--acces-aux-soins"),
    ("ANTS carte grise", "france-services", ADM + "accompagnement-aux-demarches-administratives"),
    ("appeler le 115", "hebergement", "logement-hebergement--*"),
    ("cours FLE", "langue-francaise", "lecture-ecriture-calcul--maitriser-le-francais"),
    ("ASL pour une maman", "langue-francaise", "lecture-ecriture-calcul--*"),
    ("refaire son CV", "france-travail|mission-locale", "preparer-sa-candidature--*"),
    ("rdv CPAM", "cpam", ""),
    (
        "inscription pole emploi",
        "france-travail",
        "trouver-un-emploi--*|preparer-sa-candidature--*",
    ),
    ("PCB", "point-conseil-budget", "difficultes-financieres--*"),
    # typos and missing accents
    ("epicerie solidair", "epicerie-solidaire", "equipement-et-alimentation--alimentation"),
    ("surendetement", "point-conseil-budget", "difficultes-financieres--*"),
    ("vetement pour bebe", "vestiaire", "equipement-et-alimentation--habillement"),
    ("hebergment d'urgence", "hebergement", "logement-hebergement--*"),
    ("ecrivin public", "ecrivain-public", ADM + "*"),
    ("alphabetisaton", "langue-francaise", "lecture-ecriture-calcul--maitriser-le-francais"),
    ("violance conjugale", "cidff", "famille--surmonter-conflits-separation-violence"),
    ("aide alimantaire", "aide-alimentaire", "equipement-et-alimentation--alimentation"),
    ("psycologue", "sante", "sante--sante-mentale"),
    ("DÉCLARATION DES IMPÔTS", "france-services|pimms", ADM + "*"),
    # everyday phrasings and whole sentences
    (
        "on n'a plus rien dans le frigo",
        "aide-alimentaire|epicerie-solidaire",
        "equipement-et-alimentation--alimentation",
    ),
    ("il dort dans sa voiture depuis une semaine", "hebergement", "logement-hebergement--*"),
    (
        "elle a reçu une lettre d'expulsion de son propriétaire",
        "logement|point-justice|ccas",
        "logement-hebergement--*",
    ),
    ("son mari la frappe", "cidff", "famille--surmonter-conflits-separation-violence"),
    ("il ne comprend pas les courriers de la CAF", "caf|ecrivain-public", ADM + "*"),
    (
        "elle ne parle pas bien français",
        "langue-francaise",
        "lecture-ecriture-calcul--maitriser-le-francais",
    ),
    ("il voudrait arrêter de boire", "addictologie", "sante--addictions"),
    (
        "besoin d'un frigo pas cher pour le nouvel appartement",
        "ressourcerie",
        "equipement-et-alimentation--electromenager",
    ),
    (
        "sa mère ne peut plus rester seule chez elle",
        "ccas|centre-social",
        "famille--*|remobilisation--lien-social",
    ),
    ("le fils de 17 ans a quitté le lycée", "mission-locale", ""),
    ("elle veut ouvrir un compte en banque", "point-conseil-budget", "difficultes-financieres--*"),
    ("on lui a coupé l'électricité", "pimms|ccas", "difficultes-financieres--*"),
    ("il a perdu son passeport", "france-services|mairie", ADM + "*"),
    ("besoin d'un avocat pour le divorce", "point-justice|cidff", ADM + "*|famille--*"),
    (
        "elle cherche une crèche pour reprendre le travail",
        "centre-social|caf",
        "famille--garde-denfants",
    ),
    ("il n'a pas d'ordinateur ni internet", "mediation-numerique", "numerique--*"),
    ("payer le permis de conduire", "mobilite", "mobilite--*"),
    ("elle a des angoisses la nuit", "sante", "sante--sante-mentale"),
    ("demande d'asile", "accueil-exiles", ADM + "*"),
    (
        "veut devenir bénévole",
        "centre-social|association",
        "remobilisation--benevolat-action-citoyenne",
    ),
    ("créer une micro-entreprise", "france-travail|association", "creer-une-entreprise--*"),
    ("pas de chauffage cet hiver, facture EDF impayée", "pimms|ccas", "difficultes-financieres--*"),
    # met during the field review (each was missed or misranked before)
    ("pims", "pimms", ADM + "*"),
    ("elle veut se pacser", "mairie", ADM + "*"),
    ("dossier de mariage", "mairie", ADM + "*"),
    ("inscription sur les listes électorales", "mairie", ""),
    ("demande d'aide sociale", "ccas", ""),
    ("un écrivain pour sa lettre", "ecrivain-public", ADM + "*"),
    ("il n'a pas d'ordi", "mediation-numerique", "numerique--*"),
    ("complémentaire santé", "cpam", "sante--acces-aux-soins"),
    ("elle attend un bébé", "service-social-departemental|caf", "famille--*"),
    ("plus de couches pour le petit", "aide-alimentaire|epicerie-solidaire", ""),
]

# Where the first kind must come before the second (the worker's usual answer first).
ORDER = [
    ("aide sociale", "ccas", "france-services"),
    ("inscription liste électorale", "mairie", "france-services"),
]
# A kind that must be among the best three, not only the obvious one.
ALSO = [
    ("domiciliation", "mairie"),  # the CCAS is reached at the town hall
    ("CCAS", "mairie"),
    ("permis de conduire", "france-services"),  # renewing it goes through ANTS
]

TWO_NEEDS = [
    (
        "elle n'a plus rien à manger et doit refaire ses papiers",
        "equipement-et-alimentation--alimentation",
        ADM + "accompagnement-aux-demarches-administratives",
    ),
    (
        "dettes de loyer et il cherche du travail",
        "logement-hebergement--reduire-les-impayes-de-loyer",
        "trouver-un-emploi--repondre-a-des-offres-demploi",
    ),
    (
        "besoin de vêtements pour l'entretien d'embauche",
        "equipement-et-alimentation--habillement",
        "trouver-un-emploi--convaincre-un-recruteur-en-entretien",
    ),
]


def _ok_kind(expected: str, found: list[str]) -> bool:
    return any(k in found for k in expected.split("|"))


def _ok_theme(expected: str, found: list[str]) -> bool:
    return not expected or any(theme_matches(w, c) for w in expected.split("|") for c in found)


def test_at_least_forty_own_phrasings() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize(("text", "kind", "theme"), CASES, ids=[c[0] for c in CASES])
def test_own_phrasings(text: str, kind: str, theme: str) -> None:
    result = interpret(text)
    top_kinds, top_themes = result.top_kinds(), result.top_thematiques()
    assert _ok_kind(kind, top_kinds), (top_kinds, result.matched)
    assert _ok_theme(theme, top_themes), (top_themes, result.matched)


@pytest.mark.parametrize(("text", "first", "second"), TWO_NEEDS)
def test_a_sentence_with_two_needs_returns_both(text: str, first: str, second: str) -> None:
    themes = [code for code, _ in interpret(text).thematiques]
    assert first in themes and second in themes, themes


def test_scores_are_ranked_and_bounded() -> None:
    result = interpret("colis alimentaire")
    scores = [s for _, s in result.kinds] + [s for _, s in result.thematiques]
    assert all(0 < s <= 1 for s in scores)
    assert [s for _, s in result.kinds] == sorted((s for _, s in result.kinds), reverse=True)
    assert result.kinds[0][0] == "aide-alimentaire"
    assert result.matched and result.matched[0][1] == "colis alimentaire"


def test_unknown_or_empty_text_recognises_nothing() -> None:
    assert interpret("").empty
    assert interpret("   ").empty
    assert interpret("zzzz qwerty").empty
    assert interpret("de la pour").empty


def test_small_words_alone_do_not_match_by_typo() -> None:
    # "caf" is known; "cas" or "ca" must not become it.
    assert "caf" not in interpret("dans ce cas").top_kinds(6)


def test_a_word_being_typed_is_understood() -> None:
    assert "equipement-et-alimentation--alimentation" in interpret("alimen").top_thematiques()


def test_longer_phrase_wins_over_the_word_inside_it() -> None:
    # "lettre de motivation" is about a job application, not a letter to the administration.
    result = interpret("lettre de motivation")
    assert "ecrivain-public" not in result.top_kinds()


def test_accents_and_case_do_not_matter() -> None:
    assert interpret("ÉPICERIE SOCIALE").kinds == interpret("epicerie sociale").kinds


def test_vocabulary_targets_all_exist_and_cover_every_kind() -> None:
    vocab = vocabulary()
    targets = {t for p in vocab.phrases for t, _ in p.targets}
    for target in targets:
        prefix, _, value = target.partition(":")
        assert value in (kinds.BY_SLUG if prefix == "k" else THEMATIQUES)
    named_kinds = {t[2:] for t in targets if t.startswith("k:")}
    assert named_kinds >= set(kinds.BY_SLUG) - {"autre"}
    named_themes = {t[2:] for t in targets if t.startswith("t:")}
    assert named_themes == set(THEMATIQUES)


def test_a_bad_vocabulary_line_is_reported_with_its_line() -> None:
    with pytest.raises(VocabularyError, match="ligne 2"):
        parse_vocabulary("# comment\nrepas\tk:nimporte-quoi\n")
    with pytest.raises(VocabularyError, match="tabulation"):
        parse_vocabulary("repas k:aide-alimentaire\n")


def test_content_words_fold_and_drop_small_words() -> None:
    assert content_words("Les Papiers de l'État") == ["papier", "etat"]


def test_vocabulary_is_compiled_once() -> None:
    assert vocabulary() is vocabulary()


@pytest.mark.parametrize(("text", "first", "second"), ORDER)
def test_usual_answer_comes_first(text: str, first: str, second: str) -> None:
    found = [k for k, _ in interpret(text).kinds]
    assert first in found
    assert second not in found or found.index(first) < found.index(second), found


@pytest.mark.parametrize(("text", "kind"), ALSO)
def test_second_answer_is_among_the_best_three(text: str, kind: str) -> None:
    assert kind in interpret(text).top_kinds(3)
