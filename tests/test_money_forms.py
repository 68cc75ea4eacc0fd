"""Issue 17: money written every way news writes it, and never a wrong value.

One row per written form: Arabic and Chinese numerals, 大写, mixed, 万/亿 combinations, spaces,
the currency first, last or doubled, other ISO 4217 names, colloquial 块/毛/角/分, vague amounts.
``None`` as the value: the span is money, but no value is certain (数十亿元; two currencies)."""

import pytest

from pipeline.money import find_money

FORMS = [
    # Arabic numerals, magnitudes
    ("实现总产值4759.3亿元", "4759.3亿元", 475_930_000_000.0, "CNY"),
    ("平均年度纳税1750万元", "1750万元", 17_500_000.0, "CNY"),
    ("45564.44美元", "45564.44美元", 45_564.44, "USD"),
    ("逾1.5万亿元", "1.5万亿元", 1.5e12, "CNY"),
    ("融资5,000万港元", "5,000万港元", 5e7, "HKD"),
    ("100余万元", "100余万元", 1e6, "CNY"),
    ("总投资约3亿元", "3亿元", 3e8, "CNY"),
    ("营收10多亿元", "10多亿元", 1e9, "CNY"),
    ("财政资金达到128亿多元", "128亿多元", 1.28e10, "CNY"),
    ("价值人民币3558万余元", "人民币3558万余元", 3.558e7, "CNY"),
    ("收入就达到3万多元", "3万多元", 3e4, "CNY"),
    ("约合16亿人民币的流动性", "16亿人民币", 1.6e9, "CNY"),
    ("投资3千万元", "3千万元", 3e7, "CNY"),
    ("5百万美元", "5百万美元", 5e6, "USD"),
    ("9佰日元", "9佰日元", 900.0, "JPY"),
    ("2仟萬元", "2仟萬元", 2e7, "CNY"),
    ("1.2億元", "1.2億元", 1.2e8, "CNY"),
    ("售价199元", "199元", 199.0, "CNY"),
    ("0.5元", "0.5元", 0.5, "CNY"),
    # Chinese numerals
    ("投资五千万元", "五千万元", 5e7, "CNY"),
    ("三点五亿元", "三点五亿元", 3.5e8, "CNY"),
    ("一千二百五十元", "一千二百五十元", 1250.0, "CNY"),
    ("两亿元", "两亿元", 2e8, "CNY"),
    ("两个亿元", "两个亿元", 2e8, "CNY"),
    ("一个亿元", "一个亿元", 1e8, "CNY"),
    ("十万元", "十万元", 1e5, "CNY"),
    ("三十五万元", "三十五万元", 3.5e5, "CNY"),
    ("百亿元以上收入的企业", "百亿元", 1e10, "CNY"),
    ("产业规模突破千亿元。", "千亿元", 1e11, "CNY"),
    ("万亿元级产业", "万亿元", 1e12, "CNY"),
    ("一百零五万美元", "一百零五万美元", 1.05e6, "USD"),
    # 大写
    ("壹佰捌拾壹圆柒角", "壹佰捌拾壹圆柒角", 181.7, "CNY"),
    ("人民币壹拾万元整", "人民币壹拾万元", 1e5, "CNY"),
    ("叁仟伍佰元", "叁仟伍佰元", 3500.0, "CNY"),
    ("贰万元", "贰万元", 2e4, "CNY"),
    ("伍拾圆零伍分", "伍拾圆零伍分", 50.05, "CNY"),
    # spaces
    ("投资 50 亿元", "50 亿元", 5e9, "CNY"),
    ("新台币 177.1 亿元", "新台币 177.1 亿元", 1.771e10, "TWD"),
    ("1 万(含)-5 万元", "5 万元", 5e4, "CNY"),
    ("计划投资 3 亿美元", "3 亿美元", 3e8, "USD"),
    ("奖励 100 万元", "100 万元", 1e6, "CNY"),
    ("投资 8000 元", "8000 元", 8000.0, "CNY"),
    # currency first, last or doubled
    ("港币3000万元", "港币3000万元", 3e7, "HKD"),
    ("港币两千九百六十元", "港币两千九百六十元", 2960.0, "HKD"),
    ("三万元欧元", "三万元欧元", 3e4, "EUR"),
    ("9000元日币", "9000元日币", 9000.0, "JPY"),
    ("5000万元人民币", "5000万元人民币", 5e7, "CNY"),
    ("人民币5000万元", "人民币5000万元", 5e7, "CNY"),
    ("人民币 2 亿元", "人民币 2 亿元", 2e8, "CNY"),
    ("美元3000万", "美元3000万", 3e7, "USD"),
    ("美元3000万欧元", "美元3000万欧元", None, None),  # two currencies: no value rather than a wrong one
    ("1美元兑7元人民币", "1美元", 1.0, "USD"),
    # other ISO 4217 names
    ("200万泰铢", "200万泰铢", 2e6, "THB"),
    ("5亿越南盾", "5亿越南盾", 5e8, "VND"),
    ("300万林吉特", "300万林吉特", 3e6, "MYR"),
    ("1000万印度卢比", "1000万印度卢比", 1e7, "INR"),
    ("20亿韩元", "20亿韩元", 2e9, "KRW"),
    ("50万英镑", "50万英镑", 5e5, "GBP"),
    ("8000万卢布", "8000万卢布", 8e7, "RUB"),
    ("1.5亿瑞士法郎", "1.5亿瑞士法郎", 1.5e8, "CHF"),
    ("300万新加坡元", "300万新加坡元", 3e6, "SGD"),
    ("2亿澳门元", "2亿澳门元", 2e8, "MOP"),
    ("100万瑞典克朗", "100万瑞典克朗", 1e6, "SEK"),
    ("10亿兰特", "10亿兰特", 1e9, "ZAR"),
    # colloquial 块/毛/角/分
    ("十块三毛", "十块三毛", 10.3, "CNY"),
    ("一百三十五块六角七分钱", "一百三十五块六角七分钱", 135.67, "CNY"),
    ("三块钱", "三块钱", 3.0, "CNY"),
    ("5块钱", "5块钱", 5.0, "CNY"),
    ("两块五毛钱", "两块五毛钱", 2.5, "CNY"),
    # vague amounts: the span stays, no value
    ("数十亿元", "数十亿元", None, "CNY"),
    ("几百万元", "几百万元", None, "CNY"),
    ("十几亿元", "十几亿元", None, "CNY"),
    ("上亿元", "上亿元", None, "CNY"),
    ("数百万美元", "数百万美元", None, "USD"),
    ("二十几万元", "二十几万元", None, "CNY"),
    ("几十块钱", "几十块钱", None, "CNY"),
    ("好几万元", "好几万元", None, "CNY"),
]

NOT_MONEY = [
    "二元化结构",
    "20余个原料药",
    "7000余公里",
    "2024年",
    "一块土地",
    "三块屏幕",
    "人民币汇率",
    "产值40亿",
    "元素周期表",
    "人民币1年期",
    "1 万(含)",
    "第3届",
]


def test_at_least_sixty_forms():
    assert len(FORMS) >= 60


@pytest.mark.parametrize(("text", "span", "value", "currency"), FORMS, ids=[f[0] for f in FORMS])
def test_written_forms(text, span, value, currency):
    money = next(find_money(text))
    assert (money.text, money.currency) == (span, currency)
    assert text[money.start : money.end] == money.text
    if value is None:
        assert money.value is None
    else:
        assert money.value == pytest.approx(value)


@pytest.mark.parametrize("text", NOT_MONEY)
def test_not_money(text):
    assert list(find_money(text)) == []


def test_a_space_before_the_amount_still_ties_it_to_the_investment(nlp):
    doc = nlp("苏州星海科技有限公司在苏州工业园区投资 50 亿元建设新基地。")
    (money,) = [e for e in doc.ents if e.label_ == "MONEY"]
    assert (money.text, money._.value) == ("50 亿元", 5e9)
    (invests,) = [r for r in doc._.relations if r.relation == "INVESTS_IN"]
    assert invests.amount == 5e9
