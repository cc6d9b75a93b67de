"""i18n groundwork: every user-visible string in our templates is marked for translation, so a
second language is a translation file, not a template hunt; LocaleMiddleware is on and en-GB
is the default."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "config" / "templates"] + [
    ROOT / app / "templates"
    for app in ("careers", "paths", "tracker", "assessments", "teams", "analytics")
]
# Words that are names, not language: the product and the units of the catalogue.
NOT_LANGUAGE = {"Pathwise", "GBP", "£", "UK", "px", "h", "min", "JSON", "CSV", "RAG", "LLM", "ML"}
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description"}

BLOCK_TRANSLATE = re.compile(r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", re.S)
TRANSLATE = re.compile(r"{%\s*trans(late)?\s.*?%}", re.S)
COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
VARIABLE = re.compile(r"{{.*?}}", re.S)
TAG = re.compile(r"{%.*?%}", re.S)


def _unmarked_source(text: str) -> str:
    """The template with marked strings, variables and tags taken out."""
    for pattern in (COMMENT, BLOCK_TRANSLATE, TRANSLATE, VARIABLE):
        text = pattern.sub(" ", text)
    return TAG.sub(" ", text)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.found += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.found.append(data)


def _language(fragment: str) -> bool:
    words = re.findall(r"[^\W\d_]{2,}", fragment)
    return any(word not in NOT_LANGUAGE for word in words)


def unmarked_strings(path: Path) -> list[str]:
    source = _unmarked_source(path.read_text())
    if path.suffix == ".txt":
        fragments = source.splitlines()
    else:
        parser = _VisibleText()
        parser.feed(source)
        fragments = parser.found
    return [f.strip() for f in fragments if _language(f)]


def templates() -> list[Path]:
    return sorted(
        p
        for d in TEMPLATE_DIRS
        if d.exists()
        for p in d.rglob("*")
        if p.suffix in (".html", ".txt")
    )


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_visible_string_is_marked_for_translation(path):
    assert unmarked_strings(path) == []


def test_the_checker_finds_an_unmarked_string(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '{% load i18n %}<p title="Open it">{% translate "Marked" %} {{ name }}</p>'
        "{% blocktranslate %}Also {{ marked }}{% endblocktranslate %}<p>Not marked</p>"
    )

    assert unmarked_strings(page) == ["Open it", "Not marked"]


def test_locale_middleware_and_english_uk_default():
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
    assert settings.LANGUAGE_CODE == "en-gb"
