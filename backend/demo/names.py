"""Name pools for the demo commune, by ethnic group (all strings NFC).

Patterns follow common naming in north-west Vietnam: Mông men often carry the middle name
"A", "Seo" or "Văn", Dao men "Láo", "Seo" or "Văn", women "Thị"; children take the
father's clan surname; a married woman keeps her own. Given names are ones typical of the
region; every full name is a random combination, not a real person.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class NamePool:
    surnames: tuple[str, ...]
    male_middles: tuple[str, ...]
    female_middles: tuple[str, ...]
    male_given: tuple[str, ...]
    female_given: tuple[str, ...]


MONG = "Mông"
DAO = "Dao"
THAI = "Thái"
KINH = "Kinh"
HA_NHI = "Hà Nhì"

POOLS: dict[str, NamePool] = {
    MONG: NamePool(
        surnames=("Giàng", "Lý", "Sùng", "Thào", "Vàng", "Mùa", "Hầu", "Vừ", "Lầu", "Hạng"),
        male_middles=("A", "A", "Seo", "Văn"),
        female_middles=("Thị",),
        male_given=(
            "Páo",
            "Dính",
            "Chứ",
            "Sử",
            "Pó",
            "Lử",
            "Tủa",
            "Chu",
            "Của",
            "Dế",
            "Tồng",
            "Nhè",
            "Xá",
            "Sính",
            "Phềnh",
            "Lềnh",
            "Chư",
            "Cở",
            "Dìa",
            "Thề",
            "Vảng",
            "Sùng",
            "Nủ",
            "Khua",
        ),
        female_given=(
            "Mỷ",
            "Dợ",
            "Súa",
            "Mai",
            "Dua",
            "Pằng",
            "Dính",
            "Sua",
            "Chở",
            "Ly",
            "Mỉ",
            "Xí",
            "Dung",
            "Sông",
            "Pà",
            "Dế",
            "Sinh",
            "Chía",
            "Mẩy",
            "Của",
            "Vá",
            "Lan",
        ),
    ),
    DAO: NamePool(
        surnames=("Tẩn", "Chảo", "Phàn", "Lý", "Đặng", "Triệu", "Bàn"),
        male_middles=("Láo", "Seo", "Văn"),
        female_middles=("Thị",),
        male_given=("Lở", "Chài", "Phin", "Sai", "Quẩy", "Chiêu", "Cáo", "Lưu", "Dìn", "Vần"),
        female_given=("Mẩy", "Xuân", "Sử", "Lai", "Chạn", "Mùi", "Dần", "Tá", "Mây", "Siêu", "Lở"),
    ),
    THAI: NamePool(
        surnames=("Lò", "Lường", "Quàng", "Tòng", "Cà", "Lù", "Điêu", "Vì", "Hoàng"),
        male_middles=("Văn",),
        female_middles=("Thị",),
        male_given=(
            "Pánh",
            "Ún",
            "Xương",
            "Khăm",
            "Ơn",
            "Thanh",
            "Hặc",
            "Chăn",
            "Phong",
            "Biên",
            "Tiến",
            "Inh",
            "Hom",
            "Kiên",
        ),
        female_given=(
            "Sươi",
            "Ón",
            "Bun",
            "Lả",
            "Ỉn",
            "Hương",
            "Xuân",
            "Phanh",
            "Ngọc",
            "Thoa",
            "Hoan",
            "Ánh",
            "Pỏm",
        ),
    ),
    KINH: NamePool(
        surnames=("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đỗ", "Vũ", "Bùi", "Đặng", "Ngô"),
        male_middles=("Văn", "Đức", "Minh", "Quang"),
        female_middles=("Thị", "Thu", "Ngọc", "Thanh"),
        male_given=("Hùng", "Dũng", "Tuấn", "Nam", "Long", "Hải", "Thắng", "Cường", "Toàn", "Đạt"),
        female_given=("Lan", "Hoa", "Hương", "Mai", "Hà", "Thủy", "Linh", "Trang", "Huyền", "Yến"),
    ),
    HA_NHI: NamePool(
        surnames=("Lò", "Chu", "Pờ", "Phìn", "Lý"),
        male_middles=("A", "Văn"),
        female_middles=("Thị",),
        male_given=("Dì", "Xá", "Hừ", "Chừ", "Gơ", "Pó"),
        female_given=("Mỳ", "Xó", "Lừ", "Chơ", "Gió", "Hà"),
    ),
}
