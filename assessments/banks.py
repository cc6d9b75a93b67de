"""The shipped question banks: Pathwise's own questions per skill and level, one TOML file per
skill in assessments/data/questions/, written from the official documentation the learning
paths link to. `banks_load()` puts them in the database (`manage.py load_question_banks`, run
by `make run`); curators then edit them in the admin.

Loading is idempotent: a question is known by its skill and text (`bank_key`); one the file no
longer has is retired (not deleted: results may refer to it); one a curator edited since it
was loaded keeps the curator's version; whether a question is drawn (`is_active`) is the
curator's after the first load."""

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from assessments.models import Choice, Question
from careers.models import PROFICIENCY_MAX, PROFICIENCY_MIN, Skill

BANK_DIR = Path(__file__).resolve().parent / "data" / "questions"
MINIMUM_PER_LEVEL = 8
"""Questions a bank holds for each level a published path grants (the checks draw from them)."""


class BankError(ValueError):
    """A bank file that cannot be loaded, naming the file and the question."""


def answer_rule_broken(kind: str, correct: int, choices: int) -> str | None:
    """Why a question's answers do not fit its kind, or None. Shared by the loader and the
    admin form."""
    if not 3 <= choices <= 5:
        return "A question has 3 to 5 choices."
    if kind == Question.Kind.SINGLE and correct != 1:
        return "A one-answer question has exactly one correct choice."
    if kind == Question.Kind.MULTIPLE and not 2 <= correct < choices:
        return "A select-all question has two or more correct choices, and at least one wrong."
    return None


@dataclass(frozen=True)
class BankQuestion:
    skill: str
    level: int
    kind: str
    text: str
    choices: tuple[str, ...]
    correct: frozenset[int]
    explanation: str
    source: str

    @property
    def key(self) -> str:
        return hashlib.sha1(f"{self.skill}|{self.text}".encode(), usedforsecurity=False).hexdigest()

    @property
    def content_hash(self) -> str:
        return content_hash(
            self.level, self.kind, self.text, self.explanation, self.source, self._answers()
        )

    def _answers(self) -> list[tuple[str, bool]]:
        return [(text, i in self.correct) for i, text in enumerate(self.choices)]


def content_hash(
    level: int, kind: str, text: str, explanation: str, source: str, answers: list[tuple[str, bool]]
) -> str:
    parts = [str(level), kind, text, explanation, source, *(f"{t}|{c}" for t, c in answers)]
    return hashlib.sha1("\n".join(parts).encode(), usedforsecurity=False).hexdigest()


def _question(skill: str, raw: dict, where: str) -> BankQuestion:
    try:
        question = BankQuestion(
            skill=skill,
            level=int(raw["level"]),
            kind=str(raw["kind"]),
            text=str(raw["text"]).strip(),
            choices=tuple(str(c).strip() for c in raw["choices"]),
            correct=frozenset(int(i) for i in raw["correct"]),
            explanation=str(raw["explanation"]).strip(),
            source=str(raw.get("source", "")).strip(),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise BankError(f"{where}: {error!r}") from error
    problems = [
        not PROFICIENCY_MIN <= question.level <= PROFICIENCY_MAX and "level out of 1-5",
        question.kind not in Question.Kind.values and f"unknown kind {question.kind!r}",
        not question.text and "no text",
        not question.explanation and "no explanation",
        len(set(question.choices)) != len(question.choices) and "repeated choices",
        any(not 0 <= i < len(question.choices) for i in question.correct) and "bad index",
        answer_rule_broken(question.kind, len(question.correct), len(question.choices)),
    ]
    if any(problems):
        raise BankError(f"{where}: {'; '.join(p for p in problems if p)}")
    return question


def bank_read(directory: Path = BANK_DIR) -> list[BankQuestion]:
    """Every question of every bank file, checked."""
    questions: list[BankQuestion] = []
    for path in sorted(directory.glob("*.toml")):
        data = tomllib.loads(path.read_text())
        skill = str(data.get("skill", ""))
        if skill != path.stem:
            raise BankError(f"{path.name}: skill = {skill!r} should be {path.stem!r}")
        for n, raw in enumerate(data.get("question", []), start=1):
            questions.append(_question(skill, raw, f"{path.name} question {n}"))
    keys = [q.key for q in questions]
    if len(set(keys)) != len(keys):
        raise BankError("The same question text appears twice for a skill.")
    return questions


@dataclass(frozen=True)
class BankLoad:
    created: int
    updated: int
    retired: int
    kept_curator_edits: int


def _row_hash(question: Question) -> str:
    answers = [(c.text, c.is_correct) for c in question.choices.all()]
    return content_hash(
        question.level,
        question.kind,
        question.text,
        question.explanation,
        question.source_url,
        answers,
    )


def _choices(question: Question, bank: BankQuestion) -> Iterable[Choice]:
    return (
        Choice(question=question, position=i, text=text, is_correct=i in bank.correct)
        for i, text in enumerate(bank.choices)
    )


@transaction.atomic
def banks_load(directory: Path = BANK_DIR) -> BankLoad:
    bank = bank_read(directory)
    skills = Skill.objects.in_bulk([q.skill for q in bank], field_name="slug")
    unknown = sorted({q.skill for q in bank} - set(skills))
    if unknown:
        raise BankError(f"No such skill: {', '.join(unknown)}.")
    existing = {
        q.bank_key: q for q in Question.objects.exclude(bank_key="").prefetch_related("choices")
    }
    created = updated = kept = 0
    new_choices: list[Choice] = []
    for item in bank:
        row = existing.pop(item.key, None)
        if row is None:
            row = Question.objects.create(
                skill=skills[item.skill],
                level=item.level,
                kind=item.kind,
                text=item.text,
                explanation=item.explanation,
                source_url=item.source,
                bank_key=item.key,
                bank_hash=item.content_hash,
            )
            new_choices += _choices(row, item)
            created += 1
        elif row.bank_hash != item.content_hash:
            if _row_hash(row) != row.bank_hash:  # a curator edited it: theirs stands
                kept += 1
                continue
            row.level, row.kind, row.explanation = item.level, item.kind, item.explanation
            row.source_url, row.bank_hash = item.source, item.content_hash
            row.save()
            row.choices.all().delete()
            new_choices += _choices(row, item)
            updated += 1
    Choice.objects.bulk_create(new_choices)
    retired = Question.objects.filter(pk__in=[q.pk for q in existing.values() if q.is_active])
    return BankLoad(created, updated, retired.update(is_active=False), kept)
