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

CURRENCIES = {
    "人民币": "CNY",
    "元": "CNY",
    "圆": "CNY",
    "块": "CNY",
    "美元": "USD",
    "美金": "USD",
    "港元": "HKD",
    "港币": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
    "韩元": "KRW",
    "卢布": "RUB",
    "澳元": "AUD",
    "加元": "CAD",
    "新加坡元": "SGD",
    "瑞士法郎": "CHF",
    "新台币": "TWD",
    "澳门元": "MOP",
}
MAGNITUDES = {"十": 10, "百": 100, "千": 1_000, "万": 10_000, "亿": 100_000_000}

_CN_DIGITS = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖貳參陸"
_CN_NUMERAL = f"[{_CN_DIGITS}十拾百佰千仟万萬亿億点]+"
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MAGNITUDE = "[十百千万亿]*"
_UNIT = "|".join(sorted((c for c in CURRENCIES if c not in {"人民币", "块"}), key=len, reverse=True))
MONEY_PATTERN = re.compile(
    rf"(?P<number>(?:{_ARABIC}(?:余|多)?{_MAGNITUDE})|{_CN_NUMERAL}(?:余|多)?{_MAGNITUDE})"
    rf"(?P<unit>{_UNIT}|块钱)(?P<fraction>(?:[{_CN_DIGITS}\d]+[角分])*)"
    rf"(?P<suffix>人民币)?"
    # 元 that starts a word (元素, 元年, 二元化 …) is not money
    r"(?![素年宵旦件老首帅器气月代朝宇化])"
)

_TRAD_DIGITS = str.maketrans("壹贰叁肆伍陆柒捌玖拾佰仟萬億貳參陸〇", "一二三四五六七八九十百千万亿二三六零")


@dataclass(frozen=True)
class Money:
    start: int
    end: int
    text: str
    value: float
    currency: str


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
    for c in chars:
        value *= MAGNITUDES[c]
    return value


def parse_amount(number: str) -> float:
    """The number part of an amount ('4759.3亿', '五千万', '100余万') as a float."""
    number = number.replace("余", "").replace("多", "")
    arabic = re.match(_ARABIC, number)
    if arabic:
        return float(arabic.group().replace(",", "")) * magnitude_of(number[arabic.end() :])
    return chinese_to_number(number)


def _fraction_value(fraction: str) -> float:
    value = 0.0
    for digits, unit in re.findall(rf"([{_CN_DIGITS}\d]+)([角分])", fraction):
        amount = float(digits) if digits.isdigit() else chinese_to_number(digits)
        value += amount * (0.1 if unit == "角" else 0.01)
    return value


def find_money(text: str) -> Iterator[Money]:
    """Every money amount in ``text`` (already normalised: half-width digits)."""
    for match in MONEY_PATTERN.finditer(text):
        unit = match["unit"].removesuffix("钱")
        try:
            value = parse_amount(match["number"]) + _fraction_value(match["fraction"] or "")
        except (ValueError, KeyError, AttributeError):
            continue  # e.g. a stray 点 or 零 that is not a numeral: not an amount
        yield Money(match.start(), match.end(), match.group(), value, CURRENCIES[unit])
