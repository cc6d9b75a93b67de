"""Where each part of a role's page comes from: the source article, or Pathwise's own model.
Pure: reads the fields of a loaded role, for the pages (the `provenance` filter) and the API."""

from dataclasses import dataclass

from careers.models import Provenance, Role


@dataclass(frozen=True)
class Section:
    origin: str  # Provenance value: "source" or "pathwise"
    note: str = ""

    @property
    def label(self) -> str:
        return str(Provenance(self.origin).label)

    @property
    def is_source(self) -> bool:
        return self.origin == Provenance.SOURCE


@dataclass(frozen=True)
class RoleProvenance:
    summary: Section
    stack_position: Section
    day_in_the_life: Section
    toolchain: Section
    trajectory: Section
    math_depth: Section
    requirements: Section
    salary_bands: Section


SOURCE = Section(Provenance.SOURCE)
SALARY_NOTE = (
    "Exactly the figures the source gives, each with its context; a level it gives no figure "
    "for shows no data."
)
TOOLCHAIN_NOTES = {
    Provenance.SOURCE: "The tools are the source's; which skills each tool exercises is "
    "Pathwise's model.",
    Provenance.PATHWISE: "The source names no tools for this role: Pathwise's selection from "
    "the two toolchains it gives.",
}
MATH_DEPTH_NOTES = {
    Provenance.SOURCE: "Pathwise's one-word label for what the source says about the "
    "mathematics the role needs.",
    Provenance.PATHWISE: "The source says nothing about the mathematics this role needs.",
}
REQUIREMENTS_NOTE = (
    "The source gives no levels or weights: which skills each level needs, their target "
    "levels (1-5) and weights are Pathwise's own model."
)


def role_provenance(role: Role) -> RoleProvenance:
    return RoleProvenance(
        summary=SOURCE,
        stack_position=SOURCE,
        day_in_the_life=Section(role.day_in_the_life_provenance, role.day_in_the_life_context),
        toolchain=Section(
            role.toolchain_provenance, TOOLCHAIN_NOTES.get(role.toolchain_provenance, "")
        ),
        trajectory=SOURCE,
        math_depth=Section(
            role.math_depth_provenance, MATH_DEPTH_NOTES.get(role.math_depth_provenance, "")
        ),
        requirements=Section(Provenance.PATHWISE, role.model_note or REQUIREMENTS_NOTE),
        salary_bands=Section(Provenance.SOURCE, SALARY_NOTE),
    )
