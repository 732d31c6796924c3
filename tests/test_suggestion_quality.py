"""Precision and recall of tag suggestions on the labelled set (tests/suggestion_labels.py).

The thresholds are the figures measured when the matcher was written (README, "Tag
suggestions"), rounded down: a change to the rule that loses precision or recall fails here.
"""

from dataclasses import dataclass

from articles.digest import parse
from articles.models import PARAGRAPH_SEPARATOR
from articles.suggestions import MatchedBy, Spelling, Vocabulary
from tests import suggestion_labels as labels
from tests.factories import SEEDS

# Measured: seeds 64 right of 72 suggested, of 75 labels (0.889, 0.853); generated 2,635 of
# 2,635, of 2,699 (1.000, 0.976). The seeds' misses are adjectives ("Russian", "North
# Korean"), their false ones tags named in passing; the generated misses are names written
# without their accents, which the rule keeps apart on purpose (articles/suggestions.py).
SEEDS_PRECISION, SEEDS_RECALL = 0.88, 0.85
GENERATED_PRECISION, GENERATED_RECALL = 0.99, 0.97


@dataclass(frozen=True)
class Score:
    true: int
    suggested: int
    labelled: int

    @property
    def precision(self):
        return self.true / self.suggested

    @property
    def recall(self):
        return self.true / self.labelled


def vocabulary(names):
    spellings = []
    for tag_id, (name, aliases) in enumerate(names.items()):
        spellings.append(Spelling(tag_id, name, MatchedBy.NAME, name))
        spellings += [Spelling(tag_id, name, MatchedBy.ALIAS, alias) for alias in aliases]
    return Vocabulary(spellings)


def score(words, items):
    """items: (title, teaser, labels); micro-averaged over every (item, tag)."""
    true = suggested = labelled = 0
    for title, teaser, wanted in items:
        got = {one.tag_name for one in words.suggest(title, teaser)}
        true += len(got & wanted)
        suggested += len(got)
        labelled += len(wanted)
    return Score(true, suggested, labelled)


def seed_items():
    entries = [
        entry for path in sorted(SEEDS.glob("*.txt")) for entry in parse(path.read_bytes()).items
    ]
    assert len(entries) == len(labels.SEED_LABELS)
    return [
        (entry.title, PARAGRAPH_SEPARATOR.join(entry.paragraphs), wanted)
        for entry, wanted in zip(entries, labels.SEED_LABELS, strict=True)
    ]


def generated_items():
    return [(one.title, one.teaser, one.labels) for one in labels.generated()]


def test_on_the_seeds_labelled_by_hand():
    found = score(vocabulary(labels.SEED_VOCABULARY), seed_items())
    assert found.precision >= SEEDS_PRECISION
    assert found.recall >= SEEDS_RECALL


def test_on_generated_items_with_10000_distractor_tags():
    found = score(vocabulary(labels.generated_vocabulary()), generated_items())
    assert found.precision >= GENERATED_PRECISION
    assert found.recall >= GENERATED_RECALL
