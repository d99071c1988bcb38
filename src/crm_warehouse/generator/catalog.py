"""Reference data: the store network, its guides, and the product catalogue.

Built once per run from the seed alone (every worker builds the same), and written as
``catalog/stores`` and ``catalog/products``. ``Catalog.pick`` chooses what a shopper
buys from the baby's age: milk-powder stage, diaper size and clothing size follow it.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from dataclasses import dataclass, field

from . import ids
from .clock import DAY, Clock
from .mess import money

# (province, region, [(city, area code, stores)]): 80 stores in 5 provinces.
PROVINCES = (
    (
        "浙江",
        "east",
        (
            ("杭州", "0571", 8),
            ("宁波", "0574", 5),
            ("温州", "0577", 4),
            ("绍兴", "0575", 4),
            ("嘉兴", "0573", 3),
        ),
    ),
    (
        "江苏",
        "east",
        (("南京", "025", 5), ("苏州", "0512", 5), ("无锡", "0510", 3), ("常州", "0519", 3)),
    ),
    (
        "广东",
        "south",
        (("广州", "020", 5), ("深圳", "0755", 5), ("佛山", "0757", 2), ("东莞", "0769", 2)),
    ),
    (
        "湖南",
        "central",
        (("长沙", "0731", 7), ("衡阳", "0734", 3), ("岳阳", "0730", 2), ("常德", "0736", 2)),
    ),
    (
        "山东",
        "north",
        (("济南", "0531", 4), ("青岛", "0532", 4), ("烟台", "0535", 2), ("潍坊", "0536", 2)),
    ),
)
_LANDMARKS = (
    "万达广场",
    "银泰城",
    "吾悦广场",
    "龙湖天街",
    "印象城",
    "万象城",
    "大悦城",
    "宝龙广场",
    "人民路",
    "解放路",
    "中山路",
    "新华路",
    "建设路",
    "文化路",
    "世纪大道",
    "滨江",
)
# (store_type, share, weight as a home store)
_STORE_TYPES = (
    ("flagship", 0.1, 3.0),
    ("standard", 0.45, 1.6),
    ("mall", 0.25, 1.2),
    ("community", 0.2, 1.0),
)
CHAIN = "乐贝母婴"

# Internal category keys and their catalogue labels (category_l1).
MILK, DIAPER, CLOTHING, FEEDING, TOY, MATERNITY, CARE, ADULT = range(8)
L1 = ("奶粉", "纸尿裤", "童装", "喂养用品", "玩具", "孕产用品", "洗护用品", "妈妈护理")

# Age keys: 0 no baby (or older than 8), 1 pregnant, 2 + age in months (0..95).
NO_BABY = 0
PREGNANT = 1
AGE_KEYS = 98

_MILK_BRANDS = (
    ("飞鹤", "星飞帆", 318),
    ("君乐宝", "至臻", 238),
    ("伊利", "金领冠", 298),
    ("爱他美", "卓萃", 428),
    ("美赞臣", "蓝臻", 398),
    ("惠氏", "启赋", 458),
)
_MILK_STAGES = ((1, "0-6个月", 0, 6), (2, "6-12个月", 6, 12), (3, "12-36个月", 12, 36))
_DIAPER_BRANDS = (
    ("帮宝适", "一级帮", 169),
    ("好奇", "心钻装", 159),
    ("花王", "妙而舒", 139),
    ("大王", "光羽", 149),
    ("尤妮佳", "Moony", 129),
    ("babycare", "皇室", 119),
)
# (kind, size, age from, age to in months, pieces)
_DIAPER_SIZES = (
    ("纸尿裤", "NB", 0, 1, 84),
    ("纸尿裤", "S", 1, 3, 76),
    ("纸尿裤", "M", 3, 8, 64),
    ("纸尿裤", "L", 8, 14, 54),
    ("拉拉裤", "L", 8, 14, 48),
    ("拉拉裤", "XL", 14, 24, 42),
    ("拉拉裤", "XXL", 24, 40, 36),
)
# clothing size -> (age from, age to) in months
_CLOTHING_SIZES = {
    59: (0, 3),
    66: (3, 6),
    73: (6, 9),
    80: (9, 18),
    90: (18, 30),
    100: (30, 48),
    110: (48, 60),
    120: (60, 72),
    130: (72, 96),
}
_CLOTHING_ITEMS = (
    ("连体衣", 59, 80, 89),
    ("爬服", 59, 80, 79),
    ("婴儿套装", 66, 90, 129),
    ("儿童套装", 90, 130, 159),
    ("T恤", 80, 130, 59),
    ("外套", 73, 130, 199),
    ("裤子", 73, 130, 79),
    ("睡袋", 66, 100, 149),
    ("羽绒服", 90, 130, 299),
)
_CLOTHING_BRANDS = ("乐贝", "巴拉巴拉", "英氏")
# (l2, name, brand, price, age from, age to) for the smaller categories; -1 = pregnancy
_FEEDING = (
    ("奶瓶", "PPSU宽口奶瓶160ml", "贝亲", 139, 0, 6),
    ("奶瓶", "PPSU宽口奶瓶240ml", "贝亲", 159, 3, 18),
    ("奶瓶", "玻璃奶瓶160ml", "NUK", 119, 0, 6),
    ("奶瓶", "多功能奶瓶240ml", "Hegen", 259, 3, 24),
    ("奶嘴", "宽口奶嘴SS", "贝亲", 39, 0, 2),
    ("奶嘴", "宽口奶嘴S", "贝亲", 39, 1, 4),
    ("奶嘴", "宽口奶嘴M", "贝亲", 39, 3, 7),
    ("奶嘴", "宽口奶嘴L", "贝亲", 39, 6, 18),
    ("辅食", "高铁米粉1段", "亨氏", 49, 6, 12),
    ("辅食", "高铁米粉2段", "亨氏", 52, 8, 18),
    ("辅食", "有机米粉", "嘉宝", 69, 6, 12),
    ("辅食", "果泥组合", "小皮", 59, 6, 18),
    ("辅食", "磨牙棒", "亨氏", 29, 6, 24),
    ("辅食", "宝宝面条", "爷爷的农场", 35, 8, 36),
    ("辅食", "婴儿肉松", "英氏", 45, 10, 36),
    ("辅食", "溶豆", "小鹿蓝蓝", 32, 6, 24),
    ("餐具", "吸管杯", "贝亲", 89, 6, 36),
    ("餐具", "儿童餐具套装", "babycare", 129, 8, 48),
    ("餐具", "儿童餐椅", "babycare", 399, 6, 36),
    ("餐具", "学饮杯", "NUK", 79, 6, 24),
    ("电器", "温奶器", "小白熊", 199, 0, 12),
    ("电器", "辅食机", "小白熊", 299, 5, 18),
    ("电器", "恒温调奶器", "babycare", 269, 0, 12),
    ("电器", "奶瓶消毒器", "小白熊", 459, 0, 12),
    ("营养", "儿童DHA", "童年时光", 168, 6, 72),
    ("营养", "益生菌", "合生元", 198, 0, 72),
    ("营养", "儿童钙", "迪巧", 98, 12, 84),
    ("营养", "维生素AD", "伊可新", 58, 0, 36),
)
_TOYS = (
    ("婴儿玩具", "摇铃牙胶套装", "澳贝", 79, 0, 8),
    ("婴儿玩具", "床铃", "费雪", 259, 0, 6),
    ("婴儿玩具", "脚踏钢琴健身架", "费雪", 299, 0, 8),
    ("婴儿玩具", "安抚玩偶", "Jellycat", 189, 0, 24),
    ("婴儿玩具", "布书", "澳贝", 49, 3, 12),
    ("婴儿玩具", "手拍鼓", "澳贝", 89, 6, 18),
    ("婴儿玩具", "爬行学习桌", "费雪", 269, 6, 18),
    ("婴儿玩具", "学步车", "费雪", 399, 8, 18),
    ("益智玩具", "大颗粒积木", "乐高得宝", 299, 18, 60),
    ("益智玩具", "形状配对盒", "伟易达", 129, 12, 36),
    ("益智玩具", "早教机", "伟易达", 199, 12, 48),
    ("益智玩具", "磁力片", "贝恩施", 159, 30, 84),
    ("益智玩具", "木质拼图", "贝恩施", 69, 24, 72),
    ("益智玩具", "乐高城市系列", "乐高", 399, 48, 96),
    ("益智玩具", "绘本套装", "小鸡叫叫", 128, 12, 72),
    ("户外玩具", "儿童滑板车", "米高", 399, 30, 96),
    ("户外玩具", "平衡车", "优贝", 459, 24, 72),
    ("户外玩具", "沙滩玩具", "贝恩施", 59, 18, 72),
    ("益智玩具", "过家家厨房", "贝恩施", 229, 30, 84),
    ("益智玩具", "遥控汽车", "星辉", 239, 36, 96),
    ("婴儿玩具", "洗澡玩具", "澳贝", 59, 6, 36),
    ("益智玩具", "儿童画板", "美乐", 99, 24, 96),
)
_MATERNITY = (
    ("孕妇奶粉", "孕产妇奶粉800g", "飞鹤", 258, -1, -1),
    ("孕妇奶粉", "妈妈奶粉800g", "美赞臣", 298, -1, 6),
    ("孕妇奶粉", "孕妇配方奶粉", "伊利", 228, -1, -1),
    ("营养", "叶酸片", "斯利安", 39, -1, -1),
    ("营养", "孕妇DHA", "童年时光", 268, -1, 6),
    ("营养", "孕妇钙片", "迪巧", 118, -1, 6),
    ("护理", "妊娠纹护理油", "袋鼠妈妈", 189, -1, -1),
    ("护理", "孕妇护肤套装", "十月结晶", 299, -1, -1),
    ("孕妇装", "孕妇连衣裙", "十月妈咪", 259, -1, -1),
    ("孕妇装", "托腹裤", "十月妈咪", 149, -1, -1),
    ("孕妇装", "孕妇枕", "十月结晶", 199, -1, -1),
    ("待产", "待产包", "十月结晶", 399, -1, 1),
    ("待产", "产褥垫", "子初", 59, -1, 1),
    ("哺乳", "哺乳文胸", "十月妈咪", 129, -1, 12),
    ("哺乳", "防溢乳垫", "贝亲", 69, -1, 12),
    ("哺乳", "电动吸奶器", "美德乐", 1299, -1, 12),
    ("哺乳", "储奶袋", "贝亲", 49, 0, 12),
    ("哺乳", "乳头霜", "兰思诺", 79, -1, 6),
)
_CARE = (
    ("湿巾", "婴儿手口湿巾80抽", "全棉时代", 25, 0, 96),
    ("湿巾", "婴儿湿巾10包", "babycare", 99, 0, 96),
    ("棉柔巾", "棉柔巾100抽", "全棉时代", 19, 0, 96),
    ("洗衣", "婴儿洗衣液", "红色小象", 59, 0, 96),
    ("洗衣", "婴儿皂", "贝亲", 29, 0, 96),
    ("洗护", "护臀膏", "贝亲", 49, 0, 36),
    ("洗护", "洗发沐浴二合一", "强生", 49, 0, 96),
    ("洗护", "婴儿润肤乳", "红色小象", 69, 0, 96),
    ("洗护", "儿童牙膏", "贝亲", 35, 12, 96),
    ("洗护", "儿童防晒霜", "启初", 79, 6, 96),
    ("健康", "电子体温计", "欧姆龙", 99, 0, 96),
    ("健康", "吸鼻器", "贝亲", 69, 0, 36),
    ("洗护", "婴儿爽身粉", "强生", 29, 0, 36),
    ("洗衣", "奶瓶清洗剂", "贝亲", 39, 0, 36),
    ("湿巾", "宝宝面霜", "青蛙王子", 39, 0, 96),
    ("出行", "婴儿推车", "好孩子", 1599, -1, 36),
    ("出行", "安全座椅", "Britax", 2999, -1, 72),
    ("出行", "腰凳背带", "babycare", 299, 3, 24),
)
_ADULT = (
    ("产后护理", "产后修复收腹带", "十月结晶", 199, "adult"),
    ("产后护理", "月子服套装", "十月妈咪", 259, "adult"),
    ("护肤", "妈妈保湿护肤套装", "袋鼠妈妈", 329, "adult"),
    ("护肤", "孕产妇洗护套装", "红色小象", 169, "adult"),
    ("营养", "成人奶粉", "伊利", 139, "adult"),
    ("家居", "家庭装洗手液", "滴露", 39, "all"),
    ("家居", "除菌洗衣液", "滴露", 69, "all"),
    ("礼品", "满月礼盒", CHAIN, 299, "all"),
    ("礼品", "百日宴礼盒", CHAIN, 399, "all"),
    ("礼品", "会员定制礼盒", CHAIN, 199, "all"),
)

# Category weights by age band: (MILK, DIAPER, CLOTHING, FEEDING, TOY, MATERNITY, CARE, ADULT)
_BAND_WEIGHTS = {
    "none": (0.0, 0.0, 0.30, 0.02, 0.30, 0.0, 0.18, 0.20),
    "preg": (0.0, 0.05, 0.10, 0.12, 0.02, 0.52, 0.14, 0.05),
    "0-6m": (0.30, 0.30, 0.12, 0.09, 0.04, 0.05, 0.08, 0.02),
    "6-12m": (0.28, 0.27, 0.13, 0.13, 0.09, 0.01, 0.07, 0.02),
    "1-3y": (0.26, 0.20, 0.20, 0.07, 0.17, 0.0, 0.08, 0.02),
    "3-6y": (0.10, 0.0, 0.42, 0.04, 0.30, 0.0, 0.11, 0.03),
    "6y+": (0.0, 0.0, 0.45, 0.02, 0.35, 0.0, 0.10, 0.08),
}


def age_stage_of(lo: int, hi: int) -> str:
    """The contract's ``age_stage`` for a suitable age range in months."""
    if lo < 0:
        return "pregnancy"
    if hi - lo >= 48:
        return "all"
    mid = (lo + hi) / 2
    if mid < 6:
        return "0-6m"
    if mid < 12:
        return "6-12m"
    if mid < 36:
        return "1-3y"
    return "3-6y"


def _band(key: int) -> str:
    if key == NO_BABY:
        return "none"
    if key == PREGNANT:
        return "preg"
    months = key - 2
    if months < 6:
        return "0-6m"
    if months < 12:
        return "6-12m"
    if months < 36:
        return "1-3y"
    if months < 72:
        return "3-6y"
    return "6y+"


@dataclass(slots=True)
class Store:
    idx: int
    store_id: str
    name: str
    province: str
    city: str
    region: str
    area: str
    store_type: str
    open_day: int
    weight: float
    time_style: int  # POS time style of this store's till
    birthday_style: int
    gender_style: int  # 0: F/M, 1: 女/男
    money_style: int
    guides: list[str] = field(default_factory=list)
    guide_phones: list[str] = field(default_factory=list)
    lazy_guide: bool = False  # its first guide types their own phone as a remark phone
    hub_phone: str = ""  # a checkout phone typed for walk-ins
    groups: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Product:
    idx: int
    sku: str
    name: str
    cat: int
    l2: str
    brand: str
    brand_idx: int
    size: str
    price: int  # list price in fen
    age_stage: str
    lo: int  # suitable from this age in months (-1: pregnancy)
    hi: int  # up to this age in months
    launch_day: int


class Catalog:
    """Stores, guides, products and the shopping menus by age."""

    def __init__(self, seed: int, clock: Clock) -> None:
        self.clock = clock
        rng = random.Random(f"{seed}:catalog")
        self.stores = self._stores(seed, rng, clock)
        self.store_cum: list[float] = []
        acc = 0.0
        for s in self.stores:
            acc += s.weight
            self.store_cum.append(acc)
        self.by_province: dict[str, list[Store]] = {}
        for s in self.stores:
            self.by_province.setdefault(s.province, []).append(s)
        self.products = self._products(rng, clock)
        self.prices = [p.price for p in self.products]
        #: unit prices as text in each POS money style
        self.price_text = [[money(p.price, style) for p in self.products] for style in range(4)]
        self.skus = [p.sku for p in self.products]
        self.price_changes = self._price_changes(clock, len(self.products))
        self._menus()

    # -- stores ------------------------------------------------------------------------
    @staticmethod
    def _stores(seed: int, rng: random.Random, clock: Clock) -> list[Store]:
        stores: list[Store] = []
        names: set[str] = set()
        guide_no = 0
        for province, region, cities in PROVINCES:
            for city, area, count in cities:
                for _ in range(count):
                    k = len(stores)
                    u = rng.random()
                    acc = 0.0
                    stype, weight = _STORE_TYPES[-1][0], _STORE_TYPES[-1][2]
                    for name, share, w in _STORE_TYPES:
                        acc += share
                        if u < acc:
                            stype, weight = name, w
                            break
                    landmark = _LANDMARKS[rng.randrange(len(_LANDMARKS))]
                    sname = f"{CHAIN}{city}{landmark}店"
                    n = 2
                    while sname in names:
                        sname = f"{CHAIN}{city}{landmark}{n}店"
                        n += 1
                    names.add(sname)
                    opened = clock.d_start - 200 - int(rng.random() * 3000)
                    stores.append(
                        Store(
                            idx=k,
                            store_id=f"S{k + 1:03d}",
                            name=sname,
                            province=province,
                            city=city,
                            region=region,
                            area=area,
                            store_type=stype,
                            open_day=opened,
                            weight=weight * (0.7 + 0.6 * rng.random()),
                            time_style=rng.choices((0, 1, 2), (0.6, 0.25, 0.15))[0],
                            birthday_style=rng.choices((0, 1, 2), (0.6, 0.25, 0.15))[0],
                            gender_style=0 if rng.random() < 0.6 else 1,
                            money_style=rng.choices((0, 1, 2, 3), (0.7, 0.15, 0.1, 0.05))[0],
                        )
                    )
        # Three stores open during the period.
        span = clock.d_end - clock.d_start
        for k, frac in ((17, 0.12), (45, 0.4), (71, 0.7)):
            stores[k].open_day = clock.d_start + int(span * frac)
            stores[k].store_type = "standard"
        # Guides, the checkout hub phones, lazy guides and community groups.
        flagships = [s for s in stores if s.store_type == "flagship"]
        big = sorted(stores, key=lambda s: (-s.weight, s.idx))
        for s in stores:
            for g in range(3 + int(rng.random() * 4)):
                s.guides.append(f"{s.store_id}G{g + 1:02d}")
                s.guide_phones.append(ids.mobile(ids.PHONE_GUIDE + guide_no))
                guide_no += 1
            s.lazy_guide = s in flagships or rng.random() < 0.08
            s.groups = [ids.group_chat_id(seed, s.idx * 4 + g) for g in range(2)]
        for h, s in enumerate(big[:4]):
            s.hub_phone = ids.mobile(ids.PHONE_HUB + h)
        return stores

    def pick_store(self, u: float) -> Store:
        return self.stores[bisect_right(self.store_cum, u * self.store_cum[-1])]

    def other_store(self, home: Store, u: float, v: float) -> Store:
        """Another store: mostly in the same province."""
        pool = self.by_province[home.province] if u < 0.75 else self.stores
        s = pool[int(v * len(pool))]
        return s if s is not home else pool[(pool.index(s) + 1) % len(pool)]

    # -- products ----------------------------------------------------------------------
    @staticmethod
    def _products(rng: random.Random, clock: Clock) -> list[Product]:
        rows: list[tuple] = []  # (cat, l2, name, brand, brand_idx, size, yuan, lo, hi, stage)
        for b, (brand, series, base) in enumerate(_MILK_BRANDS):
            for stage, label, lo, hi in _MILK_STAGES:
                price = base + (20 if stage == 1 else 0) - (20 if stage == 3 else 0)
                for pack, factor in (("800g", 1.0), ("400g", 0.56)):
                    rows.append(
                        (
                            MILK,
                            "婴幼儿配方奶粉",
                            f"{brand}{series}{stage}段 {label} {pack}",
                            brand,
                            b,
                            f"{stage}段",
                            round(price * factor) - 0.1,
                            lo,
                            hi,
                            None,
                        )
                    )
            if b < 3:
                rows.append(
                    (
                        MILK,
                        "儿童成长奶粉",
                        f"{brand}{series}4段 3-7岁 800g",
                        brand,
                        b,
                        "4段",
                        base - 40 - 0.1,
                        36,
                        84,
                        None,
                    )
                )
        for b, (brand, series, base) in enumerate(_DIAPER_BRANDS):
            for kind, size, lo, hi, pieces in _DIAPER_SIZES:
                price = base + (10 if kind == "拉拉裤" else 0)
                rows.append(
                    (
                        DIAPER,
                        kind,
                        f"{brand}{series}{kind}{size}码{pieces}片",
                        brand,
                        b,
                        size,
                        price,
                        lo,
                        hi,
                        None,
                    )
                )
        for b, brand in enumerate(_CLOTHING_BRANDS):
            for item, smin, smax, base in _CLOTHING_ITEMS:
                for size, (lo, hi) in _CLOTHING_SIZES.items():
                    if smin <= size <= smax:
                        price = base * (1.0, 1.25, 1.1)[b] + (size - 59) * 0.4
                        rows.append(
                            (
                                CLOTHING,
                                item,
                                f"{brand}{item} {size}码",
                                brand,
                                b,
                                str(size),
                                round(price) - 0.1,
                                lo,
                                hi,
                                None,
                            )
                        )
        for cat, table in (
            (FEEDING, _FEEDING),
            (TOY, _TOYS),
            (MATERNITY, _MATERNITY),
            (CARE, _CARE),
        ):
            for l2, name, brand, price, lo, hi in table:
                rows.append((cat, l2, f"{brand}{name}", brand, 0, None, price, lo, hi, None))
        for l2, name, brand, price, stage in _ADULT:
            rows.append((ADULT, l2, f"{brand}{name}", brand, 0, None, price, -1, 96, stage))

        products: list[Product] = []
        serial = [0] * 8
        for cat, l2, name, brand, bidx, size, yuan, lo, hi, stage in rows:
            serial[cat] += 1
            if stage is None:
                stage = age_stage_of(lo, hi)
            if cat == MATERNITY:
                stage = "pregnancy"
            # Most launched years ago; about 8% are new arrivals during the period.
            if rng.random() < 0.08:
                launch = clock.d_start + 20 + int(rng.random() * (clock.d_end - clock.d_start - 40))
            else:
                launch = clock.d_start - 30 - int(rng.random() * 2500)
            products.append(
                Product(
                    idx=len(products),
                    sku=f"{cat + 1:02d}{serial[cat] * 37 + 1000:05d}",
                    name=name,
                    cat=cat,
                    l2=l2,
                    brand=brand,
                    brand_idx=bidx,
                    size=size or "",
                    price=round(yuan * 100),
                    age_stage=stage,
                    lo=lo,
                    hi=hi,
                    launch_day=launch,
                )
            )
        return products

    @staticmethod
    def _price_changes(clock: Clock, n: int) -> list[tuple[int, int]]:
        """(product idx, day): list-price changes, re-exported in a later file."""
        span = clock.d_end - clock.d_start
        return [
            ((17 + 41 * k) % n, clock.d_start + int(span * (0.15 + 0.13 * k))) for k in range(6)
        ]

    def product_rows(self) -> list[tuple[int, tuple[str, ...]]]:
        """(local time, row) of ``catalog/products``: launches, then price changes."""
        out = []
        for p in self.products:
            row = (
                p.sku,
                p.name,
                L1[p.cat],
                p.l2,
                p.brand,
                p.size,
                _yuan(p.price),
                p.age_stage,
                self.clock.iso[p.launch_day],
            )
            out.append((p.launch_day * DAY, row))
        for idx, day in self.price_changes:
            p = self.products[idx]
            new_price = round(p.price * 1.08 / 100) * 100 - 10
            row = (
                p.sku,
                p.name,
                L1[p.cat],
                p.l2,
                p.brand,
                p.size,
                _yuan(new_price),
                p.age_stage,
                self.clock.iso[p.launch_day],
            )
            out.append((day * DAY, row))
        return out

    def store_rows(self) -> list[tuple[int, tuple[str, ...]]]:
        return [
            (
                s.open_day * DAY,
                (
                    s.store_id,
                    s.name,
                    s.province,
                    s.city,
                    s.region,
                    s.store_type,
                    self.clock.iso[s.open_day],
                ),
            )
            for s in self.stores
        ]

    # -- what people buy ---------------------------------------------------------------
    def _menus(self) -> None:
        """Per age key: category cumulative weights and the suitable products."""
        self.menu_cats: list[list[int]] = []
        self.menu_cum: list[list[float]] = []
        self.menu_pool: list[dict[int, list[int]]] = []
        self.menu_brand: list[dict[tuple[int, int], list[int]]] = []
        for key in range(AGE_KEYS):
            band = _band(key)
            months = key - 2
            pools: dict[int, list[int]] = {}
            brands: dict[tuple[int, int], list[int]] = {}
            for p in self.products:
                if key == NO_BABY:
                    ok = p.cat in (CLOTHING, TOY, CARE, ADULT, FEEDING) and (
                        p.cat in (CARE, ADULT) or p.lo >= 12
                    )
                elif key == PREGNANT:
                    ok = p.lo < 0 or (p.lo == 0 and p.cat in (DIAPER, CLOTHING, FEEDING, CARE))
                    ok = ok and not (p.cat == DIAPER and p.size != "NB")
                    ok = ok and not (p.cat == CLOTHING and p.size != "59")
                else:
                    ok = p.cat == ADULT or (max(p.lo, 0) <= months < p.hi)
                if ok:
                    pools.setdefault(p.cat, []).append(p.idx)
                    if p.cat in (MILK, DIAPER):
                        brands.setdefault((p.cat, p.brand_idx), []).append(p.idx)
            for lst in list(pools.values()) + list(brands.values()):
                lst.sort(key=lambda i: (self.products[i].launch_day, i))
            cats, cum = [], []
            acc = 0.0
            for cat, w in enumerate(_BAND_WEIGHTS[band]):
                if w > 0 and pools.get(cat):
                    acc += w
                    cats.append(cat)
                    cum.append(acc)
            self.menu_cats.append(cats)
            self.menu_cum.append([c / acc for c in cum])
            self.menu_pool.append(pools)
            self.menu_brand.append(brands)

    def pick(self, r, key: int, day: int, fav_milk: int, fav_diaper: int, n: int, heavy: bool):
        """``n`` lines ``[product idx, quantity]`` for a shopper at age key ``key``."""
        cats = self.menu_cats[key]
        cum = self.menu_cum[key]
        pools = self.menu_pool[key]
        brands = self.menu_brand[key]
        products = self.products
        lines: list[list[int]] = []
        seen: dict[int, list[int]] = {}
        for _ in range(n):
            cat = cats[bisect_right(cum, r() * 0.999999)]
            pool = None
            if cat == MILK and r() < 0.85:
                pool = brands.get((MILK, fav_milk))
            elif cat == DIAPER and r() < 0.8:
                pool = brands.get((DIAPER, fav_diaper))
            if not pool:
                pool = pools[cat]
            idx = pool[int(r() * len(pool))]
            if products[idx].launch_day > day:
                idx = pool[0]
                if products[idx].launch_day > day:
                    continue
            if cat == MILK:
                u = r()
                qty = (
                    (1 if u < 0.35 else 2 if u < 0.7 else 3 if u < 0.9 else 6)
                    if heavy
                    else (1 if u < 0.85 else 2)
                )
            elif cat == DIAPER:
                qty = (1 + int(r() * 3)) if heavy else (1 if r() < 0.8 else 2)
            elif cat == CLOTHING:
                qty = 1 if r() < 0.85 else 2
            else:
                qty = 1
            line = seen.get(idx)
            if line is not None:
                line[1] += qty
                continue
            line = [idx, qty]
            seen[idx] = line
            lines.append(line)
        return lines


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
