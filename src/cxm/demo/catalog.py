"""Static reference data of the demo company 한결마트 (Hangyeol Mart).

Everything here is fixed (no randomness): the org tree, channels, the product list,
departments, the demo logins and the name pools the generator draws from. Pure Python,
no Django import, so the generator and the analytics tests can use it without a database.
"""

from __future__ import annotations

from dataclasses import dataclass

COMPANY_CODE = "HQ"
COMPANY_NAME_KO = "한결마트"
COMPANY_NAME_EN = "Hangyeol Mart"


@dataclass(frozen=True)
class Region:
    code: str
    name_ko: str
    name_en: str


@dataclass(frozen=True)
class Branch:
    """A store. ``weight`` is its relative share of members; ``area_code`` its phone prefix."""

    code: str
    slug: str
    name_ko: str
    name_en: str
    region: str
    weight: float
    area_code: str


REGIONS: tuple[Region, ...] = (
    Region("CAP", "수도권", "Capital Area"),
    Region("YNG", "영남", "Yeongnam"),
    Region("HNM", "호남", "Honam"),
)

# Seoul and Gyeonggi stores are the biggest; the weights give roughly the real population split.
BRANCHES: tuple[Branch, ...] = (
    Branch("B01", "gangnam", "강남점", "Gangnam", "CAP", 1.4, "02"),
    Branch("B02", "jamsil", "잠실점", "Jamsil", "CAP", 1.2, "02"),
    Branch("B03", "mapo", "마포점", "Mapo", "CAP", 1.0, "02"),
    Branch("B04", "bundang", "분당점", "Bundang", "CAP", 1.1, "031"),
    Branch("B05", "songdo", "인천송도점", "Incheon Songdo", "CAP", 0.9, "032"),
    Branch("B06", "gwanggyo", "수원광교점", "Suwon Gwanggyo", "CAP", 0.9, "031"),
    Branch("B07", "haeundae", "부산해운대점", "Busan Haeundae", "YNG", 1.0, "051"),
    Branch("B08", "seomyeon", "부산서면점", "Busan Seomyeon", "YNG", 0.8, "051"),
    Branch("B09", "suseong", "대구수성점", "Daegu Suseong", "YNG", 0.9, "053"),
    Branch("B10", "samsan", "울산삼산점", "Ulsan Samsan", "YNG", 0.6, "052"),
    Branch("B11", "gwangju", "광주상무점", "Gwangju Sangmu", "HNM", 0.8, "062"),
    Branch("B12", "jeonju", "전주효자점", "Jeonju Hyoja", "HNM", 0.6, "063"),
)

CALL_CENTRE_CODE = "CC"


@dataclass(frozen=True)
class Unit:
    """One row of the org tree, parents before children."""

    code: str
    name_ko: str
    name_en: str
    kind: str  # company / region / branch / team
    parent: str | None


def org_units() -> tuple[Unit, ...]:
    """The org tree: company -> 3 regions -> 12 branches -> a CS team each, plus the call centre.

    Returns
    -------
    tuple of Unit
        Parents come before their children, so the rows can be inserted in order.
    """
    units: list[Unit] = [Unit(COMPANY_CODE, COMPANY_NAME_KO, COMPANY_NAME_EN, "company", None)]
    units.append(Unit(CALL_CENTRE_CODE, "고객센터", "Customer Contact Centre", "team", COMPANY_CODE))
    units += [Unit(r.code, r.name_ko, r.name_en, "region", COMPANY_CODE) for r in REGIONS]
    units += [Unit(b.code, b.name_ko, b.name_en, "branch", b.region) for b in BRANCHES]
    units += [Unit(f"{b.code}-CS", f"{b.name_ko} CS팀", f"{b.name_en} CS team", "team", b.code) for b in BRANCHES]
    return tuple(units)


@dataclass(frozen=True)
class ChannelDef:
    code: str
    name_ko: str
    name_en: str
    kind: str


# Index order matters: the generator refers to channels by position.
CHANNELS: tuple[ChannelDef, ...] = (
    ChannelDef("STORE", "매장", "Store", "store"),
    ChannelDef("ONLINE", "온라인몰", "Online mall", "online"),
    ChannelDef("PHONE", "전화주문", "Phone order", "phone"),
    ChannelDef("APP", "모바일앱", "Mobile app", "app"),
)
STORE, ONLINE, PHONE, APP = range(4)


@dataclass(frozen=True)
class ProductDef:
    """A product; ``margin`` is the gross margin at list price (cost = price x (1 - margin))."""

    sku: str
    name_ko: str
    name_en: str
    category: str
    unit_price: int
    margin: float

    @property
    def unit_cost(self) -> int:
        # Costs are whole 10 won; prices whole 100 won (how Korean retail prices look).
        return int(round(self.unit_price * (1.0 - self.margin) / 10.0)) * 10


CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "fresh": ("신선식품", "Fresh food"),
    "grocery": ("가공식품", "Grocery"),
    "beverage": ("음료", "Beverages"),
    "household": ("생활용품", "Household"),
    "beauty": ("뷰티", "Beauty"),
    "fashion": ("패션", "Fashion"),
    "electronics": ("가전", "Electronics"),
    "service": ("서비스", "Services"),
}

# Companies (B2B) buy in bulk from these categories only: restaurants, offices, care homes.
B2B_CATEGORIES = frozenset({"fresh", "grocery", "beverage", "household"})

PRODUCTS: tuple[ProductDef, ...] = (
    ProductDef("FR-01", "한우 등심 1+ (500g)", "Korean beef sirloin 1+ (500 g)", "fresh", 62_000, 0.22),
    ProductDef("FR-02", "국내산 삼겹살 (1kg)", "Pork belly (1 kg)", "fresh", 26_900, 0.25),
    ProductDef("FR-03", "제주 감귤 (3kg)", "Jeju tangerines (3 kg)", "fresh", 15_900, 0.28),
    ProductDef("FR-04", "성주 참외 (2kg)", "Seongju oriental melons (2 kg)", "fresh", 19_800, 0.27),
    ProductDef("FR-05", "유기농 계란 (30구)", "Organic eggs (30)", "fresh", 11_900, 0.24),
    ProductDef("FR-06", "손질 고등어 (2마리)", "Mackerel, cleaned (2)", "fresh", 8_900, 0.30),
    ProductDef("FR-07", "부사 사과 (5kg)", "Fuji apples (5 kg)", "fresh", 34_900, 0.26),
    ProductDef("FR-08", "친환경 쌈채소", "Organic leaf greens", "fresh", 4_500, 0.32),
    ProductDef("FR-09", "완도 전복 (10미)", "Wando abalone (10)", "fresh", 29_800, 0.23),
    ProductDef("FR-10", "이천 쌀 (10kg)", "Icheon rice (10 kg)", "fresh", 38_900, 0.18),
    ProductDef("GR-01", "라면 멀티팩 (5입)", "Ramyeon multipack (5)", "grocery", 4_300, 0.20),
    ProductDef("GR-02", "포기김치 (3kg)", "Cabbage kimchi (3 kg)", "grocery", 21_900, 0.27),
    ProductDef("GR-03", "참기름 (320ml)", "Sesame oil (320 ml)", "grocery", 9_800, 0.30),
    ProductDef("GR-04", "고추장 (1kg)", "Gochujang (1 kg)", "grocery", 8_900, 0.28),
    ProductDef("GR-05", "캔햄 선물세트", "Canned ham gift set", "grocery", 39_800, 0.25),
    ProductDef("GR-06", "조미김 선물세트", "Seasoned laver gift set", "grocery", 24_900, 0.32),
    ProductDef("GR-07", "즉석밥 (12입)", "Instant rice (12)", "grocery", 13_900, 0.22),
    ProductDef("GR-08", "냉동 만두 (1.2kg)", "Frozen dumplings (1.2 kg)", "grocery", 10_900, 0.26),
    ProductDef("GR-09", "엑스트라버진 올리브유 (1L)", "Extra-virgin olive oil (1 l)", "grocery", 16_800, 0.29),
    ProductDef("GR-10", "홍삼정 선물세트", "Red ginseng extract gift set", "grocery", 89_000, 0.38),
    ProductDef("BV-01", "생수 (2L x 12)", "Bottled water (2 l x 12)", "beverage", 7_900, 0.20),
    ProductDef("BV-02", "원두커피 (1kg)", "Coffee beans (1 kg)", "beverage", 24_800, 0.35),
    ProductDef("BV-03", "녹차 티백 (100개)", "Green tea bags (100)", "beverage", 12_900, 0.33),
    ProductDef("BV-04", "과일주스 선물세트", "Fruit juice gift set", "beverage", 29_900, 0.28),
    ProductDef("BV-05", "탄산수 (500ml x 20)", "Sparkling water (500 ml x 20)", "beverage", 11_800, 0.24),
    ProductDef("HH-01", "두루마리 휴지 (30롤)", "Toilet paper (30 rolls)", "household", 18_900, 0.28),
    ProductDef("HH-02", "세탁세제 (3L)", "Laundry detergent (3 l)", "household", 15_900, 0.33),
    ProductDef("HH-03", "주방세제 (1L)", "Dish soap (1 l)", "household", 4_900, 0.35),
    ProductDef("HH-04", "키친타월 (6롤)", "Kitchen towels (6 rolls)", "household", 7_900, 0.30),
    ProductDef("HH-05", "밀폐용기 세트", "Food container set", "household", 29_900, 0.40),
    ProductDef("HH-06", "프라이팬 (28cm)", "Frying pan (28 cm)", "household", 39_900, 0.42),
    ProductDef("HH-07", "호텔 수건 세트 (5매)", "Hotel towel set (5)", "household", 24_900, 0.45),
    ProductDef("HH-08", "생활용품 선물세트", "Toiletries gift set", "household", 32_900, 0.36),
    ProductDef("HH-09", "물티슈 (10팩)", "Wet wipes (10 packs)", "household", 12_900, 0.31),
    ProductDef("BT-01", "기초 스킨케어 세트", "Skincare set", "beauty", 58_000, 0.48),
    ProductDef("BT-02", "선크림 (50ml)", "Sunscreen (50 ml)", "beauty", 19_800, 0.45),
    ProductDef("BT-03", "샴푸 (1L)", "Shampoo (1 l)", "beauty", 13_900, 0.40),
    ProductDef("BT-04", "바디워시 (900ml)", "Body wash (900 ml)", "beauty", 11_900, 0.42),
    ProductDef("BT-05", "핸드크림 세트", "Hand cream set", "beauty", 15_000, 0.50),
    ProductDef("BT-06", "마스크팩 (10매)", "Sheet masks (10)", "beauty", 12_000, 0.55),
    ProductDef("FS-01", "기능성 발열 내의", "Thermal underwear", "fashion", 29_900, 0.50),
    ProductDef("FS-02", "러닝화", "Running shoes", "fashion", 79_000, 0.45),
    ProductDef("FS-03", "경량 패딩 점퍼", "Light padded jacket", "fashion", 159_000, 0.52),
    ProductDef("FS-04", "양말 세트 (10켤레)", "Socks (10 pairs)", "fashion", 15_900, 0.55),
    ProductDef("FS-05", "여름 반팔 티셔츠", "Summer T-shirt", "fashion", 19_900, 0.52),
    ProductDef("FS-06", "3단 자동 우산", "Automatic folding umbrella", "fashion", 14_900, 0.50),
    ProductDef("EL-01", "55인치 UHD TV", "55-inch UHD TV", "electronics", 890_000, 0.10),
    ProductDef("EL-02", "김치냉장고 (300L)", "Kimchi refrigerator (300 l)", "electronics", 1_290_000, 0.12),
    ProductDef("EL-03", "전기압력밥솥 (10인용)", "Electric pressure rice cooker (10 cups)", "electronics", 239_000, 0.14),
    ProductDef("EL-04", "무선 청소기", "Cordless vacuum cleaner", "electronics", 459_000, 0.12),
    ProductDef("EL-05", "공기청정기", "Air purifier", "electronics", 329_000, 0.13),
    ProductDef("EL-06", "에어프라이어 (5.5L)", "Air fryer (5.5 l)", "electronics", 129_000, 0.15),
    ProductDef("EL-07", "블루투스 이어폰", "Bluetooth earbuds", "electronics", 89_000, 0.18),
    ProductDef("EL-08", "전기요", "Electric blanket", "electronics", 69_000, 0.20),
    ProductDef("EL-09", "스탠드 선풍기", "Standing fan", "electronics", 59_000, 0.18),
    ProductDef("SV-01", "가전 설치 서비스", "Appliance installation", "service", 50_000, 0.60),
    ProductDef("SV-02", "연장 보증 (2년)", "Extended warranty (2 years)", "service", 79_000, 0.70),
    ProductDef("SV-03", "정기배송 멤버십 (1개월)", "Delivery membership (1 month)", "service", 4_900, 0.65),
    ProductDef("SV-04", "세탁 대행 서비스", "Laundry service", "service", 15_000, 0.45),
    ProductDef("SV-05", "선물 포장", "Gift wrapping", "service", 3_000, 0.60),
)


@dataclass(frozen=True)
class DepartmentDef:
    code: str
    name_ko: str
    name_en: str
    unit: str  # the org unit the department belongs to


# Company-wide functions (the internal-customer surveys rate department x department).
DEPARTMENTS: tuple[DepartmentDef, ...] = (
    DepartmentDef("D-STORE", "매장운영팀", "Store operations", COMPANY_CODE),
    DepartmentDef("D-CS", "CS경영팀", "CS management", COMPANY_CODE),
    DepartmentDef("D-CC", "고객센터", "Customer contact centre", CALL_CENTRE_CODE),
    DepartmentDef("D-LOG", "물류팀", "Logistics", COMPANY_CODE),
    DepartmentDef("D-ECOM", "이커머스팀", "E-commerce", COMPANY_CODE),
    DepartmentDef("D-MKT", "마케팅팀", "Marketing", COMPANY_CODE),
    DepartmentDef("D-MD", "상품기획팀", "Merchandising", COMPANY_CODE),
    DepartmentDef("D-HR", "인사팀", "Human resources", COMPANY_CODE),
    DepartmentDef("D-FIN", "재무팀", "Finance", COMPANY_CODE),
    DepartmentDef("D-IT", "IT팀", "IT", COMPANY_CODE),
)


@dataclass(frozen=True)
class StaffSlot:
    """A position filled in every branch (``count`` people) or at one head-office unit."""

    department: str
    position_ko: str
    count: int


# About ten people per branch; the first slot is the branch manager (점장).
BRANCH_STAFF: tuple[StaffSlot, ...] = (
    StaffSlot("D-STORE", "점장", 1),
    StaffSlot("D-STORE", "부점장", 1),
    StaffSlot("D-STORE", "매니저", 3),
    StaffSlot("D-CS", "CS담당", 2),
    StaffSlot("D-LOG", "물류담당", 2),
    StaffSlot("D-ECOM", "온라인주문담당", 1),
)
HQ_STAFF: tuple[tuple[str, StaffSlot], ...] = (
    (COMPANY_CODE, StaffSlot("D-CS", "CS경영팀장", 1)),
    (COMPANY_CODE, StaffSlot("D-CS", "CS기획 매니저", 2)),
    (CALL_CENTRE_CODE, StaffSlot("D-CC", "센터장", 1)),
    (CALL_CENTRE_CODE, StaffSlot("D-CC", "상담원", 12)),
    (COMPANY_CODE, StaffSlot("D-LOG", "물류팀장", 1)),
    (COMPANY_CODE, StaffSlot("D-ECOM", "이커머스팀장", 1)),
    (COMPANY_CODE, StaffSlot("D-MKT", "마케터", 3)),
    (COMPANY_CODE, StaffSlot("D-MD", "MD", 3)),
    (COMPANY_CODE, StaffSlot("D-HR", "인사담당", 2)),
    (COMPANY_CODE, StaffSlot("D-FIN", "재무담당", 2)),
    (COMPANY_CODE, StaffSlot("D-IT", "개발자", 3)),
)


@dataclass(frozen=True)
class DemoLogin:
    """A demo account: fixed password (printed by ``cxm demo``), role and org-unit scope.

    ``employee`` names the staff position whose person the account belongs to
    (``(unit code, position)``), so that the account has a real name in the company.
    """

    username: str
    password: str
    role: str
    units: tuple[str, ...]
    employee: tuple[str, str] | None
    is_superuser: bool = False


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", "demo-admin-2026", "admin", (COMPANY_CODE,), None, is_superuser=True),
    DemoLogin("csmanager", "demo-csmanager-2026", "cs_manager", (COMPANY_CODE,), (COMPANY_CODE, "CS경영팀장")),
    DemoLogin("analyst", "demo-analyst-2026", "analyst", (COMPANY_CODE,), (COMPANY_CODE, "CS기획 매니저")),
    # The contact centre answers calls about every branch's customers, so its agent's scope
    # is the company; a branch's own agent would be scoped to that branch.
    DemoLogin("agent", "demo-agent-2026", "agent", (COMPANY_CODE,), (CALL_CENTRE_CODE, "상담원")),
    DemoLogin("branch_gangnam", "demo-gangnam-2026", "branch_manager", ("B01",), ("B01", "점장")),
    DemoLogin("branch_gwangju", "demo-gwangju-2026", "branch_manager", ("B11",), ("B11", "점장")),
)


# --- name pools -------------------------------------------------------------------------
# Surnames with their approximate share of the population (Statistics Korea, 2015 census);
# the generator renormalises, so the long tail left out does not matter.
SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("김", "kim", 21.6), ("이", "lee", 14.8), ("박", "park", 8.5), ("최", "choi", 4.7),
    ("정", "jung", 4.4), ("강", "kang", 2.4), ("조", "cho", 2.1), ("윤", "yoon", 2.1),
    ("장", "jang", 2.0), ("임", "lim", 1.7), ("한", "han", 1.5), ("오", "oh", 1.5),
    ("서", "seo", 1.5), ("신", "shin", 1.5), ("권", "kwon", 1.4), ("황", "hwang", 1.4),
    ("안", "ahn", 1.4), ("송", "song", 1.3), ("전", "jeon", 1.1), ("홍", "hong", 1.1),
    ("유", "yoo", 1.1), ("고", "ko", 0.9), ("문", "moon", 0.9), ("양", "yang", 0.9),
    ("손", "son", 0.9), ("배", "bae", 0.8), ("백", "baek", 0.7), ("허", "heo", 0.6),
    ("남", "nam", 0.6), ("심", "shim", 0.5), ("노", "noh", 0.4), ("하", "ha", 0.4),
    ("곽", "kwak", 0.4), ("성", "sung", 0.4), ("차", "cha", 0.4), ("주", "joo", 0.4),
    ("우", "woo", 0.4), ("구", "koo", 0.4), ("민", "min", 0.3), ("류", "ryu", 0.3),
    ("나", "na", 0.3), ("진", "jin", 0.3), ("지", "ji", 0.3), ("엄", "eom", 0.3),
    ("채", "chae", 0.3), ("원", "won", 0.3), ("천", "cheon", 0.3), ("방", "bang", 0.3),
)

# Given names by birth cohort and gender: names follow fashions, so a 70-year-old
# 영숙 and a 25-year-old 서연 look right. Cohorts: born before 1970, 1970-1989, 1990 on.
GIVEN_NAMES: dict[tuple[int, str], tuple[tuple[str, str], ...]] = {
    (0, "M"): (("영수", "youngsoo"), ("영호", "youngho"), ("상철", "sangchul"), ("정수", "jungsoo"),
               ("광수", "kwangsoo"), ("병철", "byungchul"), ("종민", "jongmin"), ("성호", "sungho"),
               ("만수", "mansoo"), ("용식", "yongsik"), ("재철", "jaechul"), ("동수", "dongsoo")),
    (0, "F"): (("영숙", "youngsook"), ("순자", "soonja"), ("정희", "junghee"), ("영희", "younghee"),
               ("경자", "kyungja"), ("미숙", "misook"), ("옥순", "oksoon"), ("명숙", "myungsook"),
               ("춘자", "chunja"), ("말순", "malsoon"), ("정숙", "jungsook"), ("화자", "hwaja")),
    (1, "M"): (("성민", "sungmin"), ("동현", "donghyun"), ("정훈", "junghoon"), ("상훈", "sanghoon"),
               ("재현", "jaehyun"), ("승현", "seunghyun"), ("민수", "minsoo"), ("태현", "taehyun"),
               ("진우", "jinwoo"), ("지훈", "jihoon"), ("현우", "hyunwoo"), ("준영", "junyoung")),
    (1, "F"): (("지현", "jihyun"), ("은지", "eunji"), ("혜진", "hyejin"), ("미경", "mikyung"),
               ("현주", "hyunjoo"), ("수진", "sujin"), ("은영", "eunyoung"), ("선영", "sunyoung"),
               ("정미", "jungmi"), ("지영", "jiyoung"), ("미영", "miyoung"), ("소연", "soyeon")),
    (2, "M"): (("민준", "minjun"), ("서준", "seojun"), ("도윤", "doyun"), ("예준", "yejun"),
               ("시우", "siwoo"), ("하준", "hajun"), ("지호", "jiho"), ("주원", "juwon"),
               ("준서", "junseo"), ("건우", "gunwoo"), ("우진", "woojin"), ("민재", "minjae")),
    (2, "F"): (("서연", "seoyeon"), ("서윤", "seoyun"), ("지우", "jiwoo"), ("서현", "seohyun"),
               ("하은", "haeun"), ("민서", "minseo"), ("윤서", "yunseo"), ("지민", "jimin"),
               ("수빈", "subin"), ("민지", "minji"), ("예린", "yerin"), ("유진", "yujin")),
}
COHORT_BOUNDS = (1970, 1990)  # birth year < 1970 -> cohort 0, < 1990 -> 1, else 2

COMPANY_PREFIXES: tuple[str, ...] = (
    "한빛", "대성", "미래", "동방", "새한", "청솔", "푸른", "세종", "한울", "태양", "금강", "백두",
    "다온", "누리", "가온", "해든", "온누리", "바른", "참좋은", "늘푸른", "샛별", "한마음", "으뜸", "아람",
)
# (industry code, Korean name endings): restaurants, offices, care, education, hospitality.
COMPANY_INDUSTRIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("restaurant", ("푸드", "식당", "에프앤비", "한정식")),
    ("office", ("상사", "테크", "물산", "산업")),
    ("care", ("요양원", "복지관", "실버케어")),
    ("education", ("어린이집", "학원", "유치원")),
    ("hospitality", ("호텔", "리조트", "펜션")),
)
EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.net", "example.org")
