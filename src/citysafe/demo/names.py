"""Word lists for the demo city's generated street and venue names.

Names are drawn at random from these parts; any likeness to a real street is
chance. Nothing here may contain a comma or a double quote, so that CSV rows
need no quoting.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "PLACE_KINDS",
    "PUBLIC_KINDS",
    "SHOP_KINDS",
    "neighbourhood_names",
    "street_names",
    "venue_names",
]

STEMS = (
    "Alder", "Ashbrook", "Aspen", "Balfour", "Barkhill", "Beacon", "Beckett", "Beech",
    "Belgrave", "Birchfield", "Blackthorn", "Bramley", "Briar", "Brookdale", "Burnside",
    "Calder", "Cambourne", "Carlton", "Cedar", "Chapel", "Chatsworth", "Chestnut",
    "Clarendon", "Clover", "Colwyn", "Coniston", "Copperfield", "Cotswold", "Cranbourne",
    "Cromer", "Dalton", "Denby", "Derwent", "Dovecot", "Dunmore", "Eastwood", "Elderberry",
    "Elmfield", "Ennerdale", "Everdon", "Fairfield", "Falkner", "Fernhill", "Fenwick",
    "Finch", "Fletcher", "Foxglove", "Garnet", "Gladstone", "Glenmore", "Goldcrest",
    "Granby", "Grasmere", "Greenbank", "Hadley", "Halewood", "Harcourt", "Harlow",
    "Hartley", "Hawthorn", "Hazel", "Heather", "Heywood", "Highfield", "Holly", "Hornby",
    "Huxley", "Ingram", "Ivydale", "Jasmine", "Juniper", "Kelvin", "Kendal", "Kestrel",
    "Kingfisher", "Knowle", "Laburnum", "Lancaster", "Larch", "Lavender", "Ledbury",
    "Lilac", "Linden", "Lindley", "Linnet", "Lowther", "Lyndhurst", "Maple", "Marlow",
    "Marsden", "Mayfield", "Medway", "Melrose", "Merton", "Millbrook", "Milner", "Morland",
    "Mulberry", "Nelson", "Netherfield", "Newstead", "Norbury", "Oakdale", "Oakfield",
    "Orchard", "Orwell", "Osborne", "Paxton", "Pendle", "Penrose", "Pinewood", "Primrose",
    "Priory", "Quarry", "Radnor", "Ramsey", "Ravenscroft", "Redcliffe", "Ribble",
    "Richmond", "Ripley", "Rosedale", "Rowan", "Rufford", "Rushton", "Saltash", "Sandfield",
    "Sefton", "Selwyn", "Severn", "Sherwood", "Silverdale", "Skipton", "Somerville",
    "Sorrel", "Spencer", "Stanhope", "Starling", "Stirling", "Sutton", "Swallow",
    "Sycamore", "Talbot", "Tamar", "Tennyson", "Thirlmere", "Thornton", "Tudor", "Ullswater",
    "Upton", "Vernon", "Verity", "Vicarage", "Walmer", "Warwick", "Waverley", "Wellesley",
    "Wendover", "Westbury", "Whitby", "Whitfield", "Willow", "Wilton", "Windermere",
    "Winslow", "Woodlark", "Wren", "Wycliffe", "Yarrow", "York", "Abbotsford", "Ainsdale",
    "Arkwright", "Ashdown", "Bampton", "Bardsley", "Bexley", "Bowness", "Bradwell", "Brereton",
    "Buckland", "Caldbeck", "Carnforth", "Chadwick", "Claremont", "Clifton", "Corbett",
    "Crosby", "Dalmeny", "Dorrington", "Egerton", "Elswick", "Farnworth", "Gorsey",
    "Grafton", "Hambledon", "Haslam", "Hesketh", "Holbrook", "Kearsley", "Kirkham",
    "Langdale", "Lathom", "Leyburn", "Lonsdale", "Malvern", "Marchmont", "Moreton",
    "Newland", "Oakley", "Ormond", "Parkgate", "Pemberton", "Rainford", "Rydal",
    "Sandown", "Scarisbrick", "Shelley", "Stamford", "Tarleton", "Thurston", "Trafford",
    "Walden", "Warrender", "Wexford", "Whiston", "Winstanley", "Woolton",
)  # fmt: skip

MINOR_SUFFIXES = (
    "Street", "Street", "Street", "Road", "Road", "Avenue", "Close", "Drive", "Grove",
    "Terrace", "Crescent", "Way", "Place", "Walk", "Gardens", "Lane", "Mount", "Court",
)  # fmt: skip
MAJOR_SUFFIXES = ("Road", "Road", "Road", "Lane", "Street", "Avenue")
PREFIXES = ("Upper", "Lower", "Little", "Old", "New", "North", "South", "East", "West")

# police.uk's names for public places, as they appear in "On or near ..."
PLACE_KINDS = (
    "Supermarket",
    "Shopping Area",
    "Parking Area",
    "Petrol Station",
    "Park/Open Space",
    "Sports/Recreation Area",
    "Further/Higher Educational Building",
    "Hospital",
    "Police Station",
    "Bus/Coach Station",
    "Nightclub",
    "Pedestrian Subway",
)

# Safe Haven venue types and how many of the 35 venues are of each: shops on
# the parades, then public venues on the main roads
SHOP_KINDS: tuple[tuple[str, int], ...] = (
    ("convenience store", 7),
    ("takeaway", 5),
    ("newsagent", 3),
    ("pharmacy", 3),
    ("cafe", 3),
    ("barber", 2),
    ("bakery", 2),
    ("post office", 1),
    ("hairdresser", 1),
    ("launderette", 1),
)
PUBLIC_KINDS: tuple[tuple[str, int], ...] = (
    ("library", 2),
    ("community centre", 2),
    ("youth centre", 2),
    ("leisure centre", 1),
)

_SURNAMES = (
    "Ahmed", "Begum", "Brennan", "Carroll", "Chan", "Connolly", "Doyle", "Evans", "Flynn",
    "Hughes", "Iqbal", "Jones", "Kaur", "Kelly", "Lewis", "Lloyd", "McGrath", "Murphy",
    "Nolan", "Okafor", "Owen", "Patel", "Quinn", "Rahman", "Roberts", "Singh", "Walsh",
    "Williams", "Wong", "Yusuf",
)  # fmt: skip
_SHOP_WORDS = {
    "convenience store": ("Convenience Store", "Mini Market", "Food & Wine", "Local Store"),
    "takeaway": ("Chippy", "Pizza", "Kebab House", "Chinese Takeaway", "Grill"),
    "newsagent": ("News", "Newsagents"),
    "pharmacy": ("Pharmacy", "Chemist"),
    "cafe": ("Cafe", "Coffee House", "Tea Rooms"),
    "barber": ("Barbers", "Barber Shop"),
    "bakery": ("Bakery", "Bakehouse"),
    "post office": ("Post Office",),
    "hairdresser": ("Hair Studio", "Hair & Beauty"),
    "launderette": ("Launderette",),
}
_PUBLIC_WORDS = {
    "library": "Library",
    "community centre": "Community Centre",
    "youth centre": "Youth Centre",
    "leisure centre": "Leisure Centre",
}


def street_names(rng: np.random.Generator, minor: int, major: int) -> tuple[list[str], list[str]]:
    """Distinct names for ``minor`` side streets and ``major`` roads.

    Parameters
    ----------
    rng : numpy.random.Generator
        The city's random generator.
    minor, major : int
        How many names of each kind.

    Returns
    -------
    tuple of two lists of str
        Side-street names, then main-road names; no name repeats across both.
    """
    major_names = [f"{s} {x}" for s in STEMS for x in dict.fromkeys(MAJOR_SUFFIXES)]
    base = [f"{s} {x}" for s in STEMS for x in dict.fromkeys(MINOR_SUFFIXES)]
    # a big town runs out of plain names: "Upper", "Little" ... are used sparingly
    minor_names = base + [f"{p} {name}" for p in PREFIXES for name in base]
    if major + minor > len(minor_names):
        raise ValueError(f"only {len(minor_names)} street names, {major + minor} wanted")
    major_pick = [major_names[i] for i in rng.choice(len(major_names), major, replace=False)]
    taken = set(major_pick)
    pool = [name for name in minor_names if name not in taken]
    # weight the common suffixes as real places do: many Streets, few Mounts
    weights = np.array([MINOR_SUFFIXES.count(name.split()[-1]) for name in pool], float)
    weights[len(base) - len(taken & set(base)) :] *= 0.01
    minor_pick = rng.choice(len(pool), minor, replace=False, p=weights / weights.sum())
    return [pool[i] for i in minor_pick], major_pick


def venue_names(rng: np.random.Generator, kinds: list[str], streets: list[str]) -> list[str]:
    """A shop or centre name for each venue kind, some named after their street."""
    names: list[str] = []
    for kind, street in zip(kinds, streets, strict=True):
        stem = street.split()[0]
        if kind in _PUBLIC_WORDS:
            name = f"{stem} {_PUBLIC_WORDS[kind]}"
        else:
            words = _SHOP_WORDS[kind]
            word = words[int(rng.integers(len(words)))]
            if rng.random() < 0.5:
                name = f"{_SURNAMES[int(rng.integers(len(_SURNAMES)))]}'s {word}"
            else:
                name = f"{stem} {word}"
        if name in names:
            name = f"{name} {street.split()[-1]}"
        suffix = 2
        while name in names:
            name, suffix = f"{name} {suffix}", suffix + 1
        names.append(name)
    return names


def neighbourhood_names(rng: np.random.Generator, count: int, avoid: set[str]) -> list[str]:
    """Estate-like names for the home-security neighbourhoods, none a street's stem."""
    used = {name.split()[0] for name in avoid}
    stems = [s for s in STEMS if s not in used] or list(STEMS)
    stems = [s for s in stems if "park" not in s.lower() and "field" not in s.lower()]
    picks = rng.choice(len(stems), count, replace=False)
    ends = ("Estate", "Park", "Fields", "Heights", "Village")
    return [f"{stems[i]} {ends[k % len(ends)]}" for k, i in enumerate(picks)]
