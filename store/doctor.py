"""`aiguillage doctor`: is the store sound? Integrity, schema version, orphans, permissions.

The checks open the file without creating or migrating it: a diagnosis changes nothing
(except with `repair`, which tightens permissions and rebuilds the search index).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .db import Store
from .erase import PENDING_KEY
from .schema import NOTES_APPEND_ONLY_TRIGGER, NOTES_APPEND_ONLY_TRIGGER_NAME, SCHEMA_VERSION

if TYPE_CHECKING:
    import sqlite_utils

OK = "ok"
INFO = "info"
PROBLEM = "problème"

SIDE_SUFFIXES = ("-wal", "-shm", ".sauvegarde")


@dataclass
class Finding:
    check: str  # short English key, stable for scripts
    level: str  # OK, INFO or PROBLEM
    message: str  # French, one line

    def as_json(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Diagnosis:
    path: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.level == PROBLEM]

    @property
    def healthy(self) -> bool:
        return not self.problems

    def add(self, check: str, level: str, message: str) -> None:
        self.findings.append(Finding(check, level, message))

    def advice(self) -> list[str]:
        """What to do, in French, when something is wrong: each line says what the step
        keeps and what it loses. `restore` is advised only when the data itself is damaged."""
        if self.healthy:
            return []
        checks = {f.check for f in self.problems}
        db = f"aiguillage --db '{self.path}'"
        if not self.path.exists():
            return [
                "Vérifiez le chemin (--db ou AIGUILLAGE_DB) : une base vide est créée au "
                "premier lancement d'Aiguillage."
            ]
        lines = []
        if checks & {"permissions"}:
            lines.append(
                f"Droits : « {db} doctor --reparer » les restreint à votre seul compte "
                "(rien n'est perdu)."
            )
        if checks & {"access", "open"}:
            lines.append(
                "Droits : ce compte ne peut pas lire ou écrire la base ou son dossier ; "
                "vérifiez-les ou copiez la base ailleurs (rien n'est perdu)."
            )
        if checks & {"fts"} and not checks & {"integrity", "damaged"}:
            lines.append(
                f"Index de recherche : « {db} doctor --reparer » le reconstruit à partir des "
                "structures (rien n'est perdu)."
            )
        if checks & {"notes"}:
            lines.append(
                f"Protection des notes : « {db} doctor --reparer » la remet (rien n'est perdu)."
            )
        if checks & {"erasure"}:
            lines.append(
                f"Effacement interrompu : « {db} notes purge --older-than 999999j --yes » "
                "(ou un nouvel effacement) le termine ; les autres notes sont gardées."
            )
        if checks & {"wal"}:
            lines.append(
                "Journal WAL : ne supprimez jamais les fichiers -wal et -shm d'une base "
                "ouverte. Fermez toutes les fenêtres d'Aiguillage ; les écritures confirmées "
                "depuis le dernier point de contrôle qui manquent ne peuvent pas être "
                "retrouvées, le reste de la base est gardé."
            )
        if checks & {"schema_newer"}:
            lines.append(
                "Installez la version d'Aiguillage qui a créé cette base (rien n'est perdu)."
            )
        if checks & {"foreign", "schema"}:
            lines.append(
                "Ce fichier n'est pas une base Aiguillage : vérifiez le chemin (--db ou "
                "AIGUILLAGE_DB) ; Aiguillage ne le modifie pas."
            )
        if checks & {"orphans"}:
            lines.append(
                "Éléments orphelins : réimportez le fichier de leur source (aiguillage import "
                "FICHIER) ; notes et favoris sont gardés."
            )
        if checks & {"backup"}:
            lines.append(
                "Sauvegarde endommagée : elle est refaite au prochain import ; la base "
                "elle-même n'est pas touchée."
            )
        if checks & {"integrity", "damaged"}:
            backup = self.path.with_name(self.path.name + ".sauvegarde")
            if backup.exists() and "backup" not in checks:
                lines.append(
                    f"Fichier endommagé : « {db} restore » remet les structures et services de "
                    f"la sauvegarde faite avant le dernier import ({backup}) et garde les "
                    "notes, favoris, réglages et le journal s'ils se relisent (sinon il refuse "
                    "et dit pourquoi) ; il perd les structures importées depuis, à réimporter, "
                    "et conserve l'état remplacé (.avant-restauration)."
                )
            else:
                lines.append(
                    "Fichier endommagé et sans sauvegarde utilisable : gardez une copie du "
                    "fichier, puis recréez la base et réimportez vos fichiers ; les notes "
                    "qui ne se relisent pas sont perdues."
                )
        return lines

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "healthy": self.healthy,
            "findings": [f.as_json() for f in self.findings],
            "advice": self.advice(),
        }


@contextlib.contextmanager
def _open_existing(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to an existing file, never creating it (mode=rw)."""
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, isolation_level=None, timeout=10)
    try:
        yield conn
    finally:
        conn.close()


def diagnose(path: str | os.PathLike[str]) -> Diagnosis:
    path = Path(path)
    diagnosis = Diagnosis(path)
    if not path.exists():
        diagnosis.add("open", PROBLEM, f"{path} : la base n'existe pas.")
        return diagnosis
    if path.is_dir():
        diagnosis.add("open", PROBLEM, f"{path} : est un dossier, pas une base.")
        return diagnosis
    _check_permissions(diagnosis)
    _check_wal(diagnosis)  # before SQLite opens the file and rebuilds its WAL index
    if not os.access(path, os.R_OK):
        diagnosis.add("access", PROBLEM, f"{path} : ce compte ne peut pas lire la base.")
        _check_backup(diagnosis)
        return diagnosis
    try:
        with _open_existing(path) as conn:
            _check_database(conn, diagnosis)
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "malformed" in str(exc):
            diagnosis.add("damaged", PROBLEM, f"la base ne peut pas être lue ({exc}).")
        else:
            diagnosis.add(
                "access", PROBLEM, f"la base ne peut pas être ouverte en écriture ({exc})."
            )
    _check_backup(diagnosis)
    return diagnosis


def _check_wal(diagnosis: Diagnosis) -> None:
    """The WAL index (-shm) says how many frames the WAL holds: a WAL missing, shorter, or
    from another generation means confirmed writes are gone."""
    path = diagnosis.path
    shm = path.with_name(path.name + "-shm")
    wal = path.with_name(path.name + "-wal")
    try:
        header = shm.read_bytes()[:48]
    except OSError:
        return
    if len(header) < 48 or header[12] != 1:
        return
    page = int.from_bytes(header[14:16], sys.byteorder)
    page = 65536 if page == 1 else page
    frames = int.from_bytes(header[16:20], sys.byteorder)
    if frames == 0:
        return
    try:
        wal_head = wal.read_bytes()[:32] if wal.exists() else b""
        wal_size = wal.stat().st_size if wal.exists() else 0
    except OSError:
        return
    if wal_size < 32 + frames * (24 + page):
        diagnosis.add(
            "wal",
            PROBLEM,
            f"le journal {wal.name} manque ou est tronqué alors que {frames} page(s) "
            "confirmée(s) y étaient écrites.",
        )
    elif wal_head[16:24] != header[32:40]:
        diagnosis.add("wal", PROBLEM, f"le journal {wal.name} ne correspond pas à cette base.")


def _check_database(conn: sqlite3.Connection, diagnosis: Diagnosis) -> None:
    rows = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    if rows == ["ok"]:
        diagnosis.add("integrity", OK, "intégrité du fichier vérifiée.")
    else:
        diagnosis.add(
            "integrity", PROBLEM, f"fichier endommagé ({len(rows)} erreur(s) : {rows[0]})."
        )
        return
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        diagnosis.add("foreign", PROBLEM, "ce fichier SQLite n'est pas une base Aiguillage.")
        return
    if version == SCHEMA_VERSION:
        diagnosis.add("schema", OK, f"schéma à jour (version {version}).")
    elif version == 0:
        diagnosis.add("schema", PROBLEM, "ce fichier n'est pas une base Aiguillage (schéma 0).")
        return
    elif version < SCHEMA_VERSION:
        diagnosis.add(
            "schema",
            INFO,
            f"schéma version {version} : il sera mis à jour (version {SCHEMA_VERSION}) "
            "à la prochaine ouverture, notes conservées.",
        )
    else:
        diagnosis.add(
            "schema_newer",
            PROBLEM,
            f"schéma version {version}, plus récent que ce programme ({SCHEMA_VERSION}) : "
            "mettez Aiguillage à jour.",
        )
        return
    _check_orphans(conn, diagnosis)
    _check_fts(conn, diagnosis)
    if NOTES_APPEND_ONLY_TRIGGER_NAME in {t.name for t in _introspect(conn).triggers}:
        diagnosis.add("notes", OK, "notes protégées contre la modification.")
    else:
        diagnosis.add("notes", PROBLEM, "la protection des notes (ajout seulement) a disparu.")
    if conn.execute("SELECT 1 FROM settings WHERE key = ?", (PENDING_KEY,)).fetchone():
        diagnosis.add(
            "erasure",
            PROBLEM,
            "un effacement de notes a été interrompu : le fichier n'a pas encore été réécrit.",
        )


def _introspect(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """sqlite-utils on the store's connection, for reading its schema (no PRAGMA changed)."""
    import sqlite_utils

    return sqlite_utils.Database(conn, recursive_triggers=False)


def _count(conn: sqlite3.Connection, sql: str) -> int:
    return conn.execute(sql).fetchone()[0]


def _check_orphans(conn: sqlite3.Connection, diagnosis: Diagnosis) -> None:
    orphans = {
        "services": (
            "SELECT count(*) FROM services WHERE structure_id NOT IN (SELECT id FROM structures)",
            "service(s) rattaché(s) à aucune structure",
        ),
        "notes": (
            "SELECT count(*) FROM notes WHERE structure_id NOT IN (SELECT id FROM structures)",
            "note(s) dont la structure a disparu",
        ),
        "favorites": (
            "SELECT count(*) FROM favorites WHERE structure_id NOT IN (SELECT id FROM structures)",
            "favori(s) dont la structure a disparu",
        ),
        "versions": (
            "SELECT count(*) FROM notes WHERE replaces IS NOT NULL "
            "AND replaces NOT IN (SELECT id FROM notes)",
            "version(s) de note remplaçant une note absente",
        ),
    }
    if _introspect(conn)["structure_tags"].exists():  # migration 2, the orientation index
        orphans["tags"] = (
            "SELECT count(*) FROM structure_tags WHERE structure_id NOT IN "
            "(SELECT id FROM structures)",
            "étiquette(s) d'orientation sans structure",
        )
    found = False
    for key, (sql, label) in orphans.items():
        count = _count(conn, sql)
        if count:
            found = True
            diagnosis.add("orphans", PROBLEM, f"{count} {label} ({key}).")
    if not found:
        diagnosis.add("orphans", OK, "aucun service, note ou favori orphelin.")


def _check_fts(conn: sqlite3.Connection, diagnosis: Diagnosis) -> None:
    missing = _count(
        conn,
        "SELECT count(*) FROM structures WHERE num NOT IN (SELECT rowid FROM structures_fts)",
    )
    stale = _count(
        conn,
        "SELECT count(*) FROM structures_fts WHERE rowid NOT IN (SELECT num FROM structures)",
    )
    problems = []
    if missing:
        problems.append(f"{missing} structure(s) absente(s) de l'index de recherche")
    if stale:
        problems.append(f"{stale} entrée(s) de l'index sans structure")
    if not problems:
        try:
            conn.execute("INSERT INTO structures_fts(structures_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            problems.append(f"index de recherche incohérent ({exc})")
    if problems:
        diagnosis.add("fts", PROBLEM, " ; ".join(problems) + ".")
    else:
        diagnosis.add("fts", OK, "index de recherche synchronisé.")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _check_permissions(diagnosis: Diagnosis) -> None:
    path = diagnosis.path
    loose = []
    for candidate in (path, *(path.with_name(path.name + s) for s in SIDE_SUFFIXES)):
        if candidate.exists() and _mode(candidate) & 0o077:
            loose.append(f"{candidate.name} ({_mode(candidate):o}, attendu 600)")
    if loose:
        diagnosis.add(
            "permissions",
            PROBLEM,
            "lisible par d'autres comptes de cette machine : " + ", ".join(loose) + ".",
        )
    else:
        diagnosis.add("permissions", OK, "base et sauvegarde réservées à votre compte.")
    directory = path.resolve().parent
    if _mode(directory) & 0o077:
        # The files themselves are private; only their names show. Not forced: it may be a
        # folder the user chose for other things too.
        diagnosis.add(
            "directory",
            INFO,
            f"le dossier {directory} est listable par d'autres comptes "
            f"({_mode(directory):o}) ; « chmod 700 » le réserverait à vous.",
        )


def _check_backup(diagnosis: Diagnosis) -> None:
    backup = diagnosis.path.with_name(diagnosis.path.name + ".sauvegarde")
    if not backup.exists():
        diagnosis.add("backup", INFO, "pas encore de sauvegarde (elle est faite à chaque import).")
        return
    try:
        with _open_existing(backup) as conn:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        result = str(exc)
    if result == "ok":
        diagnosis.add("backup", OK, f"sauvegarde lisible : {backup}.")
    else:
        diagnosis.add("backup", PROBLEM, f"la sauvegarde {backup} est endommagée ({result}).")


def repair(path: str | os.PathLike[str]) -> list[str]:
    """Fix what can be fixed in place: permissions, the search index. French lines of what
    was done. Damage to the file itself is not repaired here (see `restore`)."""
    path = Path(path)
    done = []
    for candidate in (path, *(path.with_name(path.name + s) for s in SIDE_SUFFIXES)):
        if candidate.exists() and _mode(candidate) & 0o077:
            candidate.chmod(0o600)
            done.append(f"{candidate.name} restreint (600).")
    problems = {f.check for f in diagnose(path).problems}
    if "notes" in problems:
        with Store(path) as store, store.transaction() as conn:
            conn.execute(NOTES_APPEND_ONLY_TRIGGER)
        done.append("protection des notes remise.")
    if "fts" in problems:
        from .search import rebuild_index

        with Store(path) as store, store.transaction() as conn:
            rebuild_index(conn)
        done.append("index de recherche reconstruit.")
    return done
