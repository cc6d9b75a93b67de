"""The shipped banks cannot be passed by guessing from the shape of the choices: a guesser who
picks the longest choice of a one-answer question, and every choice at least as long as the
median of a select-all question, gets few questions right, in every bank and overall."""

import statistics
from collections import Counter, defaultdict

from assessments.banks import BankQuestion, bank_read

MOST_PER_BANK = 0.40
"""At most this share of a skill and level's questions guessed right by length. With five
questions drawn and four to pass, a guesser at 0.40 passes about one check in twelve."""
MOST_OVERALL = 0.30


def guess(question: BankQuestion) -> frozenset[int]:
    lengths = [len(choice) for choice in question.choices]
    if question.kind == "single":
        return frozenset({lengths.index(max(lengths))})
    median = statistics.median(lengths)
    return frozenset(i for i, length in enumerate(lengths) if length >= median)


def guessed_right() -> dict[tuple[str, int], list[bool]]:
    by_bank: dict[tuple[str, int], list[bool]] = defaultdict(list)
    for question in bank_read():
        by_bank[question.skill, question.level].append(guess(question) == question.correct)
    return by_bank


def test_the_longest_choice_is_not_a_way_to_pass():
    by_bank = guessed_right()
    rates = {bank: sum(right) / len(right) for bank, right in by_bank.items()}
    overall = sum(sum(right) for right in by_bank.values()) / sum(map(len, by_bank.values()))

    too_guessable = {bank: round(rate, 2) for bank, rate in rates.items() if rate > MOST_PER_BANK}
    assert too_guessable == {}
    assert overall <= MOST_OVERALL


def test_no_rank_by_length_holds_the_answer_in_most_questions():
    """Nor does a guesser who picks the second longest, or the shortest: in one-answer
    questions the right choice is spread over the ranks by length."""
    ranks: Counter[int] = Counter()
    for question in bank_read():
        if question.kind == "single":
            lengths = [len(choice) for choice in question.choices]
            by_length = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
            (right,) = question.correct
            ranks[by_length.index(right)] += 1

    assert max(ranks.values()) / sum(ranks.values()) <= MOST_PER_BANK


def test_the_guesser_is_the_one_described():
    single = BankQuestion("s", 1, "single", "Q", ("a", "abc", "ab"), frozenset({1}), "", "")
    several = BankQuestion(
        "s", 1, "multiple", "Q", ("a", "abc", "ab", "abcd"), frozenset({1, 3}), "", ""
    )

    assert guess(single) == frozenset({1})
    assert guess(several) == frozenset({1, 3})  # median 2.5: the two longest
