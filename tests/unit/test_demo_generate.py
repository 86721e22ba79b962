"""The demo commune is deterministic, plausible and passes the identity rules."""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from datetime import date

import pytest

from backend.demo import DemoData, DemoMember, generate_demo
from backend.demo.generate import COMMUNE_CODE, LAI_CHAU_CCCD
from backend.households.csv_import import RELATIONSHIP_CODES
from sync.identity import PROVINCE_CODES, check_cccd, check_phone, normalise_phone


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate_demo()


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _by_household(demo: DemoData) -> dict[object, list[DemoMember]]:
    groups: dict[object, list[DemoMember]] = defaultdict(list)
    for member in demo.members:
        groups[member.household_id].append(member)
    return groups


def test_same_seed_gives_identical_data_and_other_seeds_differ() -> None:
    assert generate_demo(7) == generate_demo(7)
    assert generate_demo(7) != generate_demo(8)
    assert generate_demo(7).households[0].id != generate_demo(8).households[0].id


def test_place_is_pu_sam_cap_in_lai_chau_with_three_villages(demo: DemoData) -> None:
    assert (demo.province_code, demo.province_name) == ("12", "Lai Châu")
    assert (demo.commune_code, demo.commune_name) == ("03532", "Pu Sam Cáp")
    assert len(demo.villages) == 3
    assert all(v.code.startswith(COMMUNE_CODE) and v.name.startswith("Bản ") for v in demo.villages)
    codes = {v.code for v in demo.villages}
    for household in demo.households:
        assert household.village_code in codes
        assert household.address.endswith(", xã Pu Sam Cáp, tỉnh Lai Châu")


def test_size_is_about_150_households_and_600_members(demo: DemoData) -> None:
    assert len(demo.households) == 150
    assert 520 <= len(demo.members) <= 700


def test_ids_are_unique_and_every_household_has_its_head_first(demo: DemoData) -> None:
    assert len({m.id for m in demo.members}) == len(demo.members)
    assert len({h.id for h in demo.households}) == len(demo.households)
    groups = _by_household(demo)
    assert set(groups) == {h.id for h in demo.households}
    for household in demo.households:
        members = groups[household.id]
        heads = [m for m in members if m.relationship == "chu_ho"]
        assert len(heads) == 1
        assert members[0].id == household.head_member_id == heads[0].id


def test_every_member_passes_the_identity_rules(demo: DemoData) -> None:
    for member in demo.members:
        if member.cccd is not None:
            assert check_cccd(member.cccd, member.date_of_birth, member.sex) == [], member
        if member.phone is not None:
            assert normalise_phone(member.phone) == member.phone
            assert check_phone(member.phone) == [], member


def test_adults_have_a_cccd_children_under_14_do_not(demo: DemoData) -> None:
    for member in demo.members:
        assert (member.cccd is not None) == (_age(member.date_of_birth, demo.as_of) >= 14)


def test_cccd_and_phone_numbers_are_unique(demo: DemoData) -> None:
    cccds = [m.cccd for m in demo.members if m.cccd]
    phones = [m.phone for m in demo.members if m.phone]
    assert len(cccds) == len(set(cccds))
    assert len(phones) == len(set(phones))


def test_most_cccds_carry_the_lai_chau_birth_province_and_all_are_real_codes(
    demo: DemoData,
) -> None:
    provinces = Counter(m.cccd[:3] for m in demo.members if m.cccd)
    assert set(provinces) <= set(PROVINCE_CODES)
    assert provinces[LAI_CHAU_CCCD] > 0.7 * sum(provinces.values())


def test_about_half_of_adults_have_a_phone(demo: DemoData) -> None:
    adults = [m for m in demo.members if _age(m.date_of_birth, demo.as_of) >= 18]
    with_phone = [m for m in adults if m.phone]
    assert 0.35 <= len(with_phone) / len(adults) <= 0.65
    assert all(_age(m.date_of_birth, demo.as_of) >= 18 for m in demo.members if m.phone)


def test_names_are_nfc_three_words_and_ethnicities_are_vietnamese_names(demo: DemoData) -> None:
    for member in demo.members:
        assert unicodedata.is_normalized("NFC", member.full_name)
        assert len(member.full_name.split(" ")) == 3
    ethnicities = Counter(m.ethnicity for m in demo.members)
    assert set(ethnicities) <= {"Mông", "Dao", "Thái", "Kinh", "Hà Nhì"}
    assert ethnicities.most_common(1)[0][0] == "Mông"
    assert {"Dao", "Thái", "Kinh"} <= set(ethnicities)


def test_relationships_use_the_shared_codes_and_match_sex(demo: DemoData) -> None:
    must_be = {"vo": "female", "chong": "male", "bo": "male", "me": "female", "ba": "female"}
    for member in demo.members:
        assert member.relationship in RELATIONSHIP_CODES
        if member.relationship in must_be:
            assert member.sex == must_be[member.relationship]


def test_dates_of_birth_are_consistent_with_relationships(demo: DemoData) -> None:
    for members in _by_household(demo).values():
        head = members[0]
        spouses = [m for m in members if m.relationship in ("vo", "chong")]
        children = [m for m in members if m.relationship == "con"]
        for child in children:
            for parent in [head, *spouses]:
                assert child.date_of_birth.year - parent.date_of_birth.year >= 18, members
        for elder in (m for m in members if m.relationship in ("bo", "me")):
            assert head.date_of_birth.year - elder.date_of_birth.year >= 18
        for grandparent in (m for m in members if m.relationship in ("ong", "ba")):
            assert head.date_of_birth.year - grandparent.date_of_birth.year >= 36
        for grandchild in (m for m in members if m.relationship == "chau"):
            assert grandchild.date_of_birth.year - head.date_of_birth.year >= 36
        for member in members:
            assert member.date_of_birth <= demo.as_of
            assert 0 <= _age(member.date_of_birth, demo.as_of) <= 100
        for spouse in spouses:
            assert _age(spouse.date_of_birth, demo.as_of) >= 18


def test_children_carry_the_fathers_surname(demo: DemoData) -> None:
    for members in _by_household(demo).values():
        head = members[0]
        if head.sex != "male":
            continue
        for child in (m for m in members if m.relationship == "con"):
            assert child.full_name.split(" ")[0] == head.full_name.split(" ")[0]


def test_there_are_young_couples_for_the_birth_registration_demo(demo: DemoData) -> None:
    assert len(demo.young_couple_household_ids) >= 15
    groups = _by_household(demo)
    for household_id in demo.young_couple_household_ids:
        women = [
            m
            for m in groups[household_id]
            if m.sex == "female" and 18 <= _age(m.date_of_birth, demo.as_of) <= 35
        ]
        assert women


def test_as_of_moves_every_age_with_it() -> None:
    later = generate_demo(2025, as_of=date(2030, 10, 1))
    for member in later.members:
        if member.cccd is not None:
            assert check_cccd(member.cccd, member.date_of_birth, member.sex) == []
    assert max(m.date_of_birth for m in later.members) > date(2026, 1, 1)


@pytest.mark.parametrize("seed", [1, 99, 31337])
def test_other_seeds_keep_the_same_invariants(seed: int) -> None:
    other = generate_demo(seed)
    test_ids_are_unique_and_every_household_has_its_head_first(other)
    test_every_member_passes_the_identity_rules(other)
    test_cccd_and_phone_numbers_are_unique(other)
    test_relationships_use_the_shared_codes_and_match_sex(other)
    test_dates_of_birth_are_consistent_with_relationships(other)
