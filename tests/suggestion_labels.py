"""The labelled set of tag suggestions: which tags an editor would give each item, against
which the suggestions' precision and recall are measured (tests/test_suggestion_quality.py,
the README's figures).

Two parts:

- The seeds (20 real wire items), labelled by hand against ``SEED_VOCABULARY``: a tag is in
  an item's labels when the item is about it, not when it is named in passing ("the Sea of
  Japan", "used in Syria"), and whatever the words the text uses for it ("North Korean
  leader" is about North Korea).
- Generated items: bench/text.py's stories (deterministic, seed 1), each with mentions of
  ``GENERATED_TAGS`` put into its teaser in the forms the wire writes them (case, NBSPs,
  dashes, possessives, aliases), labelled by construction. Some mentions drop the accents
  (labelled: the item is about the tag, and the rule does not fold accents, so these are
  misses by design), and some are glued into a longer word (not labelled: not a mention).
  The vocabulary also holds bench's 10,000 tag names ("Zürich energy"), as distractors.
"""

import random
from dataclasses import dataclass

from bench.text import stories, tag_names

NK, RU, CN, JP, UA, SY, IR = "North Korea", "Russia", "China", "Japan", "Ukraine", "Syria", "Iran"
US, EU, SK, PU, KJU, LV = (
    "United States", "European Union", "South Korea", "Vladimir Putin", "Kim Jong-un",
    "Sergey Lavrov",
)  # fmt: skip
SA, MI, VL, KP = "Sanctions", "Missiles", "Vladivostok", "Korean Peninsula"

SEED_VOCABULARY = {
    NK: ["DPRK", "Pyongyang", "Democratic People's Republic of Korea"],
    RU: ["Russian Federation"],
    CN: [],
    JP: [],
    UA: [],
    SY: [],
    IR: [],
    US: ["U.S.", "US", "USA"],
    EU: ["EU"],
    SK: [],
    PU: ["Putin"],
    KJU: ["Kim Jong Un"],
    LV: ["Lavrov", "Sergei Lavrov"],
    SA: [],
    MI: [],
    VL: [],
    KP: [],
}

# The seeds' items in file order (000_… then 001_…): the tags an editor would give each.
SEED_LABELS = [
    {NK, RU, UA},  # workers to rebuild Donbas
    {RU, US, SA, VL, NK},  # Vladivostok shipping company hit by sanctions
    {EU, RU, CN, NK, SA},  # EU sanctions for cybercrimes
    {PU, KJU, NK, RU},  # Putin's medal for Kim
    {NK, RU},  # a Russian ship seized (the Sea of Japan, a South Korean port: in passing)
    {NK, RU, MI, KJU},  # missiles like Iskanders (Syria in passing)
    {KJU, NK, RU},  # the Kremlin praises Kim
    {PU, NK, KJU, RU},  # Putin to visit (Vladivostok, South Korean daily: in passing)
    {PU, KJU, NK, RU},  # Putin and Kim on economic cooperation
    {KJU, RU, NK},  # Kim's armored train
    {NK, RU, KJU, LV},  # Lavrov's box
    {LV, NK, RU},  # Lavrov to visit
    {KJU, NK, RU, CN},  # Kim to visit Russia, after China
    {PU, KJU, RU, NK},  # an oppositionist on Putin's statements
    {RU, US, NK, SA},  # Russia will not recognize US sanctions
    {PU, KJU, NK, RU},  # Kim "winner of the match"
    {JP, NK, KP},  # Japan's scenarios of a conflict on the Korean peninsula
    {RU, CN, NK, MI},  # Russia and China helped with missiles
    {RU, US, NK},  # the "threats race"
    {PU, RU, US, NK, IR},  # Russia on the same level as North Korea and Iran
]

# Tags no bench story names by itself (not among its places, actors, outlets…), so that a
# generated item's labels are exactly the mentions put into it.
GENERATED_TAGS = {
    "Kim Jong-un": ["Kim Jong Un"],
    "African Union": ["AU"],
    "Sergey Lavrov": ["Sergei Lavrov"],
    "International Monetary Fund": ["IMF"],
    "Zoë Okonjo-Iweala": [],
    "Burkina Faso": ["Burkina"],
    "Dmitry Peskov": [],
    "Yoon Suk-yeol": ["Yoon Suk Yeol"],
    "Mercosur": [],
    "Søren Brostrøm": [],
}
GENERATED_ITEMS = 2_000
DISTRACTOR_TAGS = 10_000


@dataclass(frozen=True)
class Labelled:
    title: str
    teaser: str
    labels: frozenset


def _forms(rng, spelling):
    """A mention of spelling as the wire may write it: (text, is it a mention)."""
    form = rng.randrange(9)
    if form == 0:
        return spelling.upper(), True
    if form == 1:
        return spelling.lower(), True
    if form == 2:
        return spelling.replace(" ", "\u00a0"), True
    if form == 3:
        return spelling.replace("-", " ") if "-" in spelling else spelling + "\u2019s", True
    if form == 4:
        return spelling + "-based", True
    if form == 5:
        plain = spelling.translate(str.maketrans("ëøôØ", "eooO"))
        return plain, True  # the item is about the tag: without its accents, a miss
    if form == 6:
        return "pro" + spelling.replace(" ", "").lower() + "ist", False  # glued: no mention
    return spelling, True


def generated():
    """The generated part: GENERATED_ITEMS labelled items, the same on every run."""
    rng = random.Random(1)
    names = list(GENERATED_TAGS)
    items = []
    for story in stories(rng, GENERATED_ITEMS):
        labels = set()
        sentences = []
        for tag in rng.sample(names, rng.randint(0, 3)):
            spelling = rng.choice([tag, *GENERATED_TAGS[tag]])
            text, mention = _forms(rng, spelling)
            if mention:
                labels.add(tag)
            sentences.append(f"Talks with {text} went on, officials said.")
        paragraphs = [*story.paragraphs]
        paragraphs[0] = " ".join([paragraphs[0], *sentences])
        items.append(Labelled(story.title, "\n\n".join(paragraphs), frozenset(labels)))
    return items


def generated_vocabulary():
    """GENERATED_TAGS and bench's DISTRACTOR_TAGS tag names: {name: [aliases]}."""
    vocabulary = {name: [] for name in tag_names(random.Random(1), DISTRACTOR_TAGS)}
    vocabulary.update(GENERATED_TAGS)
    return vocabulary
