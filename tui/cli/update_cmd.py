"""`aiguillage update [--departement 78]` and `aiguillage restore`.

`update` downloads the latest data·inclusion open-data export (structures and services) and the
France Services list, then imports them. Without a network it says so and changes nothing: every
file is downloaded before anything is imported. The addresses are found through the data.gouv.fr
API, or taken from a base URL (`--url` or `$AIGUILLAGE_UPDATE_URL`) serving `structures.json`,
`services.json` and `france-services.csv` (a mirror, or a local server in tests).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from importers.base import ImportFailure

from .common import CliError, open_cli_store
from .output import end_progress, progress_shown, say, warn
from .output import progress as progress_line

ENV_URL = "AIGUILLAGE_UPDATE_URL"
TIMEOUT = 30
USER_AGENT = "aiguillage (mise a jour hors ligne)"
DATAGOUV = "https://www.data.gouv.fr/api/1/datasets/"


@dataclass(frozen=True)
class Download:
    filename: str  # name under a base URL, and of the local copy
    dataset: str  # data.gouv.fr dataset slug, to find the latest resource
    title_hint: str  # a word of the resource's title on data.gouv.fr
    fmt: str  # resource format on data.gouv.fr, and the import format
    import_format: str


DOWNLOADS = (
    Download(
        "structures.json",
        "referentiel-de-loffre-dinsertion-liste-des-structures-et-services-dinsertion",
        "structures",
        "json",
        "data_inclusion",
    ),
    Download(
        "services.json",
        "referentiel-de-loffre-dinsertion-liste-des-structures-et-services-dinsertion",
        "services",
        "json",
        "data_inclusion",
    ),
    Download(
        "france-services.csv",
        "liste-des-structures-france-services",
        "france",
        "csv",
        "france_services",
    ),
)


def register(sub: argparse._SubParsersAction) -> None:
    update = sub.add_parser(
        "update", help="télécharger et importer les dernières données ouvertes (réseau)"
    )
    update.add_argument(
        "--departement", metavar="CODE", help="ne garder qu'un département (ex. 78, 2A, 974)"
    )
    update.add_argument(
        "--url", metavar="URL", help=f"adresse d'un miroir (sinon ${ENV_URL} ou data.gouv.fr)"
    )
    update.set_defaults(func=run_update)
    restore = sub.add_parser(
        "restore",
        help="revenir aux données d'avant le dernier import (notes et réglages gardés)",
        description="Remet les structures et services de la sauvegarde faite avant le dernier "
        "import ; garde les notes, favoris, réglages et le journal écrits depuis ; conserve "
        "l'état remplacé à côté de la base (.avant-restauration).",
    )
    restore.add_argument(
        "--perdre-les-notes",
        dest="drop_recent",
        action="store_true",
        help="base endommagée dont les notes ne se relisent pas : restaurer quand même",
    )
    restore.set_defaults(func=run_restore)


# -- restore ----------------------------------------------------------------------------------


def run_restore(args: argparse.Namespace) -> int:
    from store.backup import RestoreError, restore_backup
    from store.paths import resolve_db_path

    db_path = resolve_db_path(getattr(args, "db", None))
    try:
        report = restore_backup(db_path, keep_recent=not args.drop_recent)
    except RestoreError as exc:
        raise CliError(str(exc)) from None
    say(f"Base restaurée à partir de {report.backup} (structures, services et index d'avant).")
    kept = report.kept
    say(
        f"Gardé : {kept['notes']} note(s), {kept['favorites']} favori(s), "
        f"{kept['settings']} réglage(s), {kept['journal']} orientation(s) du journal"
        + (
            f", et {report.kept_structures} structure(s) absente(s) de la sauvegarde, "
            "gardée(s) pour leurs notes"
            if report.kept_structures
            else ""
        )
        + "."
    )
    if args.drop_recent and not report.salvaged:
        say("Les notes, favoris et réglages de la base endommagée n'ont pas pu être repris.")
    say(f"L'état remplacé est conservé dans {report.replaced_copy}.")
    return 0


# -- update -----------------------------------------------------------------------------------


class Offline(Exception):
    pass


class Progress:
    """One line rewritten in place on a terminal; nothing when stderr is not one."""

    def __init__(self) -> None:
        self.on = progress_shown()
        self.shown = False

    def show(self, text: str) -> None:
        if self.on:
            progress_line(text)
            self.shown = True

    def done(self) -> None:
        if self.shown:
            end_progress()
            self.shown = False


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} Mo".replace(".", ",")


def _fetch(url: str, target: Path | None = None, progress: Progress | None = None) -> bytes:
    """The body at `url`, or written to `target` block by block. A download cut short
    (fewer bytes than announced, connection closed) is Offline, like no network."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            if target is None:
                return response.read()
            expected = int(response.headers.get("Content-Length") or 0)
            received = 0
            with target.open("wb") as handle:
                while block := response.read(1 << 20):
                    handle.write(block)
                    received += len(block)
                    if progress:
                        of = f" / {_megabytes(expected)}" if expected else ""
                        progress.show(f"{target.name} : {_megabytes(received)}{of}")
            if progress:
                progress.done()
            if expected and received < expected:
                raise Offline(f"{url} : téléchargement interrompu ({received}/{expected} octets)")
            return b""
    except urllib.error.HTTPError as exc:
        raise Offline(f"{url} : erreur HTTP {exc.code}") from None
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Offline(f"{url} : {reason}") from None
    except http.client.HTTPException as exc:  # IncompleteRead: the server stopped sending
        raise Offline(f"{url} : téléchargement interrompu ({type(exc).__name__})") from None


def _resource_url(download: Download) -> str:
    """The latest resource of a data.gouv.fr dataset matching the download."""
    data = json.loads(_fetch(DATAGOUV + download.dataset + "/"))
    for resource in data.get("resources", []):
        title = str(resource.get("title", "")).lower()
        if download.title_hint in title and str(resource.get("format", "")).lower() == (
            download.fmt
        ):
            return str(resource["url"])
    raise Offline(f"{download.dataset} : ressource « {download.filename} » introuvable")


def _urls(base: str | None) -> dict[Download, str]:
    if base:
        return {d: base.rstrip("/") + "/" + d.filename for d in DOWNLOADS}
    return {d: _resource_url(d) for d in DOWNLOADS}


def _extract(folder: Path, dep: str, progress: Progress) -> set[str]:
    """Keep one département in the downloaded files, read as streams; the names of the
    files left with nothing."""
    from importers.extract import Extract, extract_csv, extract_json

    def tick(name: str) -> Callable[[int], None]:
        return lambda read: progress.show(f"{name} : {read} enregistrements lus")

    found: dict[str, Extract] = {}
    for name, owners in (("structures.json", None), ("services.json", "structures.json")):
        source = folder / name
        kept_ids = found[owners].keys if owners else None
        found[name] = extract_json(source, folder / f"{dep}-{name}", dep, kept_ids, tick(name))
        progress.done()
        (folder / f"{dep}-{name}").replace(source)
    csv_name = "france-services.csv"
    found[csv_name] = extract_csv(folder / csv_name, folder / f"{dep}-{csv_name}", dep)
    (folder / f"{dep}-{csv_name}").replace(folder / csv_name)
    empty = set()
    for name, extract in found.items():
        if not extract.kept:
            empty.add(name)
            say(f"{name} : rien pour le département {dep}.")
    return empty


def _normalise_dep(text: str) -> str:
    code = text.strip().upper()
    if not (code.isdigit() and 1 <= len(code) <= 3) and code not in ("2A", "2B"):
        raise CliError(f"--departement : code de département invalide ({text!r}).")
    return code.zfill(2)


def run_update(args: argparse.Namespace) -> int:
    dep = _normalise_dep(args.departement) if args.departement else None
    base = args.url or os.environ.get(ENV_URL)
    progress = Progress()
    with tempfile.TemporaryDirectory(prefix="aiguillage-maj-") as tmp:
        folder = Path(tmp)
        try:
            urls = _urls(base)
            for download, url in urls.items():
                warn(f"Téléchargement de {url}…")
                _fetch(url, folder / download.filename, progress)
        except Offline as exc:
            raise CliError(
                f"pas de réseau ou source injoignable ({exc}) : rien n'a été modifié."
            ) from None
        except ValueError as exc:
            message = f"réponse inattendue de data.gouv.fr ({exc}) : rien n'a été modifié."
            raise CliError(message) from None
        empty = _extract(folder, dep, progress) if dep else set()
        _import_all(args, folder, empty, progress)
    return 0


def _import_all(args: argparse.Namespace, folder: Path, skip: set[str], progress: Progress) -> None:
    """Import the downloaded files as one whole: one backup first, and when any file fails
    or the import is interrupted, the store is brought back to it (`restore` also does)."""
    from importers.runner import import_file
    from store.backup import make_backup, restore_backup

    def tick(name: str) -> Callable[[str, int, int | None], None]:
        return lambda phase, done, total: progress.show(f"{name} : {done} structures écrites")

    with open_cli_store(args) as store:
        backup = make_backup(store)
        db_path = None if store.in_memory else Path(store.path)
        try:
            for download in DOWNLOADS:
                if download.filename in skip:
                    continue
                report = import_file(
                    store,
                    folder / download.filename,
                    format_name=download.import_format,
                    progress=tick(download.filename),
                    backup=False,
                )
                progress.done()
                say(
                    f"{download.filename} : {report.added} ajoutée(s), {report.updated} mise(s)"
                    f" à jour, {report.unchanged} inchangée(s), {report.rejected} rejetée(s)"
                    f" ; {report.services} service(s)."
                )
        except BaseException as exc:
            progress.done()
            store.close()
            if backup is not None and db_path is not None:
                restore_backup(db_path)
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            if isinstance(exc, ImportFailure):
                raise CliError(f"{exc} ; rien n'a été modifié.") from None
            raise
