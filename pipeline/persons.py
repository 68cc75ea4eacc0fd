"""Person names by context, not by jieba's ``nr`` tag (which calls 45 words of the seed page
persons). A name is a known surname plus one or two characters, found after a title (记者,
院长, 董事长 …) or before a verb of saying (表示, 介绍 …); once found, every other occurrence
of the same name in the document is a mention too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import jieba

from . import lexicon

COMPOUND_SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门".split()
)
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练"
    "廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿"
    "鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
TITLES = (
    "本报记者 记者 通讯员 实习生 院长 副院长 院士 主任 副主任 总经理 副总经理 经理 董事长 副董事长 总裁 "
    "副总裁 书记 副书记 市长 副市长 省长 副省长 区长 县长 局长 副局长 秘书长 副秘书长 首席科学家 科学家 教授 "
    "研究员 主席 副主席 会长 理事长 创始人 负责人 助理 总工程师 校长 厅长 部长 处长 所长 主编 董事 CEO"
).split()
SPEECH_VERBS = "表示 介绍 说 指出 认为 称 强调 透露 坦言 告诉 回忆 提到 坦承 感慨 笑言".split()
# Characters that end a name: what follows a name, never inside it.
_AFTER_NAME = set("及和与在表介说获等的是称指认强透坦告也还对于调曾将已今说、，。（(）) \n")

_TITLE = "|".join(sorted(TITLES, key=len, reverse=True))
_SPEECH = "|".join(SPEECH_VERBS)
_CJK = "[\u4e00-\u9fff]"
TITLE_PATTERN = re.compile(rf"(?:{_TITLE})\s?(?P<name>{_CJK}{{2,3}})")
SPEECH_PATTERN = re.compile(rf"(?<![\u4e00-\u9fff])(?P<name>{_CJK}{{2,3}}?)(?:{_SPEECH})")


def _surname_length(name: str) -> int:
    if name[:2] in COMPOUND_SURNAMES:
        return 2
    return 1 if name[0] in SURNAMES else 0


# A guess that opens with a word jieba's dictionary counts this often, tagged as no name (a verb,
# a preposition, a common noun), is that word: 强调 of 强调指出, 全会 of 全会强调, 来到 of
# 书记来到这里, 关于 of 书记关于…. A place or a direction opens many real names (王国强, 江南春,
# 东方明) and stays. In the silver the filter takes 752 of the 1,608 wrong guesses (xwlb 703,
# the written texts 45, CLUENER 2, MSRA 2) and none of the 5,158 right ones (benchmarks/rule_audit.md).
COMMON_WORD = 1000
NAME_TAGS = {"nr", "nrt", "nrfg", "ns", "s"}


def opens_with_common_word(name: str) -> bool:
    jieba.dt.check_initialized()
    tag = lexicon.word_tags().get(name[:2])
    return tag is not None and tag not in NAME_TAGS and jieba.dt.FREQ.get(name[:2], 0) >= COMMON_WORD


def _trim(name: str) -> str | None:
    """A surname-initial name; a 3-character guess is cut to 2 when its last character is one
    that follows names (及, 表, 在 …)."""
    surname = _surname_length(name)
    if not surname:
        return None
    if len(name) == 3 and name[2] in _AFTER_NAME:
        name = name[:2]
    return name if len(name) > surname else None


def find_persons(text: str, words: Sequence[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """(start, end) of every person mention in ``text``."""
    names = {name for name in guessed_names(text, words) if not opens_with_common_word(name)}
    yield from occurrences(text, names)


def guessed_names(text: str, words: Sequence[tuple[int, int]]) -> set[str]:
    """The names found after a title or before a verb of saying, common words among them."""
    words_starting = {a for a, _ in words}
    names: set[str] = set()
    for match in TITLE_PATTERN.finditer(text):
        name = _trim(match["name"])
        if name:
            names.add(name)
    for match in SPEECH_PATTERN.finditer(text):
        name = match["name"]
        if _surname_length(name) and match.start("name") in words_starting:
            names.add(name)
    return names


def occurrences(text: str, names: set[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of every occurrence of ``names``, the longest names first."""
    for name in sorted(names, key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            yield match.start(), match.end()
