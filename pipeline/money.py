"""Money amounts: find them in text and normalise them to a number and an ISO 4217 currency.

cn2an parses most Chinese numerals but not a bare magnitude (千亿, 百亿), mixed forms (1.5万亿,
三点五亿) or 圆/角/分 amounts (壹佰捌拾壹圆柒角); those are handled here. Qualifiers (约, 逾,
以上, 达) stay outside the span, as ANNOTATION.md asks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import cn2an

# Currency words → ISO 4217. The generic yuan words (元, 圆, 块) say "a unit of money", CNY unless a
# named currency stands before or after the amount (港币3000万元, 三万元欧元, 9000元日币).
GENERIC = {"元": "CNY", "圆": "CNY", "块": "CNY"}
NAMED = {
    "人民币": "CNY",
    "美元": "USD",
    "美金": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "日币": "JPY",
    "英镑": "GBP",
    "韩元": "KRW",
    "韩币": "KRW",
    "卢布": "RUB",
    "澳元": "AUD",
    "澳币": "AUD",
    "加元": "CAD",
    "加币": "CAD",
    "新加坡元": "SGD",
    "瑞士法郎": "CHF",
    "新台币": "TWD",
    "台币": "TWD",
    "澳门元": "MOP",
    "澳门币": "MOP",
    "泰铢": "THB",
    "越南盾": "VND",
    "印尼盾": "IDR",
    "印度卢比": "INR",
    "巴基斯坦卢比": "PKR",
    "林吉特": "MYR",
    "菲律宾比索": "PHP",
    "墨西哥比索": "MXN",
    "新西兰元": "NZD",
    "纽元": "NZD",
    "瑞典克朗": "SEK",
    "挪威克朗": "NOK",
    "丹麦克朗": "DKK",
    "捷克克朗": "CZK",
    "兰特": "ZAR",
    "雷亚尔": "BRL",
    "里拉": "TRY",
    "迪拉姆": "AED",
    "沙特里亚尔": "SAR",
    "卡塔尔里亚尔": "QAR",
    "坚戈": "KZT",
    "兹罗提": "PLN",
    "福林": "HUF",
    "谢克尔": "ILS",
    "埃及镑": "EGP",
    "奈拉": "NGN",
    "塔卡": "BDT",
    "缅元": "MMK",
    "基普": "LAK",
    "瑞尔": "KHR",
    "图格里克": "MNT",
}
CURRENCIES = GENERIC | NAMED
MAGNITUDES = {"十": 10, "百": 100, "千": 1_000, "万": 10_000, "亿": 100_000_000}

_CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸"
_MAGNITUDE_CHARS = "十拾百佰千仟万萬亿億"
_CN_NUMERAL = f"[{_CN_DIGITS}{_MAGNITUDE_CHARS}点]+"
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MAGNITUDE = f"[{_MAGNITUDE_CHARS}]*"
_SPACE = "[ \u3000]?"  # 投资 50 亿元: one space between number and unit, as typeset news often has
# an amount said only roughly: 数十亿, 几百万, 十几亿, 上亿, 若干万 (the span stays, its value is null)
_VAGUE = (
    f"(?:(?:数|几|好几|若干|上)[{_MAGNITUDE_CHARS}]+"
    f"|[{_CN_DIGITS}{_MAGNITUDE_CHARS}]*[{_MAGNITUDE_CHARS}]几[{_MAGNITUDE_CHARS}]*)"
)
_NAMED = "|".join(sorted(NAMED, key=len, reverse=True))
_UNIT = "|".join(sorted(CURRENCIES, key=len, reverse=True))
_FRACTION = f"(?:[{_CN_DIGITS}\\d]+[角毛分])+"
MONEY_PATTERN = re.compile(
    # a magnitude right after a digit is the tail of a number the pattern did not take: never an amount
    r"(?<![\d.])(?<![\d.][ \u3000])"
    rf"(?:(?P<prefix>{_NAMED}){_SPACE})?"
    # 余/多 (a lower bound, read as the number: 100余万元, 128亿多元) after the digits or the magnitude
    rf"(?P<number>{_VAGUE}|{_ARABIC}(?:余|多)?{_SPACE}{_MAGNITUDE}(?:余|多)?"
    rf"|{_CN_NUMERAL}(?:余|多)?(?:个(?=[万亿]))?{_MAGNITUDE}(?:余|多)?)"
    # 块 is money only as 块钱 or with 毛/角/分 after it (一块土地 is a piece of land)
    rf"{_SPACE}(?:(?P<unit>{_UNIT})(?<!块)|(?P<kuai>块)(?=钱|{_FRACTION}))?"
    rf"(?P<fraction>{_FRACTION})?(?P<qian>(?<=[块角毛分])钱)?"
    rf"(?:{_SPACE}(?P<suffix>{_NAMED}))?"
    # 元 that starts a word (元素, 元年, 二元化 …) is not money
    r"(?![素年宵旦件老首帅器气月代朝宇化])"
)

_TRAD_DIGITS = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟萬億貳參陸〇", "一二三四五六七八九十百千万亿二三六零")


@dataclass(frozen=True)
class Money:
    start: int
    end: int
    text: str
    value: float | None  # None: a vague amount (数十亿元) or one whose currency the text contradicts
    currency: str | None


def chinese_to_number(numeral: str) -> float:
    """一千二百五十 → 1250; 千亿 → 1e11 (a bare magnitude means one of it); 三点五亿 → 3.5e8."""
    numeral = numeral.translate(_TRAD_DIGITS)
    if numeral[0] in MAGNITUDES and numeral[0] != "十":
        numeral = "一" + numeral
    if "点" in numeral:
        head, _, tail = numeral.partition("点")
        digits = re.match(f"[{_CN_DIGITS}]*", tail).group()
        magnitude = tail[len(digits) :]
        base = float(f"{cn2an.cn2an(head, 'normal')}.{cn2an.cn2an(digits, 'direct')}" if digits else head)
        return base * magnitude_of(magnitude)
    return float(cn2an.cn2an(numeral, "normal"))


def magnitude_of(chars: str) -> float:
    """万亿 → 1e12, 千万 → 1e7: consecutive magnitudes multiply."""
    value = 1.0
    for c in chars.translate(_TRAD_DIGITS):
        value *= MAGNITUDES[c]
    return value


def parse_amount(number: str) -> float:
    """The number part of an amount ('4759.3亿', '五千万', '100余万', '两个亿', '50 亿') as a float."""
    number = re.sub(r"[余多个 \u3000]", "", number)
    arabic = re.match(_ARABIC, number)
    if arabic:
        return float(arabic.group().replace(",", "")) * magnitude_of(number[arabic.end() :])
    return chinese_to_number(number)


def _fraction_value(fraction: str) -> float:
    value = 0.0
    for digits, unit in re.findall(rf"([{_CN_DIGITS}\d]+)([角毛分])", fraction):
        amount = float(digits) if digits.isdigit() else chinese_to_number(digits)
        value += amount * (0.01 if unit == "分" else 0.1)
    return value


def _currency(match: re.Match) -> str | None:
    """The amount's currency: the named ones around it, which must agree (港币3000万元 → HKD), or
    CNY for a bare 元/圆/块; None when the text names two different currencies."""
    named = {NAMED[w] for w in (match["prefix"], match["unit"], match["suffix"]) if w in NAMED}
    if len(named) > 1:
        return None
    return named.pop() if named else "CNY"


def find_money(text: str) -> Iterator[Money]:
    """Every money amount in ``text`` (already normalised: half-width digits). A value is given
    only when it is certain: a vague amount or contradictory currencies keep the span, value None."""
    for match in MONEY_PATTERN.finditer(text):
        has_unit = match["unit"] or match["kuai"]
        if not has_unit and not (match["prefix"] and re.search(f"[{_MAGNITUDE_CHARS}]$", match["number"])):
            continue  # a number needs its currency: 人民币3000万 is money, 人民币1年 is not
        vague = re.fullmatch(_VAGUE, match["number"]) is not None
        value: float | None = None
        if not vague:
            try:
                value = parse_amount(match["number"]) + _fraction_value(match["fraction"] or "")
            except (ValueError, KeyError, AttributeError, TypeError):
                continue  # e.g. a stray 点 or 零 that is not a numeral: not an amount
        currency = _currency(match)
        end = match.end()
        while text[end - 1] in " \u3000":  # a space the pattern tried before a currency it did not find
            end -= 1
        yield Money(match.start(), end, text[match.start() : end], value if currency else None, currency)
