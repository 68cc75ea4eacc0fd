import pytest

from pipeline.money import find_money


@pytest.mark.parametrize(
    ("text", "span", "value", "currency"),
    [
        ("实现总产值4759.3亿元", "4759.3亿元", 475_930_000_000.0, "CNY"),
        ("平均年度纳税1750万元", "1750万元", 17_500_000.0, "CNY"),
        ("投资五千万元", "五千万元", 50_000_000.0, "CNY"),
        ("45564.44美元", "45564.44美元", 45_564.44, "USD"),
        ("百亿元以上收入的企业", "百亿元", 1e10, "CNY"),
        ("产业规模突破千亿元。", "千亿元", 1e11, "CNY"),
        ("总投资约3亿元", "3亿元", 3e8, "CNY"),
        ("逾1.5万亿元", "1.5万亿元", 1.5e12, "CNY"),
        ("壹佰捌拾壹圆柒角", "壹佰捌拾壹圆柒角", 181.7, "CNY"),
        ("三点五亿元", "三点五亿元", 3.5e8, "CNY"),
        ("融资5,000万港元", "5,000万港元", 5e7, "HKD"),
        ("100余万元", "100余万元", 1e6, "CNY"),
    ],
)
def test_amounts_are_found_and_normalised(text, span, value, currency):
    (money,) = list(find_money(text))
    assert (money.text, money.currency) == (span, currency)
    assert money.value == pytest.approx(value)


@pytest.mark.parametrize("text", ["二元化结构", "20余个原料药", "7000余公里", "2024年"])
def test_non_amounts_are_not_money(text):
    assert list(find_money(text)) == []


def test_money_entities_carry_value_and_currency(nlp):
    doc = nlp("项目总投资50亿元。")
    (money,) = [e for e in doc.ents if e.label_ == "MONEY"]
    assert (money.text, money._.value, money._.currency) == ("50亿元", 5e9, "CNY")
