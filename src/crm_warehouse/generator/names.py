"""Names, WeChat nicknames and email addresses."""

from __future__ import annotations

from collections.abc import Callable

Rand = Callable[[], float]

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_FEMALE = "丽娜静敏婷雪慧颖洁琳芳燕霞玲倩欣怡悦思雨梦佳晓文秀兰美春红璐瑶琪萱蕾媛妍晨露薇菲琦月"
_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫浩宇俊帅波宁亮峰凯翔龙阳晨"
_PINYIN_SURNAMES = (
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Luo",
    "Zheng",
)
_PINYIN_FEMALE = ("Fang", "Na", "Jing", "Min", "Ting", "Xue", "Hui", "Ying", "Jie", "Lin", "Yan")
_PINYIN_MALE = ("Wei", "Qiang", "Lei", "Jun", "Yong", "Jie", "Tao", "Bin", "Chao", "Ming", "Hao")
_ENGLISH_FEMALE = (
    "Lily",
    "Amy",
    "Grace",
    "Cindy",
    "Vivian",
    "Sophia",
    "Coco",
    "Emma",
    "Joy",
    "Iris",
)
_ENGLISH_MALE = ("Jack", "Kevin", "Leo", "Tony", "David", "Eric", "Frank", "Sam")
_NICK_WORDS = (
    "小鱼儿",
    "快乐每一天",
    "静待花开",
    "阳光",
    "岁月静好",
    "向日葵",
    "小太阳",
    "知足常乐",
    "糖糖",
    "豆豆",
    "果果",
    "乐乐",
    "安安",
    "悠悠",
    "暖暖",
    "晴天",
    "微笑",
    "花开半夏",
    "Sunny",
    "Lucky",
    "Momo",
    "Angel",
    "Candy",
    "Nana",
    "Mia",
    "Kiki",
)
_BABY_NICK = (
    "糖糖",
    "豆豆",
    "果果",
    "乐乐",
    "安安",
    "悠悠",
    "暖暖",
    "多多",
    "朵朵",
    "小宝",
    "Bobo",
)
_EMOJI = ("🌸", "🍀", "☀️", "🐳", "🌈", "💕", "🐰", "⭐")
_EMAIL_DOMAINS = ("qq.com", "163.com", "126.com", "sina.com", "gmail.com", "outlook.com")
_HANDLE_WORDS = ("lily", "amy", "sunny", "happy", "baby", "mama", "coco", "grace", "joy", "star")


def _pick(seq, u: float):
    return seq[int(u * len(seq))]


def person_name(r: Rand, female: bool, latin: bool) -> str:
    """A clean name: Chinese (surname + 1-2 characters) or Latin script."""
    if latin:
        if r() < 0.5:
            first = _pick(_PINYIN_FEMALE if female else _PINYIN_MALE, r())
            return f"{_pick(_PINYIN_SURNAMES, r())} {first}"
        first = _pick(_ENGLISH_FEMALE if female else _ENGLISH_MALE, r())
        return first if r() < 0.3 else f"{first} {_pick(_PINYIN_SURNAMES, r())}"
    given = _FEMALE if female else _MALE
    name = _pick(_SURNAMES, r()) + _pick(given, r())
    if r() < 0.6:
        name += _pick(given, r())
    return name


def nickname(r: Rand, name: str) -> str:
    """A WeChat nickname: often a mother's label, sometimes an emoji."""
    u = r()
    if u < 0.3:
        nick = _pick(_BABY_NICK, r()) + ("妈妈" if r() < 0.7 else "妈")
    elif u < 0.45:
        nick = name
    else:
        nick = _pick(_NICK_WORDS, r())
    if r() < 0.12:
        nick = _pick(_EMOJI, r()) + nick
    return nick


def email(r: Rand, index: int) -> str:
    """A clean, lower-case email address, unique per ``index``."""
    if r() < 0.45:
        return f"{100_000_000 + (index * 7_919 + 12_345) % 3_899_999_999}@qq.com"
    return f"{_pick(_HANDLE_WORDS, r())}{index + 1_001}@{_pick(_EMAIL_DOMAINS, r())}"
