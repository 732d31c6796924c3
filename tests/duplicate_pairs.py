"""The duplicate stories' test set: pairs of (title, teaser) that detection must flag, and
pairs it must not, on SQLite (Python's trigrams) and PostgreSQL (pg_trgm) alike."""

SHIP = (
    "Russian shipping company hit by U.S. sanctions on verge of bankruptcy",
    "On November 10, the cargo vessel Diana belonging to the Vladivostok-based Gudzon Shipping "
    "was not allowed to enter the port of Vladivostok. The crew reportedly left the vessel "
    "because of unpaid salaries, TASS reports.",
)
MEDAL = (
    "Putin awards Kim Jong-un 'World War II victory' medal",
    "Russian President Vladimir Putin signed a decree awarding the leader of North Korea Kim "
    "Jong-un a World War II Victory medal, Kommersant reports, citing the Russian Embassy in "
    "Pyongyang.",
)
CYBER = (
    "EU to impose sanctions against Russia, China and North Korea for cybercrimes",
    "The European Union has prepared sanctions against Russia, China and North Korea for "
    "cybercrimes against a number of countries. The security agencies of Russia, China and "
    "North Korea fell under the EU restrictions.",
)
WORKERS = (
    "Russian ambassador: North Korean workers could help to rebuild Donbas",
    "Russian Ambassador to North Korea Alexander Matsegora said in an interview with the "
    "Russian newspaper Izvestia that North Korean workers could be involved in the restoration "
    "of Ukrainian cities destroyed by the Russian army. Matsegora blamed Ukraine for the "
    "destruction.",
)
BOAT = (
    "North Korea seizes Russian fishing boat",
    "North Korea detained a Russian fishing boat with 17 sailors on board in its exclusive "
    "economic zone, the Russian embassy in Pyongyang said on Thursday.",
)
GRAIN = (
    "Zürich court rejects grain export deal in Malmö",
    "The Zürich court rejected on Monday a deal on grain exports signed in Malmö last spring. "
    "The judges found that the contract broke the rules on public tenders.",
)

# A re-worded headline, changed punctuation, a sentence added, and the three together.
MUST_FLAG = [
    (SHIP, ("Russian shipping firm hit by US sanctions on verge of bankruptcy", SHIP[1])),
    (SHIP, (SHIP[0], SHIP[1] + " The company has not commented.")),
    (MEDAL, ("Putin awards Kim Jong-un “World War II victory” medal", MEDAL[1])),
    (
        MEDAL,
        (
            "Putin gives Kim Jong-un a World War II victory medal",
            MEDAL[1].replace(", Kommersant", " - Kommersant"),
        ),
    ),
    (CYBER, ("EU imposes sanctions on Russia, China and North Korea over cybercrimes", CYBER[1])),
    (
        CYBER,
        (
            CYBER[0],
            CYBER[1] + " Visa bans and asset freezes hit six Russian and Chinese officials.",
        ),
    ),
    (
        WORKERS,
        ("North Korean workers could help rebuild Donbas, Russian ambassador says", WORKERS[1]),
    ),
    (BOAT, ("N. Korea seizes Russian fishing boat!", BOAT[1].replace("17", "seventeen"))),
    (
        GRAIN,
        (
            "Zürich court rejects grain-export deal in Malmö",
            "The Zürich court rejected on Monday a deal on grain exports, signed in Malmö last "
            "spring. The judges found that the contract broke the rules on public tenders. An "
            "appeal is expected.",
        ),
    ),
]

# Other stories: the same subject, the same people, a boilerplate sentence shared.
MUST_NOT_FLAG = [
    (SHIP, MEDAL),
    (SHIP, BOAT),
    (CYBER, WORKERS),
    (MEDAL, BOAT),
    (
        BOAT,
        (
            "North Korea returns Russian fishing boat",
            "North Korea released a Russian fishing boat and its crew after two weeks, the "
            "Foreign Ministry in Moscow said on Friday.",
        ),
    ),
    (
        CYBER,
        (
            "EU extends sanctions against Russia for another six months",
            "The European Union has extended its economic sanctions against Russia until July. "
            "The security agencies of Russia, China and North Korea fell under the EU "
            "restrictions.",
        ),
    ),
    (
        GRAIN,
        (
            "Zürich court backs fishing quotas in Malmö",
            "The Zürich court backed on Tuesday the fishing quotas agreed in Malmö. Fishermen "
            "had asked the judges to strike them down before the season.",
        ),
    ),
    (
        WORKERS,
        (
            "Russian ambassador: North Korean tourists could visit Crimea",
            "Russian Ambassador to North Korea Alexander Matsegora said tourists from Pyongyang "
            "could soon travel to Crimea on new charter flights.",
        ),
    ),
]
