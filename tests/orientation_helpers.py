"""Loading the fictional orientation fixture into a store (shared by core, CLI and TUI tests)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from store.db import Store
from store.models import ServiceRecord, StructureRecord
from store.writer import ImportReport, write_records

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "orientation" / "structures.json"
SOURCE = "fictif-orientation"


def fixture_records() -> list[StructureRecord]:
    recent = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    records = []
    for raw in json.loads(FIXTURE.read_text(encoding="utf-8"))["structures"]:
        data = dict(raw)
        services = [ServiceRecord(**s) for s in data.pop("services", [])]
        if data.get("date_maj") == "RECENT":
            data["date_maj"] = recent
        records.append(StructureRecord(source=SOURCE, services=services, **data))
    return records


def load_fixture(store: Store) -> ImportReport:
    report = ImportReport(path=str(FIXTURE), format="test")
    with store.transaction() as conn:
        write_records(conn, fixture_records(), report)
    return report


def fixture_store(path: Path | str) -> Path:
    with Store(path) as store:
        load_fixture(store)
    return Path(path)
