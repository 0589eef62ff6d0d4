"""Opening hours: everything becomes an OSM `opening_hours` string when it can.

Inputs seen in real data:
- OSM strings (`Mo-Fr 09:00-12:00,14:00-17:00`), the data·inclusion v1 format;
- France Services weekday columns (`"09:00 - 12:00 / 13:30 - 17:00"`);
- the DILA town-hall JSON (`[["lundi", "vendredi", [["09:00:00", "12:00:00"]]]]`);
- free text (`"lundi au vendredi 9h-11h45/14h-16h30"`), parsed when possible, else kept raw.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import opening_hours

from .text import fold

DAYS_OSM = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_DAY_INDEX = {name: i for i, name in enumerate(DAYS_FR)}
_DAY_INDEX.update({name[:3]: i for i, name in enumerate(DAYS_FR)})
_DAY_INDEX.update({osm.lower(): i for i, osm in enumerate(DAYS_OSM)})


# -- building OSM strings ------------------------------------------------------------------


def _hhmm(text: str) -> str | None:
    """'9h', '9h30', '09:00', '09:00:00', '9' -> '09:00'."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*(?:[h:.]\s*(\d{2})?)?(?::\d{2})?\s*", text)
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2] or 0)
    if hours > 24 or minutes > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


def _ranges(text: str) -> list[str] | None:
    """'09:00 - 12:00 / 13:30 - 17:00' or '9h-11h45/14h-16h30' -> ['09:00-12:00', ...]."""
    parts = [p for p in re.split(r"\s*(?:/|,|;|\bet\b|&)\s*", text.strip()) if p.strip()]
    if not parts:
        return None
    out = []
    for part in parts:
        bounds = re.split(r"\s*(?:-|–|à|a)\s*", part.strip(), maxsplit=1)
        if len(bounds) != 2:
            return None
        start, end = _hhmm(bounds[0]), _hhmm(bounds[1])
        if not start or not end or (start >= end and end != "00:00"):
            return None
        out.append(f"{start}-{end}")
    return out


def _compress_days(by_day: Mapping[int, str]) -> str:
    """{0: '09:00-12:00', 1: '09:00-12:00', 3: ...} -> 'Mo,Tu 09:00-12:00; Th ...'."""
    groups: list[tuple[list[int], str]] = []
    for day in sorted(by_day):
        spec = by_day[day]
        if groups and groups[-1][1] == spec and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], spec))
    rules = []
    for days, spec in groups:
        if len(days) == 1:
            sel = DAYS_OSM[days[0]]
        elif len(days) == 2:
            sel = f"{DAYS_OSM[days[0]]},{DAYS_OSM[days[1]]}"
        else:
            sel = f"{DAYS_OSM[days[0]]}-{DAYS_OSM[days[-1]]}"
        rules.append(f"{sel} {spec}")
    return "; ".join(rules)


def from_weekday_columns(columns: Mapping[str, str | None]) -> str | None:
    """France Services style: {'lundi': '09:00 - 12:00 / 13:30 - 17:00', ...} -> OSM."""
    by_day: dict[int, str] = {}
    for name, value in columns.items():
        day = _DAY_INDEX.get(fold(name).strip()[:3])
        if day is None or not value or not value.strip():
            continue
        ranges = _ranges(value)
        if ranges is None:
            return None
        by_day[day] = ",".join(ranges)
    return _compress_days(by_day) if by_day else None


def from_dila_json(text: str | None) -> str | None:
    """Town-hall hours as published by DILA -> OSM."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    by_day: dict[int, list[str]] = {}
    for entry in data:
        try:
            first, last, slots = entry
            start_day, end_day = _DAY_INDEX[fold(first)[:3]], _DAY_INDEX[fold(last)[:3]]
        except (ValueError, KeyError, TypeError):
            return None
        ranges = [f"{_hhmm(a)}-{_hhmm(b)}" for a, b in slots if _hhmm(a) and _hhmm(b)]
        if not ranges:
            continue
        for day in range(start_day, end_day + 1):
            by_day.setdefault(day, []).extend(ranges)
    return _compress_days({d: ",".join(sorted(r)) for d, r in by_day.items()}) or None


_DAY_WORD = r"(lun|mar|mer|jeu|ven|sam|dim)[a-z]*"
_FREE_RULE = re.compile(
    rf"(?P<d1>{_DAY_WORD})(?:\s*(?P<sep>au|a|-|et|,)\s*(?P<d2>{_DAY_WORD}))?"
    r"\s*:?\s*(?:de\s*)?(?P<times>[\dh:.\s/,&\-–àaet]+\d(?:h\d{0,2})?)"
)


def from_free_text(text: str | None) -> str | None:
    """'lundi au vendredi 9h-11h45/14h-16h30, samedi 9h-12h' -> OSM, or None."""
    folded = re.sub(r"\b(de|du|le|les)\b", " ", fold(text).replace("h00", "h"))
    if not folded:
        return None
    by_day: dict[int, str] = {}
    for match in _FREE_RULE.finditer(folded):
        d1 = _DAY_INDEX[match["d1"][:3]]
        days = [d1]
        if match["d2"]:
            d2 = _DAY_INDEX[match["d2"][:3]]
            days = list(range(d1, d2 + 1)) if match["sep"] in ("au", "a", "-") else [d1, d2]
        ranges = _ranges(re.sub(r"\s+et\s+", "/", match["times"].strip(" ,")))
        if not ranges:
            return None
        for day in days:
            by_day[day] = ",".join(ranges)
    if not by_day:
        return None
    result = _compress_days(by_day)
    return result if is_osm(result) else None


def is_osm(text: str | None) -> bool:
    return bool(text) and _parse(text) is not None


def normalize_hours(text: str | None) -> str | None:
    """Best OSM form of any hours text, or the text itself when it can't be understood."""
    if not text or not text.strip():
        return None
    text = text.strip()
    if is_osm(text):
        return text
    if text.startswith("[["):
        return from_dila_json(text) or text
    return from_free_text(text) or text


_OSM_DAY_SPAN = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su)-(Mo|Tu|We|Th|Fr|Sa|Su)\b")
_OSM_DAY = re.compile(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH)\b")
_OSM_TIME_SPAN = re.compile(r"(\d{2}:\d{2})-(\d{2}:\d{2})")


def _french_span(match: re.Match[str]) -> str:
    first, last = DAYS_OSM.index(match[1]), DAYS_OSM.index(match[2])
    if (first, last) == (0, 6):
        return "tous les jours"
    return f"du {DAYS_FR[first]} au {DAYS_FR[last]}"


def in_french(text: str | None) -> str | None:
    """A short French reading of OSM hours: '24/7' -> '24 h/24, 7 j/7',
    'Mo-Fr 09:00-12:00; Sa 10:00-12:00' -> 'du lundi au vendredi 09:00–12:00 ; samedi 10:00–12:00'.
    Text that is not OSM is returned as it is."""
    if not text or not text.strip():
        return None
    text = text.strip()
    if not is_osm(text):
        return text
    if text == "24/7":
        return "24 h/24, 7 j/7"
    out = _OSM_DAY_SPAN.sub(_french_span, text)
    out = _OSM_DAY.sub(
        lambda m: "jours fériés" if m[1] == "PH" else DAYS_FR[DAYS_OSM.index(m[1])], out
    )
    out = _OSM_TIME_SPAN.sub(r"\1–\2", out)
    return out.replace(",", ", ").replace(";", " ;").replace(" off", " fermé")


# -- public holidays -------------------------------------------------------------------------

# Départements with days off of their own (the `holidays` library's French subdivisions).
_SUBDIVISIONS = {
    "57": "57",  # Moselle: Vendredi saint, Saint-Étienne
    "67": "6AE",  # Bas-Rhin and Haut-Rhin (Alsace): the same
    "68": "6AE",
    "971": "971",
    "972": "972",
    "973": "973",
    "974": "974",
    "975": "PM",
    "976": "976",
    "977": "BL",
    "978": "MF",
}


@lru_cache(maxsize=64)
def _holidays(subdivision: str | None, year: int) -> dict[dt.date, str]:
    import holidays  # 60 ms: loaded with the first hours evaluated, not at start-up

    calendar = holidays.country_holidays("FR", subdiv=subdivision, years=year, language="fr")
    return dict(calendar)


def holiday(day: dt.date, departement: str | None = None) -> str | None:
    """The French name of the public holiday on `day` where the place is, or None."""
    return _holidays(_SUBDIVISIONS.get(departement or ""), day.year).get(day)


def _local_only(day: dt.date, departement: str | None) -> bool:
    """A holiday of the place's own (Saint-Étienne in Moselle) that the OSM parser's French
    calendar does not know."""
    return holiday(day, departement) is not None and day not in _holidays(None, day.year)


_PH_SELECTOR = re.compile(r"^[A-Za-z,\-\s]*?\bPH\b[A-Za-z,\-]*\s*")


@lru_cache(maxsize=4096)
def _ph_rule(text: str) -> str | None:
    """What the hours say for public holidays: 'off' (closed), the time spec of the `PH`
    rule ('10:00-12:00'), or None when they say nothing about them."""
    found = None
    for rule in re.split(r";|\|\|", text):
        rule = rule.strip()
        match = _PH_SELECTOR.match(rule)
        if match is None or '"' in rule[: match.end()]:
            continue
        spec = rule[match.end() :].strip()
        spec = re.sub(r'\s*"[^"]*"\s*$', "", spec)  # a comment after the rule
        found = "off" if spec in ("", "off", "closed") else spec
    return found


def _holiday_open(rule: str, moment: dt.datetime) -> bool:
    if rule == "off":
        return False
    oh = _parse(rule)
    return bool(oh is not None and oh.is_open(moment))


# -- today's state ---------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _parse(text: str) -> opening_hours.OpeningHours | None:
    try:
        # The country makes `PH` rules know the national public holidays.
        return opening_hours.OpeningHours(text, country="FR")
    except Exception:  # the parser raises its own error types; any failure means "not OSM"
        return None


@dataclass(frozen=True)
class HoursState:
    open_now: bool | None  # None: unknown (unparsed hours, or a holiday the hours ignore)
    label: str  # "Ouvert · ferme à 17:00", "Fermé · jour férié", "Horaires : …"
    closes_at: dt.datetime | None = None
    opens_at: dt.datetime | None = None
    holiday: str | None = None  # the public holiday's name, when today is one
    comment: str | None = None  # what the source says about now ("Sans rendez-vous")


def _when(moment: dt.datetime, now: dt.datetime) -> str:
    clock = moment.strftime("%H:%M")
    days = (moment.date() - now.date()).days
    if days == 0:
        return f"à {clock}"
    if days == 1:
        return f"demain à {clock}"
    if days < 7:
        return f"{DAYS_FR[moment.weekday()]} à {clock}"
    return f"le {moment.strftime('%d/%m')} à {clock}"


def _sentence(comment: str) -> str:
    comment = " ".join(comment.split())
    return comment[:1].upper() + comment[1:]


def _closure(comment: str) -> str:
    """« Fermeture temporaire : … » from the comment of a rule that closes for good."""
    words = fold(comment).strip(" .:")
    if words.startswith("fermeture temporaire"):
        rest = comment.strip()[len("fermeture temporaire") :].strip(" .:-–")
        return "Fermeture temporaire" + (f" : {rest}" if rest else "")
    return f"Fermeture temporaire : {_sentence(comment)}"


def _next_opening(
    oh: opening_hours.OpeningHours, now: dt.datetime, departement: str | None, rule: str | None
) -> dt.datetime | None:
    """The next opening after `now`, skipping the place's own holidays the hours close on."""
    moment = now
    for _ in range(15):
        change = oh.next_change(moment)
        if change is None or rule is None or not _local_only(change.date(), departement):
            return change
        if _holiday_open(rule, change):
            return change
        moment = dt.datetime.combine(change.date() + dt.timedelta(days=1), dt.time())
        if oh.is_open(moment):
            return moment
    return None


def state(
    text: str | None, now: dt.datetime | None = None, departement: str | None = None
) -> HoursState:
    """Open or closed at `now` where the place is (`departement`: its own public holidays),
    with a short French label."""
    now = (now or dt.datetime.now()).replace(second=0, microsecond=0)
    if not text:
        return HoursState(None, "Horaires inconnus")
    oh = _parse(text)
    if oh is None:
        return HoursState(None, f"Horaires : {text}")
    day_off = holiday(now.date(), departement)
    rule = _ph_rule(text)
    if day_off is not None and rule is None:
        return HoursState(None, "Jour férié · horaires à vérifier", holiday=day_off)
    try:
        local = day_off is not None and rule is not None and _local_only(now.date(), departement)
        if local and rule is not None:
            is_open, comment = _holiday_open(rule, now), ""
        else:
            current, comment = oh.state(now)
            is_open = current == opening_hours.State.OPEN
        if is_open and local and rule is not None:
            change = (_parse(rule) or oh).next_change(now)  # the holiday's own hours
        elif is_open:
            change = oh.next_change(now)
        else:
            change = _next_opening(oh, now, departement, rule)
    except Exception:
        return HoursState(None, f"Horaires : {text}")
    note = f" · {_sentence(comment)}" if comment else ""
    opened = "Ouvert · jour férié" if day_off else "Ouvert"
    if is_open:
        if change is None:
            label = f"{opened}{note}"
        else:
            label = f"{opened} · ferme {_when(change, now)}{note}"
        return HoursState(True, label, closes_at=change, holiday=day_off, comment=comment or None)
    closed = "Fermé · jour férié" if day_off else "Fermé"
    if change is None or (change - now).days > 366:
        label = _closure(comment) if comment and not day_off else f"{closed}{note}"
        return HoursState(False, label, holiday=day_off, comment=comment or None)
    return HoursState(
        False,
        f"{closed} · ouvre {_when(change, now)}{note}",
        opens_at=change,
        holiday=day_off,
        comment=comment or None,
    )


def _slots(oh: opening_hours.OpeningHours, start: dt.datetime) -> tuple[list[str], str]:
    """The open slots of one day ('09:00–12:00 (Sans rendez-vous)') and the day's comment
    when it is closed with one."""
    slots, closed_comment = [], ""
    for a, b, st, comment in oh.intervals(start, start + dt.timedelta(days=1)):
        if st == opening_hours.State.OPEN:
            end = "24:00" if b.date() > start.date() else b.strftime("%H:%M")
            slot = f"{a.strftime('%H:%M')}–{end}"
            slots.append(f"{slot} ({_sentence(comment)})" if comment else slot)
        elif comment:
            closed_comment = comment
    return slots, closed_comment


def week_lines(
    text: str | None, today: dt.date | None = None, departement: str | None = None
) -> list[str]:
    """Human French lines for the week of `today` (the caller's clock; the real date by
    default), e.g. 'lundi : 09:00–12:00, 14:00–17:00', 'jeudi 25 : férié'."""
    oh = _parse(text or "")
    if oh is None:
        return [text] if text else []
    if today is None:
        today = dt.date.today()
    rule = _ph_rule(text or "")
    monday = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time())
    lines = []
    comments = set()
    for i, name in enumerate(DAYS_FR):
        start = monday + dt.timedelta(days=i)
        slots, closed_comment = _slots(oh, start)
        comments.add(closed_comment if not slots else "")
        if holiday(start.date(), departement) is not None:
            if rule is None:
                day = "férié · horaires à vérifier"
            elif _local_only(start.date(), departement):
                local, _ = _slots(_parse(rule) or oh, start) if rule != "off" else ([], "")
                day = "férié" + (f", {', '.join(local)}" if local else "")
            else:
                day = "férié" + (f", {', '.join(slots)}" if slots else "")
            lines.append(f"{name} {start.day} : {day}")
            continue
        if slots:
            lines.append(f"{name} : {', '.join(slots)}")
        else:
            lines.append(f"{name} : fermé" + (f" ({closed_comment})" if closed_comment else ""))
    if len(comments) == 1 and (comment := comments.pop()):
        return [_closure(comment)]  # closed all week, with a reason: say it once
    return lines


def summary(text: str | None, today: dt.date | None = None, departement: str | None = None) -> str:
    """The week in one French line, days with the same hours grouped: 'du lundi au vendredi :
    09:00–18:00 ; samedi : 09:00–12:00'. Unparsed hours come back as they are."""
    lines = week_lines(text, today, departement)
    if len(lines) != len(DAYS_FR):
        return " ; ".join(lines)
    groups: list[tuple[list[str], str]] = []
    for line in lines:
        day, _, spec = line.partition(" : ")
        if spec == "fermé":
            groups.append(([], ""))
            continue
        if groups and groups[-1][1] == spec and groups[-1][0]:
            groups[-1][0].append(day)
        else:
            groups.append(([day], spec))
    parts = []
    for days, spec in groups:
        if not days:
            continue
        if len(days) == 1:
            parts.append(f"{days[0]} : {spec}")
        elif len(days) == 2:
            parts.append(f"{days[0]} et {days[1]} : {spec}")
        else:
            parts.append(f"du {days[0]} au {days[-1]} : {spec}")
    return " ; ".join(parts) or "fermé"


# -- the week, day by day (for the fiche) ------------------------------------------------------


@dataclass(frozen=True)
class DayHours:
    """One day of a week: its opening slots ('09:00–12:00'), whether it is the caller's
    today, the public holiday's name when it is one (and whether the hours say what happens
    then), and the comments the data gives on it (e.g. "Sans rendez-vous")."""

    weekday: int  # 0 = Monday
    date: dt.date
    slots: tuple[str, ...]
    today: bool
    holiday: str | None = None
    holiday_unsaid: bool = False  # a holiday the hours say nothing about: to check
    comments: tuple[str, ...] = ()


def week_days(
    text: str | None, today: dt.date, departement: str | None = None
) -> list[DayHours] | None:
    """The seven days of the week of `today` (the caller's clock), the place's public
    holidays applied; None when the hours are not OSM (show them as published)."""
    oh = _parse(text or "")
    if oh is None:
        return None
    rule = _ph_rule(text or "")
    monday = dt.datetime.combine(today - dt.timedelta(days=today.weekday()), dt.time())
    days = []
    for i in range(7):
        start = monday + dt.timedelta(days=i)
        day_off = holiday(start.date(), departement)
        source: opening_hours.OpeningHours | None = oh
        if day_off is not None and rule is not None and _local_only(start.date(), departement):
            source = _parse(rule) if rule != "off" else None  # the place's own holiday
        try:
            intervals = (
                list(source.intervals(start, start + dt.timedelta(days=1))) if source else []
            )
        except Exception:  # an expression the parser accepts but cannot evaluate
            return None
        slots, comments = [], []
        for a, b, st, comment in intervals:
            if st == opening_hours.State.OPEN:
                end = "24:00" if b.date() > start.date() else b.strftime("%H:%M")
                slots.append(f"{a.strftime('%H:%M')}–{end}")
            if comment and comment not in comments:
                comments.append(comment)
        days.append(
            DayHours(
                weekday=i,
                date=start.date(),
                slots=tuple(slots),
                today=start.date() == today,
                holiday=day_off,
                holiday_unsaid=day_off is not None and rule is None,
                comments=tuple(comments),
            )
        )
    return days
