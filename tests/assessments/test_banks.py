"""Loading question banks is idempotent, retires what a file drops and keeps a curator's edit;
a bad file is refused naming the question; curators write questions in the admin under the
kind's rule."""

from pathlib import Path

import pytest
from django.urls import reverse

from assessments.banks import BankError, banks_load
from assessments.models import Choice, Question
from tests.factories import SkillFactory

pytestmark = pytest.mark.django_db

BANK = """
skill = "rag-architecture"

[[question]]
level = 2
kind = "single"
text = "What does the vector index hold?"
choices = ["Chunk embeddings", "Model weights", "Prompts"]
correct = [0]
explanation = "One embedding per chunk."
source = "https://docs.example.com/rag"

[[question]]
level = 3
kind = "multiple"
text = "Which lower retrieval quality? Select all that apply."
choices = ["Chunks cut mid-sentence", "An embedding model unlike the query's", "Typed code"]
correct = [0, 1]
explanation = "Broken chunks and mismatched embeddings both hurt recall."
source = "https://docs.example.com/rag"
"""


def bank_dir(tmp_path: Path, text: str = BANK) -> Path:
    (tmp_path / "rag-architecture.toml").write_text(text)
    return tmp_path


def test_loading_twice_changes_nothing(tmp_path):
    SkillFactory.create(slug="rag-architecture")
    directory = bank_dir(tmp_path)

    first = banks_load(directory)
    second = banks_load(directory)

    assert (first.created, first.updated, first.retired) == (2, 0, 0)
    assert (second.created, second.updated, second.retired) == (0, 0, 0)
    single = Question.objects.get(level=2)
    assert (single.kind, single.source_url) == ("single", "https://docs.example.com/rag")
    assert list(single.choices.values_list("text", "is_correct")) == [
        ("Chunk embeddings", True),
        ("Model weights", False),
        ("Prompts", False),
    ]


def test_a_dropped_question_is_retired_a_changed_one_updated_and_a_curators_edit_kept(tmp_path):
    SkillFactory.create(slug="rag-architecture")
    banks_load(bank_dir(tmp_path))
    edited = Question.objects.get(level=3)
    edited.explanation = "A curator's better explanation."
    edited.save()
    changed = BANK.replace("One embedding per chunk.", "Each chunk's embedding.").replace(
        "Broken chunks and mismatched embeddings both hurt recall.", "Changed in the file."
    )
    changed_dir = bank_dir(tmp_path, changed)

    load = banks_load(changed_dir)

    assert (load.updated, load.kept_curator_edits) == (1, 1)
    assert Question.objects.get(level=2).explanation == "Each chunk's embedding."
    assert Question.objects.get(level=3).explanation == "A curator's better explanation."
    only_first = (
        changed.split("[[question]]")[0] + "[[question]]" + changed.split("[[question]]")[1]
    )
    assert banks_load(bank_dir(tmp_path, only_first)).retired == 1
    assert Question.objects.get(level=3).is_active is False
    assert Question.objects.count() == 2  # retired, not deleted


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ('correct = [0]\nexplanation = "Broken', "select-all question has two or more"),
        ('level = 6\nkind = "multiple"', "level out of 1-5"),
        ('choices = ["Chunk embeddings", "Model weights"', "3 to 5 choices"),
    ],
)
def test_a_bad_bank_file_is_refused_naming_the_question(tmp_path, broken, message):
    SkillFactory.create(slug="rag-architecture")
    replaced = {
        "select-all": ('correct = [0, 1]\nexplanation = "Broken', broken),
        "level out": ('level = 3\nkind = "multiple"', broken),
        "3 to 5": ('choices = ["Chunk embeddings", "Model weights", "Prompts"', broken),
    }
    old, new = next(pair for key, pair in replaced.items() if key in message)

    with pytest.raises(BankError, match=message) as refused:
        banks_load(bank_dir(tmp_path, BANK.replace(old, new)))

    assert "rag-architecture.toml question" in str(refused.value)
    assert Question.objects.count() == 0


def choice_rows(*answers: tuple[str, bool]) -> dict[str, object]:
    data: dict[str, object] = {
        "choices-TOTAL_FORMS": len(answers),
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 3,
        "choices-MAX_NUM_FORMS": 5,
    }
    for i, (text, correct) in enumerate(answers):
        data[f"choices-{i}-position"] = i
        data[f"choices-{i}-text"] = text
        if correct:
            data[f"choices-{i}-is_correct"] = "on"
    return data


@pytest.mark.parametrize(
    ("correct", "saved"), [((True, False, False), 1), ((True, True, False), 0)]
)
def test_a_curator_writes_a_question_under_its_kinds_rule(curator_client, correct, saved):
    skill = SkillFactory.create(slug="evaluation")
    answers = tuple(zip(("Recall@k", "Latency", "Token count"), correct, strict=True))

    response = curator_client.post(
        reverse("admin:assessments_question_add"),
        {
            "skill": skill.pk,
            "level": 2,
            "kind": "single",
            "text": "Which metric measures retrieval?",
            "explanation": "Recall@k counts relevant chunks retrieved.",
            "source_url": "",
            "is_active": "on",
            **choice_rows(*answers),
        },
    )

    assert Question.objects.count() == saved
    if saved:
        assert response.status_code == 302
        assert Choice.objects.filter(is_correct=True).count() == 1
    else:
        assert response.status_code == 200
        assert "exactly one correct choice" in response.content.decode()
