"""Load the catalogue data files into the database, without overwriting curators' edits.

The files are `careers/data/catalogue.toml` (the source, roles, levels, skills, tools,
requirements, salaries, backgrounds, advice per pair of roles, FAQ) and
`paths/data/learning_paths.toml` (published paths). It lives in `paths` because paths is the app
that depends on both.

For every row it writes, the loader keeps a fingerprint of the values it wrote
(`CatalogueRecord`). On the next run a row whose values no longer match that fingerprint was
edited (or deleted) by a curator, and is left alone unless `force` is given. Loading the same
files twice changes nothing.

A requirement or a step's skill that the files no longer list (AI Architect lost its junior
and mid rungs; a step stopped teaching a skill) is removed if the loader wrote it and no curator
has edited it since (or with `force`); rows curators added themselves are never removed.
"""

import hashlib
import json
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from careers.models import (
    Background,
    CatalogueRecord,
    CatalogueSource,
    ComparisonAdvice,
    FrequentQuestion,
    Role,
    RoleRequirement,
    SalaryBand,
    SeniorityLevel,
    Skill,
    Tool,
)
from paths.models import LearningPath, Step, StepSkill
from paths.services import path_publication_problems
from paths.signals import catalogue_loaded

M = TypeVar("M", bound=models.Model)

_ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = (
    _ROOT / "careers" / "data" / "catalogue.toml",
    _ROOT / "paths" / "data" / "learning_paths.toml",
)
OUTCOMES = ("created", "updated", "unchanged", "kept", "removed")


@dataclass
class LoadReport:
    counts: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, model: type[models.Model], outcome: str) -> None:
        self.counts.setdefault(str(model._meta.verbose_name_plural), Counter())[outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{name}: "
            + ", ".join(f"{counter[o]} {o}" for o in OUTCOMES if counter[o])
            + (" (kept = edited by a curator; --force overwrites)" if counter["kept"] else "")
            for name, counter in self.counts.items()
        ]


def read_catalogue(files: Iterable[Path] = DATA_FILES) -> dict[str, list[dict[str, Any]]]:
    data: dict[str, list[dict[str, Any]]] = {}
    for path in files:
        with path.open("rb") as handle:
            for section, items in tomllib.load(handle).items():
                data.setdefault(section, []).extend(items)
    return data


def _normalise(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return value


class _Loader:
    def __init__(self, *, force: bool) -> None:
        self.force = force
        self.report = LoadReport()
        self.records = {(r.model, r.key): r for r in CatalogueRecord.objects.all()}
        self.new_records: list[CatalogueRecord] = []
        self.changed_records: list[CatalogueRecord] = []
        self.removed_records: list[int] = []

    def sync(
        self,
        model: type[M],
        key: str,
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        m2m: Mapping[str, list[models.Model]] | None = None,
    ) -> M | None:
        """Create or update one row; return it, or None when a curator deleted it."""
        m2m = m2m or {}
        wanted = self._state(values, m2m)
        record = self.records.get((model._meta.label_lower, key))
        obj = model._default_manager.filter(**lookup).first()
        if obj is None and record is not None and not self.force:
            self.report.add(model, "kept")  # deleted by a curator
            return None
        if obj is None:
            obj = model(**lookup, **values)
            obj.save()
            self._set_m2m(obj, m2m)
            outcome = "created"
        else:
            current = self._state(
                {name: getattr(obj, name) for name in values}, self._m2m(obj, m2m)
            )
            edited = record is None or _fingerprint(current) != record.fingerprint
            if current == wanted:
                outcome = "unchanged"
            elif edited and not self.force:
                self.report.add(model, "kept")
                return obj
            else:
                for name, value in values.items():
                    setattr(obj, name, value)
                obj.save()
                self._set_m2m(obj, m2m)
                outcome = "updated"
        self._remember(model, key, wanted, record)
        self.report.add(model, outcome)
        return obj

    @staticmethod
    def _state(values: Mapping[str, Any], m2m: Mapping[str, list[models.Model]]) -> dict[str, Any]:
        state = {name: _normalise(value) for name, value in values.items()}
        state.update({name: sorted(obj.pk for obj in objs) for name, objs in m2m.items()})
        return state

    @staticmethod
    def _m2m(obj: models.Model, m2m: Mapping[str, Any]) -> dict[str, list[models.Model]]:
        return {name: list(getattr(obj, name).all()) for name in m2m}

    @staticmethod
    def _set_m2m(obj: models.Model, m2m: Mapping[str, list[models.Model]]) -> None:
        for name, objs in m2m.items():
            getattr(obj, name).set(objs)

    def _remember(
        self, model: type[models.Model], key: str, state: dict[str, Any], record: Any
    ) -> None:
        fingerprint = _fingerprint(state)
        if record is None:
            self.new_records.append(
                CatalogueRecord(model=model._meta.label_lower, key=key, fingerprint=fingerprint)
            )
        elif record.fingerprint != fingerprint:
            record.fingerprint, record.loaded_at = fingerprint, timezone.now()
            self.changed_records.append(record)

    def prune(
        self,
        model: type[M],
        rows: Iterable[tuple[str, M]],
        wanted: set[str],
        fields: tuple[str, ...],
    ) -> None:
        """Delete rows the files no longer list: those the loader wrote (it has their record)
        and no curator has edited since (their `fields` still match what it wrote), or any of
        them with `force`. `rows` are (key, row) pairs."""
        label = model._meta.label_lower
        for key, obj in rows:
            record = self.records.get((label, key))
            if key in wanted or record is None:
                continue  # still listed, or a curator's own row
            current = self._state({name: getattr(obj, name) for name in fields}, {})
            if record.fingerprint != _fingerprint(current) and not self.force:
                self.report.add(model, "kept")
                continue
            obj.delete()
            self.removed_records.append(record.pk)
            self.report.add(model, "removed")

    def save_records(self) -> None:
        CatalogueRecord.objects.filter(pk__in=self.removed_records).delete()
        CatalogueRecord.objects.bulk_create(self.new_records)
        CatalogueRecord.objects.bulk_update(self.changed_records, ["fingerprint", "loaded_at"])


def _fingerprint(state: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()


def _pick(item: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: item[name] for name in names if name in item}


@transaction.atomic
def catalogue_load(
    *, data: Mapping[str, list[dict[str, Any]]] | None = None, force: bool = False
) -> LoadReport:
    """Load the catalogue; see the module docstring. Raises ValidationError on a bad file."""
    data = data if data is not None else read_catalogue()
    loader = _Loader(force=force)
    sources = _load_slugged(
        loader,
        CatalogueSource,
        data.get("sources", []),
        "title",
        "description",
        "file_name",
        "published_on",
        "written_on",
        "revised_on",
        "pathwise_model",
    )
    levels = _load_slugged(loader, SeniorityLevel, data["levels"], "name", "rank")
    skills = _load_slugged(loader, Skill, data["skills"], "name", "category", "description")
    tools: dict[str, Tool] = {}
    for item in data["tools"]:
        tool = loader.sync(
            Tool,
            item["slug"],
            {"slug": item["slug"]},
            _pick(item, "name", "docs_url", "description"),
            {"skills": [skills[s] for s in item["skills"] if s in skills]},
        )
        if tool is not None:
            tools[tool.slug] = tool
    roles = _load_roles(loader, data["roles"], levels, skills, tools, sources)
    _load_salary_bands(loader, data["salary_bands"], roles, levels)
    for item in data["backgrounds"]:
        loader.sync(
            Background,
            item["slug"],
            {"slug": item["slug"]},
            {
                **_pick(item, "name", "rationale", "position"),
                "recommended_role": roles[item["recommended_role"]],
            },
        )
    _load_comparisons(loader, data.get("comparisons", []), roles)
    for item in data["faqs"]:
        loader.sync(
            FrequentQuestion,
            item["question"],
            {"question": item["question"]},
            _pick(item, "answer", "position"),
        )
    _load_paths(loader, data["paths"], roles, levels, skills)
    loader.save_records()
    if any(loader.report.total(outcome) for outcome in ("created", "updated", "removed")):
        # Requirements or step levels may have changed: the learner side marks every learner
        # stale, in this transaction.
        catalogue_loaded.send(sender=LearningPath)
    return loader.report


def _load_slugged(
    loader: _Loader, model: type[M], items: list[dict[str, Any]], *fields: str
) -> dict[str, M]:
    loaded = {}
    for item in items:
        obj = loader.sync(model, item["slug"], {"slug": item["slug"]}, _pick(item, *fields))
        if obj is not None:
            loaded[item["slug"]] = obj
    return loaded


def _load_roles(
    loader: _Loader,
    items: list[dict[str, Any]],
    levels: dict[str, SeniorityLevel],
    skills: dict[str, Skill],
    tools: dict[str, Tool],
    sources: dict[str, CatalogueSource],
) -> dict[str, Role]:
    ladder = sorted(levels.values(), key=lambda level: level.rank)
    roles = {}
    for item in items:
        values = _pick(
            item,
            "name",
            "summary",
            "stack_position",
            "day_in_the_life",
            "day_in_the_life_context",
            "day_in_the_life_provenance",
            "toolchain_provenance",
            "math_depth_provenance",
            "model_note",
            "trajectory",
            "math_depth",
            "position",
        )
        if "source" in item:
            values["source"] = sources.get(item["source"])
        role = loader.sync(
            Role,
            item["slug"],
            {"slug": item["slug"]},
            values,
            {"tools": [tools[t] for t in item["tools"] if t in tools]},
        )
        if role is None:
            continue
        roles[role.slug] = role
        _load_requirements(loader, role, item, ladder, skills)
    return roles


def _role_rungs(
    role: Role, item: Mapping[str, Any], ladder: list[SeniorityLevel]
) -> list[SeniorityLevel]:
    """The rungs a role has: `levels` in the file (AI Architect: senior and staff/principal),
    in ladder order, or the whole ladder."""
    if "levels" not in item:
        return ladder
    by_slug = {level.slug: level for level in ladder}
    unknown = [slug for slug in item["levels"] if slug not in by_slug]
    if unknown:
        raise ValidationError(f"{role.slug}: unknown levels {', '.join(unknown)}.")
    rungs = [by_slug[slug] for slug in item["levels"]]
    if rungs != sorted(rungs, key=lambda level: level.rank):
        raise ValidationError(f"{role.slug}: list its levels in ladder order.")
    return rungs


def _load_requirements(
    loader: _Loader,
    role: Role,
    item: Mapping[str, Any],
    ladder: list[SeniorityLevel],
    skills: dict[str, Skill],
) -> None:
    rungs = _role_rungs(role, item, ladder)
    wanted = set()
    for requirement in item["requirements"]:
        if len(requirement["targets"]) != len(rungs):
            raise ValidationError(
                f"{role.slug}/{requirement['skill']}: give one target per level "
                f"({len(rungs)}: {', '.join(level.slug for level in rungs)})."
            )
        skill = skills.get(requirement["skill"])
        if skill is None:
            continue
        for level, target in zip(rungs, requirement["targets"], strict=True):
            key = f"{role.slug}/{level.slug}/{skill.slug}"
            wanted.add(key)
            loader.sync(
                RoleRequirement,
                key,
                {"role": role, "level": level, "skill": skill},
                {"target_level": target, "weight": requirement["weight"]},
            )
    existing = RoleRequirement.objects.filter(role=role).select_related("level", "skill")
    loader.prune(
        RoleRequirement,
        ((f"{role.slug}/{r.level.slug}/{r.skill.slug}", r) for r in existing),
        wanted,
        ("target_level", "weight"),
    )


def _load_comparisons(loader: _Loader, items: list[dict[str, Any]], roles: dict[str, Role]) -> None:
    """Advice per pair of roles; a pair is stored with its slugs in alphabetical order."""
    for item in items:
        first_slug, second_slug = sorted(item["roles"])
        if first_slug not in roles or second_slug not in roles:
            continue
        first, second = roles[first_slug], roles[second_slug]
        for position, advice in enumerate(item["advice"], start=1):
            loader.sync(
                ComparisonAdvice,
                f"{first_slug}/{second_slug}/{position}",
                {"first_role": first, "second_role": second, "position": position},
                _pick(advice, "text", "provenance"),
            )


def _load_salary_bands(
    loader: _Loader,
    items: list[dict[str, Any]],
    roles: dict[str, Role],
    levels: dict[str, SeniorityLevel],
) -> None:
    for item in items:
        if item["role"] not in roles:
            continue
        role, level = roles[item["role"]], levels[item["level"]]
        loader.sync(
            SalaryBand,
            f"{role.slug}/{level.slug}/{item['employer_kind']}",
            {"role": role, "level": level, "employer_kind": item["employer_kind"]},
            _pick(item, "min_gbp", "max_gbp", "open_ended", "source_note"),
        )


def _load_paths(
    loader: _Loader,
    items: list[dict[str, Any]],
    roles: dict[str, Role],
    levels: dict[str, SeniorityLevel],
    skills: dict[str, Skill],
) -> None:
    for item in items:
        if item["role"] not in roles:
            continue
        path = loader.sync(
            LearningPath,
            item["slug"],
            {"slug": item["slug"]},
            {
                **_pick(item, "title", "summary", "sequential", "status"),
                "role": roles[item["role"]],
                "level": levels[item["level"]],
            },
        )
        if path is None:
            continue
        if path.status == LearningPath.Status.PUBLISHED and path.published_at is None:
            path.published_at = timezone.now()
            path.save(update_fields=["published_at"])
        _load_steps(loader, path, item["steps"], skills)
        problems = path_publication_problems(path=path)
        if path.status == LearningPath.Status.PUBLISHED and problems:
            raise ValidationError(f"Path {path.slug} is published but {'; '.join(problems)}.")


def _load_steps(
    loader: _Loader, path: LearningPath, items: list[dict[str, Any]], skills: dict[str, Skill]
) -> None:
    steps: dict[int, Step] = {}
    for position, item in enumerate(items, start=1):
        step = loader.sync(
            Step,
            f"{path.slug}/{position}",
            {"path": path, "position": position},
            {
                "title": item["title"],
                "kind": item["kind"],
                "resource_url": item["url"],
                "estimated_minutes": item["minutes"],
            },
            {"prerequisites": [steps[p] for p in item.get("prerequisites", []) if p in steps]},
        )
        if step is None:
            continue
        steps[position] = step
        wanted = set()
        for slug, level in item["skills"].items():
            if slug not in skills:
                continue
            wanted.add(f"{path.slug}/{position}/{slug}")
            loader.sync(
                StepSkill,
                f"{path.slug}/{position}/{slug}",
                {"step": step, "skill": skills[slug]},
                {"level": level},
            )
        loader.prune(
            StepSkill,
            (
                (f"{path.slug}/{position}/{link.skill.slug}", link)
                for link in StepSkill.objects.filter(step=step).select_related("skill")
            ),
            wanted,
            ("level",),
        )
