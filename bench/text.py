"""The words of the synthetic digests: tag names, titles and teaser paragraphs.

Word lists in the wire's register. Non-ASCII on purpose: the importer must keep every byte.
Every function draws from the ``random.Random`` it is given, in a fixed order, so that the
same seed gives the same text. A few stories (one in ``RARE_EVERY``) mention ``RARE_WORD``,
which no other story does: the search benchmark's rare word.
"""

from __future__ import annotations

import random

from articles.digest import DigestItem

_NBSP = "\u00a0"
_CUT = _NBSP + "\u2026"
_PARAGRAPH_MIN, _PARAGRAPH_MAX = 150, 400
RARE_WORD = "quokka"
RARE_EVERY = 10_007
_RARE_SENTENCE = "Rangers counted the quokkas again."

_PLACES = (
    "Brussels", "Zürich", "Düsseldorf", "Vladivostok", "Seoul", "Pyongyang", "Kyiv", "Tbilisi",
    "Kraków", "Malmö", "São Paulo", "Reykjavík", "Côte d’Ivoire", "Nuuk", "Lagos", "Ankara",
    "Geneva", "Tromsø", "Gdańsk", "Bogotá", "Hanoi", "Jakarta", "Nairobi", "Oslo", "Lisbon",
    "Montréal", "Valparaíso", "Tallinn", "Vilnius", "Yerevan", "Baku", "Almaty", "Ulaanbaatar",
    "Manila", "Lima", "Quito", "Accra", "Dakar", "Tunis", "Beirut", "Amman", "Doha", "Muscat",
    "Colombo", "Dhaka", "Kathmandu", "Tirana", "Skopje", "Podgorica", "Chișinău",
)  # fmt: skip
_TOPICS = (
    "elections", "energy", "sanctions", "shipping", "agriculture", "health", "courts",
    "migration", "defence", "trade", "climate", "fisheries", "banking", "railways", "housing",
    "education", "media", "mining", "tourism", "labour", "taxes", "water", "aviation",
    "cybersecurity", "pensions", "ports", "telecoms", "police", "diplomacy", "budget",
    "wildfires", "floods", "ceasefire talks", "human rights", "public transport", "science",
    "space", "universities", "football", "culture",
)  # fmt: skip
_ACTORS = (
    "Russian ambassador", "EU foreign policy chief", "Zürich court", "Central bank",
    "Opposition leader", "Defence ministry", "Düsseldorf prosecutor", "Kremlin spokesman",
    "Energy regulator", "Port authority", "Health ministry", "Farmers’ union", "Coast guard",
    "Supreme court", "Election commission", "Rail workers’ union", "UN envoy", "Prime minister",
    "Finance minister", "City council", "Audit office", "Police chief", "Shipping company",
    "Mining giant", "Airline", "Teachers’ union", "Parliament", "Customs service", "Navy",
    "Border agency", "Refugee agency", "Pension fund", "Wheat exporter", "Fishing association",
    "State broadcaster", "Opposition party", "Nuclear watchdog", "Trade envoy",
    "Climate group", "Governor",
)  # fmt: skip
_VERBS = (
    "warns of", "calls for", "rejects", "announces", "backs", "delays", "condemns",
    "signs deal on", "opens inquiry into", "plans", "suspends", "defends", "criticises",
    "approves", "postpones", "cancels", "questions", "welcomes", "blocks", "proposes",
    "scraps", "extends", "demands answers on", "drops", "revives", "reviews", "limits",
    "freezes", "doubles", "tightens",
)  # fmt: skip
_OBJECTS = (
    "new sanctions", "grain exports", "gas price cap", "pension reform", "border checks",
    "nuclear talks", "cyber attack probe", "fishing quotas", "rail strike", "refugee quota",
    "budget cuts", "arms deliveries", "“temporary” tariffs", "ceasefire plan", "port fees",
    "visa rules", "coal phase-out", "bank bail-out", "wage deal", "school closures",
    "satellite launch", "water rationing", "fuel subsidies", "flight bans", "mining licences",
    "press law", "minimum wage rise", "housing subsidies", "debt relief", "grid upgrade",
    "drone purchases", "ferry contracts", "asylum reform", "tax on windfall profits",
    "vaccine orders", "election recount", "oil embargo", "bridge repairs", "steel quotas",
    "the “emergency” decree", "Müller’s resignation", "the ‘final’ offer", "airport expansion",
    "metro extension", "forest protection", "trade corridor", "wind farm tender",
    "rice imports", "copper prices", "teacher shortage",
)  # fmt: skip
_CONTEXTS = (
    "", "", "", "after summit", "amid protests", "ahead of vote", "as talks stall",
    "despite objections", "over ‘security concerns’", "for second time", "after court ruling",
    "amid row with neighbours", "as prices soar", "after storm damage", "before winter",
    "under pressure", "after leak", "following audit", "amid strike threat", "within weeks",
)  # fmt: skip
_FIRST_NAMES = (
    "Anna", "Jürgen", "Kim", "Olena", "Mehmet", "Ingrid", "José", "Aiko", "Tomasz", "Léa",
    "Nikolai", "Chloé", "Björn", "Amara", "Zoë", "Sören",
)  # fmt: skip
_SURNAMES = (
    "Müller", "Schröder", "Matsegora", "Nowak", "Öztürk", "Jürgensen", "Park", "Kovalenko",
    "Dubois", "Fernández", "Løkke", "Nakamura", "Okafor", "Sánchez", "Weiß", "Håkansson",
)  # fmt: skip
_OUTLETS = (
    "Izvestia", "TASS", "Reuters", "the Süddeutsche Zeitung", "Le Monde", "Yonhap", "NHK",
    "Interfax", "the Financial Times", "Kyodo", "Dagens Nyheter", "El País",
)  # fmt: skip
_ORGS = (
    "the ministry", "the company", "the European Commission", "the regulator", "the union",
    "the central bank", "the prosecutor’s office", "the city administration", "the coast guard",
    "the election commission", "the World Bank", "the port authority",
)  # fmt: skip
_THINGS = (
    "agreement", "contract", "decision", "plan", "proposal", "investigation", "tender",
    "programme", "licence", "ban", "reform", "deal",
)  # fmt: skip
_COMMODITIES = (
    "wheat", "diesel", "natural gas", "fertiliser", "copper", "rice", "coal", "electricity",
    "sunflower oil", "steel",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
# Each at most ~150 characters once filled in, which keeps paragraphs within 150..400.
_SENTENCES = (
    "{person} told {outlet} that the {thing} would be reviewed “within weeks”.",
    "The {thing} follows {small} months of talks between {place} and {place2}.",
    "According to {outlet}, about {big} people were affected in {place}.",
    "Officials in {place} said the measures would cost around {money}.",
    "“We are not going to accept this,” {person} said on {weekday}.",
    "{org_cap} declined to comment, citing the ongoing investigation.",
    "Critics say the {thing} ignores residents near {place}, some {distance} from the border.",
    "{person}’s office confirmed the figures late on {weekday}.",
    "Prices for {commodity} rose by {pct} in {month}, the highest level since {year}.",
    "Earlier this year, {org} warned that {commodity} supplies could run short.",
    "The vessel was not allowed to enter the port of {place}, {outlet} reports.",
    "{person} blamed {place2} for the delays and called the {thing} “unacceptable”.",
    "A vote in parliament is expected on {weekday}, {small} days later than planned.",
    "The {thing} covers {big} tonnes of {commodity} a year, worth about {money}.",
    "Protesters gathered outside the {org_short} offices in {place} on {weekday} evening.",
    "{org_cap} said it had “no choice” but to act after {small} failed attempts.",
    "The crew reportedly left because of unpaid salaries, {outlet} reports.",
    "Talks in {place} ended without a joint statement, according to {person}.",
    "Since {month} {year}, {org} has fined {small} companies a total of {money}.",
    "Residents of {place} say they were not consulted before the {thing} was signed.",
    "Analysts expect the {thing} to add {pct} to inflation over the next year.",
    "The company is also unable to sell its assets because of restrictions by its bank.",
)


def tag_names(rng: random.Random, count: int) -> list[str]:
    """Distinct tag names such as "Zürich energy"; numbered only once the pairs run out."""
    pairs = [f"{place} {topic}" for place in _PLACES for topic in _TOPICS]
    rng.shuffle(pairs)
    names = pairs[:count]
    rounds = 2
    while len(names) < count:
        names.extend(f"{pair} {rounds}" for pair in pairs[: count - len(names)])
        rounds += 1
    return names


def stories(rng: random.Random, count: int) -> list[DigestItem]:
    """Stories with distinct titles: the importer merges titles that differ only in case."""
    seen: set[str] = set()
    stories = []
    for number in range(count):
        title = _title(rng)
        # A few redraws, then a numbered update: this ends for any count, the redraws alone
        # would not once the word lists' combinations run low.
        for _attempt in range(5):
            if title.casefold() not in seen:
                break
            title = _title(rng)
        update = 2
        base = title
        while title.casefold() in seen:
            title = f"{base} (update {update})"
            update += 1
        seen.add(title.casefold())
        paragraphs = _paragraphs(rng)
        if number % RARE_EVERY == RARE_EVERY - 1:
            paragraphs = (f"{_RARE_SENTENCE} {paragraphs[0]}", *paragraphs[1:])
        stories.append(DigestItem(title, paragraphs))
    return stories


def _title(rng: random.Random) -> str:
    words = [rng.choice(_ACTORS), rng.choice(_VERBS), rng.choice(_OBJECTS)]
    context = rng.choice(_CONTEXTS)
    if context:
        words.append(context)
    if rng.random() < 0.5:
        words.append("in " + rng.choice(_PLACES))
    return " ".join(words)


def _paragraphs(rng: random.Random) -> tuple[str, ...]:
    count = rng.choice((1, 2, 2, 3, 3, 4))
    paragraphs = [_paragraph(rng) for _ in range(count)]
    # The wire cuts every teaser mid-sentence and marks the cut with NBSP + ellipsis.
    words = paragraphs[-1].split(" ")
    keep = len(words) - rng.randint(1, 6)
    while keep < len(words) - 1 and len(" ".join(words[:keep])) + len(_CUT) < _PARAGRAPH_MIN:
        keep += 1
    paragraphs[-1] = " ".join(words[:keep]).rstrip(".,") + _CUT
    return tuple(paragraphs)


def _paragraph(rng: random.Random) -> str:
    target = rng.randint(_PARAGRAPH_MIN, _PARAGRAPH_MAX)
    # Templates without repeats: the same sentence twice in a paragraph reads as a bug.
    templates = iter(rng.sample(_SENTENCES, len(_SENTENCES)))
    sentences: list[str] = []
    length = -1
    while length < target:
        sentences.append(_sentence(rng, next(templates)))
        length += len(sentences[-1]) + 1
    if length > _PARAGRAPH_MAX:
        # Only reached past 250 characters, as sentences are short, so 150 still holds.
        length -= len(sentences.pop()) + 1
    text = " ".join(sentences)
    # As in the seeds, a few paragraphs start with an NBSP, which a careless strip() would eat.
    leading_space = rng.random() < 0.03 and length < _PARAGRAPH_MAX
    return _NBSP + text if leading_space else text


def _sentence(rng: random.Random, template: str) -> str:
    org = rng.choice(_ORGS)
    return template.format(
        person=_person(rng),
        outlet=rng.choice(_OUTLETS),
        thing=rng.choice(_THINGS),
        place=rng.choice(_PLACES),
        place2=rng.choice(_PLACES),
        org=org,
        org_cap=org[0].upper() + org[1:],
        org_short=org.removeprefix("the "),
        commodity=rng.choice(_COMMODITIES),
        weekday=rng.choice(_WEEKDAYS),
        month=rng.choice(_MONTHS),
        year=rng.randint(1998, 2023),
        small=rng.randint(2, 19),
        big=_grouped(rng.randint(1_000, 990_000)),
        money=_money(rng),
        pct=f"{rng.randint(1, 99) / 10:.1f}{_NBSP}%",
        distance=f"{rng.randint(2, 300)}{_NBSP}km",
    )


def _person(rng: random.Random) -> str:
    surname = rng.choice(_SURNAMES)
    if rng.random() < 0.5:
        return f"{rng.choice(('Mr.', 'Ms.', 'Dr.'))}{_NBSP}{surname}"
    return f"{rng.choice(_FIRST_NAMES)} {surname}"


def _money(rng: random.Random) -> str:
    amount = rng.randint(2, 950)
    unit = rng.choice(("million", "billion"))
    return rng.choice(
        (f"€{amount}{_NBSP}{unit}", f"${amount}{_NBSP}{unit}", f"{amount} {unit} roubles")
    )


def _grouped(number: int) -> str:
    """Thousands grouped with NBSPs, as the wire's copy does."""
    return f"{number:,}".replace(",", _NBSP)
