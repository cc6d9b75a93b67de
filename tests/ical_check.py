"""RFC 5545 checks for a calendar Pathwise serves: the text form (CRLF lines of at most 75
octets, folded; balanced components) and the properties the RFC requires, checked here, then
every value parsed by an independent strict parser (`ical`, not the `icalendar` that wrote it)."""

import re

from ical.calendar import Calendar
from ical.calendar_stream import IcsCalendarStream


def content_lines(text: str) -> list[str]:
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]


def rfc5545_calendar(body: bytes) -> Calendar:
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", ""), "bare LF"
    assert max(len(line.encode()) for line in text.split("\r\n")) <= 75, "unfolded line"
    lines = content_lines(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    components: list[dict[str, list[str]]] = []  # each: property name -> its lines
    stack: list[dict[str, list[str]]] = []
    for line in lines:
        name = re.split(r"[;:]", line, maxsplit=1)[0].upper()
        if name == "BEGIN":
            stack.append({"": [line[6:]]})
            components.append(stack[-1])
        elif name == "END":
            assert stack.pop()[""] == [line[4:]], f"unbalanced {line}"
        else:
            stack[-1].setdefault(name, []).append(line)
    assert not stack
    calendar, *inner = components
    assert len(calendar["PRODID"]) == 1
    assert calendar["VERSION"] == ["VERSION:2.0"]
    assert inner, "RFC 5545 asks for at least one component"
    zones = {c["TZID"][0].split(":", 1)[1] for c in inner if c[""] == ["VTIMEZONE"]}
    for event in (c for c in inner if c[""] == ["VEVENT"]):
        for required in ("UID", "DTSTAMP", "DTSTART"):
            assert len(event.get(required, [])) == 1, f"VEVENT needs one {required}"
    assert set(re.findall(r";TZID=([^:;]+)", "\n".join(lines))) <= zones
    return IcsCalendarStream.calendar_from_ics(text)
