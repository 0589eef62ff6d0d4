"""`aiguillage update [--departement 78]` and `aiguillage restore`.

`update` downloads the latest data·inclusion open-data export (structures and services) and the
France Services list, then imports them. Without a network it says so and changes nothing: every
file is downloaded before anything is imported. The addresses are found through the data.gouv.fr
API, or taken from a base URL (`--url` or `$AIGUILLAGE_UPDATE_URL`) serving `structures.json`,
`services.json` and `france-services.csv` (a mirror, or a local server in tests).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .common import CliError, open_cli_store
from .output import say, warn

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


def _fetch(url: str, target: Path | None = None) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            if target is None:
                return response.read()
            with target.open("wb") as handle:
                while block := response.read(1 << 20):
                    handle.write(block)
            return b""
    except urllib.error.HTTPError as exc:
        raise Offline(f"{url} : erreur HTTP {exc.code}") from None
    except (TimeoutError, urllib.error.URLError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise Offline(f"{url} : {reason}") from None


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


def _dep_of(item: dict[str, Any]) -> str | None:
    from store.communes import departement_of

    for key in ("code_insee", "code_postal"):
        dep = departement_of(str(item.get(key) or ""))
        if dep:
            return dep
    return None


def _filter_json(path: Path, dep: str, keep_ids: set[str] | None) -> set[str]:
    """Keep the records of one département (services: also those of kept structures)."""
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    items = data.get("items", data) if isinstance(data, dict) else data
    if not isinstance(items, list):
        return set()
    kept = []
    for item in items:
        if not isinstance(item, dict):
            continue
        nested = item.get("structure") if isinstance(item.get("structure"), dict) else {}
        owner = str(item.get("structure_id") or "")
        if _dep_of(item) == dep or _dep_of(nested) == dep or (keep_ids and owner in keep_ids):
            kept.append(item)
    path.write_text(json.dumps(kept, ensure_ascii=False), encoding="utf-8")
    return {str(item.get("id")) for item in kept}


def _filter_csv(path: Path, dep: str) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return 0
    header = rows[0]
    at = header.index("insee_dep") if "insee_dep" in header else None
    kept = [r for r in rows[1:] if at is not None and at < len(r) and r[at].upper() == dep]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *kept])
    return len(kept)


def _normalise_dep(text: str) -> str:
    code = text.strip().upper()
    if not (code.isdigit() and 1 <= len(code) <= 3) and code not in ("2A", "2B"):
        raise CliError(f"--departement : code de département invalide ({text!r}).")
    return code.zfill(2)


def run_update(args: argparse.Namespace) -> int:
    from importers.runner import import_file

    dep = _normalise_dep(args.departement) if args.departement else None
    base = args.url or os.environ.get(ENV_URL)
    with tempfile.TemporaryDirectory(prefix="aiguillage-maj-") as tmp:
        folder = Path(tmp)
        try:
            urls = _urls(base)
            for download, url in urls.items():
                warn(f"Téléchargement de {url}…")
                _fetch(url, folder / download.filename)
        except Offline as exc:
            raise CliError(
                f"pas de réseau ou source injoignable ({exc}) : rien n'a été modifié."
            ) from None
        except ValueError as exc:
            message = f"réponse inattendue de data.gouv.fr ({exc}) : rien n'a été modifié."
            raise CliError(message) from None
        empty: set[str] = set()
        if dep:
            kept = _filter_json(folder / "structures.json", dep, None)
            services = _filter_json(folder / "services.json", dep, kept)
            found = _filter_csv(folder / "france-services.csv", dep)
            for name, count in (
                ("structures.json", len(kept)),
                ("services.json", len(services)),
                ("france-services.csv", found),
            ):
                if not count:
                    empty.add(name)
                    say(f"{name} : rien pour le département {dep}.")
        with open_cli_store(args) as store:
            for download in DOWNLOADS:
                if download.filename in empty:
                    continue
                report = import_file(
                    store, folder / download.filename, format_name=download.import_format
                )
                say(
                    f"{download.filename} : {report.added} ajoutée(s), {report.updated} mise(s)"
                    f" à jour, {report.unchanged} inchangée(s), {report.rejected} rejetée(s)"
                    f" ; {report.services} service(s)."
                )
    return 0
