"""Generate a plausible, deterministic demo commune: Pu Sam Cáp, Lai Châu.

Pure: no database, no clock, no global random state. The same ``seed`` and ``as_of`` always
give byte-identical data (ids are uuid5 derived from the seed), so the lead's loader can be
re-run idempotently. Every member passes ``sync.identity.check_cccd`` / ``check_phone``.

Place facts: Lai Châu's 2-digit administrative code is 12 and its CCCD birth-province code is
012. Pu Sam Cáp's commune code 03532 is the one in the 2025 list of commune-level units (the
commune was re-formed from Pa Khóa, Noong Hẻo and Pu Sam Cáp when districts were abolished).
The three village (bản) names are typical of the area but were not checked against an official
list; the village codes ("03532-01"…) are invented for the demo.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final, Literal

from backend.demo.names import DAO, HA_NHI, KINH, MONG, POOLS, THAI
from sync.identity import Sex, century_sex_digit

Relationship = Literal[
    "chu_ho", "vo", "chong", "con", "bo", "me", "ong", "ba", "chau", "anh_chi_em", "khac"
]

PROVINCE_CODE: Final = "12"
PROVINCE_NAME: Final = "Lai Châu"
COMMUNE_CODE: Final = "03532"
COMMUNE_NAME: Final = "Pu Sam Cáp"
LAI_CHAU_CCCD: Final = "012"
DEFAULT_AS_OF: Final = date(2025, 10, 1)
HOUSEHOLD_COUNT: Final = 150
CCCD_MIN_AGE: Final = 14  # Law on Identity 2023: compulsory from 14
PHONE_MIN_AGE: Final = 18


@dataclass(frozen=True, slots=True)
class DemoVillage:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class DemoMember:
    id: uuid.UUID
    household_id: uuid.UUID
    full_name: str
    date_of_birth: date
    sex: Sex
    cccd: str | None
    phone: str | None
    relationship: Relationship
    ethnicity: str


@dataclass(frozen=True, slots=True)
class DemoHousehold:
    id: uuid.UUID
    village_code: str
    address: str
    head_member_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class DemoData:
    """The whole demo commune. ``members`` are grouped by household, head first."""

    seed: int
    as_of: date
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str
    villages: tuple[DemoVillage, ...]
    households: tuple[DemoHousehold, ...]
    members: tuple[DemoMember, ...]
    # Households with a married couple where the wife is 18–35: candidates for the
    # birth-registration demo (a new baby to declare).
    young_couple_household_ids: tuple[uuid.UUID, ...]


VILLAGES: Final = (
    DemoVillage(f"{COMMUNE_CODE}-01", "Bản Nậm Khăn"),
    DemoVillage(f"{COMMUNE_CODE}-02", "Bản Sì Thâu Chải"),
    DemoVillage(f"{COMMUNE_CODE}-03", "Bản Phìn Khò"),
)

# Pu Sam Cáp is overwhelmingly Mông; a few Dao, Thái and Kinh households.
_HOUSEHOLD_ETHNICITY: Final = ((MONG, 78), (DAO, 8), (THAI, 9), (KINH, 5))
# Where spouses marrying in were born (CCCD province of birth registration).
_OUTSIDE_BIRTH_PROVINCES: Final = {
    MONG: ("011", "010", "014"),
    DAO: ("010", "011"),
    THAI: ("011", "014"),
    KINH: ("036", "034", "025", "033", "037", "038"),
    HA_NHI: ("012", "011"),
}
_PHONE_PREFIXES: Final = (
    # Viettel dominates in mountain communes; weights by repetition.
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
    "086",
    "096",
    "097",
    "098",
    "032",
    "035",
    "038",
    "097",
    "098",
    "081",
    "082",
    "083",
    "084",
    "085",
    "088",
    "091",
    "094",
    "070",
    "076",
    "077",
    "078",
    "079",
    "089",
    "090",
    "093",
    "056",
    "058",
    "059",
    "087",
    "099",
)


@dataclass(slots=True)
class _Person:
    sex: Sex
    born: date
    ethnicity: str
    surname: str
    relationship: Relationship
    birth_province: str = LAI_CHAU_CCCD
    name: str = ""


@dataclass(slots=True)
class _State:
    rng: random.Random
    as_of: date
    used_cccd: set[str] = field(default_factory=set)
    used_phone: set[str] = field(default_factory=set)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _born_at_age(state: _State, age: int) -> date:
    """A birth date making the person exactly ``age`` on ``as_of`` (never after ``as_of``)."""
    latest = date(state.as_of.year - age, state.as_of.month, min(state.as_of.day, 28))
    earliest = latest - timedelta(days=364)
    return earliest + timedelta(days=state.rng.randrange((latest - earliest).days + 1))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in pairs], [weight for _, weight in pairs])[0]


def _name(state: _State, person: _Person) -> str:
    pool = POOLS[person.ethnicity]
    rng = state.rng
    if person.sex == "male":
        middle, given = rng.choice(pool.male_middles), rng.choice(pool.male_given)
    else:
        middle, given = rng.choice(pool.female_middles), rng.choice(pool.female_given)
    return f"{person.surname} {middle} {given}"


def _cccd(state: _State, person: _Person) -> str | None:
    if _age(person.born, state.as_of) < CCCD_MIN_AGE:
        return None
    head = (
        f"{person.birth_province}{century_sex_digit(person.born.year, person.sex)}"
        f"{person.born.year % 100:02d}"
    )
    while True:
        number = f"{head}{state.rng.randrange(1_000_000):06d}"
        if number not in state.used_cccd:
            state.used_cccd.add(number)
            return number


def _phone(state: _State, person: _Person) -> str | None:
    if _age(person.born, state.as_of) < PHONE_MIN_AGE or state.rng.random() >= 0.5:
        return None
    while True:
        number = f"{state.rng.choice(_PHONE_PREFIXES)}{state.rng.randrange(10_000_000):07d}"
        if number not in state.used_phone:
            state.used_phone.add(number)
            return number


def _spouse_ethnicity(state: _State, ethnicity: str) -> str:
    if state.rng.random() < 0.9:
        return ethnicity
    return state.rng.choice([e for e in (MONG, DAO, THAI, KINH, HA_NHI) if e != ethnicity])


def _spouse(state: _State, partner: _Person, relationship: Relationship) -> _Person:
    """Wife (or husband) of ``partner``: own surname, usually own ethnic group, close in age."""
    rng = state.rng
    partner_age = _age(partner.born, state.as_of)
    sex: Sex = "female" if partner.sex == "male" else "male"
    gap = rng.randint(0, 6)
    age = partner_age - gap if sex == "female" else partner_age + gap
    age = max(age, 18 if sex == "female" else 20)  # legal marriage ages
    ethnicity = _spouse_ethnicity(state, partner.ethnicity)
    surnames = [s for s in POOLS[ethnicity].surnames if s != partner.surname]
    outside = rng.random() < (0.6 if ethnicity == KINH else 0.15)
    province = rng.choice(_OUTSIDE_BIRTH_PROVINCES[ethnicity]) if outside else LAI_CHAU_CCCD
    return _Person(
        sex=sex,
        born=_born_at_age(state, age),
        ethnicity=ethnicity,
        surname=rng.choice(surnames),
        relationship=relationship,
        birth_province=province,
    )


def _children(
    state: _State,
    father: _Person,
    mother: _Person,
    count: int,
    relationship: Relationship,
) -> list[_Person]:
    """Up to ``count`` children born while the mother was 18–42 (and the father ≥ 20)."""
    rng = state.rng
    mother_age = _age(mother.born, state.as_of)
    # One spare year: birth dates spread over a year, so age gaps can shrink by one.
    oldest_possible = min(mother_age - 19, _age(father.born, state.as_of) - 21)
    youngest_possible = max(0, mother_age - 42)
    if oldest_possible < youngest_possible:
        return []
    ages: list[int] = []
    age = min(oldest_possible, youngest_possible + rng.randint(0, 3 + 2 * count))
    while len(ages) < count and age >= youngest_possible:
        ages.append(age)
        age -= rng.randint(1, 4)
    return [
        _Person(
            sex=rng.choice(("male", "female")),
            born=_born_at_age(state, child_age),
            ethnicity=father.ethnicity,
            surname=father.surname,
            relationship=relationship,
        )
        for child_age in ages
    ]


def _head(state: _State, ethnicity: str, sex: Sex, age: int) -> _Person:
    return _Person(
        sex=sex,
        born=_born_at_age(state, age),
        ethnicity=ethnicity,
        surname=state.rng.choice(POOLS[ethnicity].surnames),
        relationship="chu_ho",
        birth_province=(
            state.rng.choice(_OUTSIDE_BIRTH_PROVINCES[KINH])
            if ethnicity == KINH and state.rng.random() < 0.7
            else LAI_CHAU_CCCD
        ),
    )


def _household_people(state: _State, ethnicity: str) -> tuple[list[_Person], bool]:
    """People of one household, head first, and whether it has a young married couple."""
    rng = state.rng
    kind = rng.choices(
        ("young", "nuclear", "with_parents", "elder", "widow", "wife_head"),
        (26, 34, 14, 10, 11, 5),
    )[0]
    people: list[_Person] = []
    couple_wife: _Person | None = None  # the wife of a couple living in the household
    if kind == "young":
        head = _head(state, ethnicity, "male", rng.randint(20, 29))
        wife = couple_wife = _spouse(state, head, "vo")
        people = [head, wife, *_children(state, head, wife, rng.randint(0, 2), "con")]
    elif kind == "nuclear":
        head = _head(state, ethnicity, "male", rng.randint(28, 55))
        wife = couple_wife = _spouse(state, head, "vo")
        large = 5 if ethnicity == MONG else 3
        people = [head, wife, *_children(state, head, wife, rng.randint(1, large), "con")]
        if rng.random() < 0.15:
            head_age = _age(head.born, state.as_of)
            sibling = _Person(
                sex=rng.choice(("male", "female")),
                born=_born_at_age(state, rng.randint(15, max(15, head_age - 2))),
                ethnicity=head.ethnicity,
                surname=head.surname,
                relationship="anh_chi_em",
            )
            people.append(sibling)
    elif kind == "with_parents":
        head = _head(state, ethnicity, "male", rng.randint(22, 40))
        wife = couple_wife = _spouse(state, head, "vo")
        head_age = _age(head.born, state.as_of)
        father = _Person(
            "male",
            _born_at_age(state, head_age + rng.randint(20, 30)),
            head.ethnicity,
            head.surname,
            "bo",
        )
        mother = _spouse(state, father, "me")
        mother.born = _born_at_age(state, head_age + rng.randint(19, 26))
        people = [head, wife, *_children(state, head, wife, rng.randint(1, 3), "con")]
        if rng.random() < 0.8:
            people.append(father)
        people.append(mother)
        if rng.random() < 0.15:
            clans = [c for c in POOLS[head.ethnicity].surnames if c != head.surname]
            grandmother = _Person(
                "female",
                _born_at_age(state, head_age + rng.randint(40, 48)),
                head.ethnicity,
                rng.choice(clans),
                "ba",
            )
            people.append(grandmother)
    elif kind == "elder":
        head = _head(state, ethnicity, "male", rng.randint(55, 78))
        wife = _spouse(state, head, "vo")
        people = [head, wife]
        sons = _children(state, head, wife, rng.randint(1, 2), "con")
        people.extend(sons)
        married_son = next(
            (s for s in sons if s.sex == "male" and _age(s.born, state.as_of) >= 20), None
        )
        if married_son is not None:
            daughter_in_law = couple_wife = _spouse(state, married_son, "khac")
            people.append(daughter_in_law)
            people.extend(_children(state, married_son, daughter_in_law, rng.randint(1, 3), "chau"))
    elif kind == "widow":
        head = _head(state, ethnicity, "female", rng.randint(35, 72))
        # Children carry the late husband's clan name; he is not a member.
        late_husband = _spouse(state, head, "chong")
        people = [head, *_children(state, late_husband, head, rng.randint(1, 4), "con")]
    else:  # wife_head: the wife is registered as head, the husband as "chong"
        head = _head(state, ethnicity, "female", rng.randint(24, 50))
        husband = _spouse(state, head, "chong")
        couple_wife = head
        people = [head, husband, *_children(state, husband, head, rng.randint(0, 3), "con")]
    young = couple_wife is not None and 18 <= _age(couple_wife.born, state.as_of) <= 35
    return people, young


def generate_demo(seed: int = 2025, *, as_of: date = DEFAULT_AS_OF) -> DemoData:
    """Build the demo commune for ``seed`` as it stands on ``as_of`` (ages are counted to it).

    Deterministic for a given (seed, as_of). Pass today's date as ``as_of`` for a live demo so
    the young couples are of child-bearing age today.
    """
    state = _State(rng=random.Random(seed), as_of=as_of)
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:langso:demo:{seed}")
    households: list[DemoHousehold] = []
    members: list[DemoMember] = []
    young_ids: list[uuid.UUID] = []
    for index in range(HOUSEHOLD_COUNT):
        village = VILLAGES[index % len(VILLAGES)]
        household_id = uuid.uuid5(namespace, f"household/{index}")
        ethnicity = _weighted(state.rng, _HOUSEHOLD_ETHNICITY)
        people, young = _household_people(state, ethnicity)
        if young:
            young_ids.append(household_id)
        member_ids = [uuid.uuid5(namespace, f"member/{index}/{n}") for n in range(len(people))]
        for member_id, person in zip(member_ids, people, strict=True):
            members.append(
                DemoMember(
                    id=member_id,
                    household_id=household_id,
                    full_name=_name(state, person),
                    date_of_birth=person.born,
                    sex=person.sex,
                    cccd=_cccd(state, person),
                    phone=_phone(state, person),
                    relationship=person.relationship,
                    ethnicity=person.ethnicity,
                )
            )
        households.append(
            DemoHousehold(
                id=household_id,
                village_code=village.code,
                address=f"{village.name}, xã {COMMUNE_NAME}, tỉnh {PROVINCE_NAME}",
                head_member_id=member_ids[0],
            )
        )
    return DemoData(
        seed=seed,
        as_of=as_of,
        province_code=PROVINCE_CODE,
        province_name=PROVINCE_NAME,
        commune_code=COMMUNE_CODE,
        commune_name=COMMUNE_NAME,
        villages=VILLAGES,
        households=tuple(households),
        members=tuple(members),
        young_couple_household_ids=tuple(young_ids),
    )
