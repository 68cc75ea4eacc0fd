import json

import pytest

from pipeline.inputs import decode, iter_documents

TEXT = "中关村软件园位于北京。"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),
        b"\xff\xfe" + TEXT.encode("utf-16-le"),
    ],
)
def test_encodings_decode_to_the_same_text(data):
    assert decode(data) == (TEXT, None)


@pytest.mark.parametrize(("data", "reason"), [(b"", "empty"), (b"  \n", "empty"), (bytes(range(256)) * 20, "binary")])
def test_bad_files_get_a_reason(data, reason):
    text, error = decode(data)
    assert text == "" and reason in error


def test_folders_and_jsonl_with_a_broken_line(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text(TEXT, encoding="gbk")
    (tmp_path / "c.jsonl").write_text(
        json.dumps({"text": TEXT, "doc_id": "x1"}) + "\n{broken\n" + json.dumps({"text": TEXT}) + "\n", encoding="utf-8"
    )
    docs = list(iter_documents([tmp_path, tmp_path / "missing.txt"]))
    assert [(d.doc_id, d.error is None) for d in docs] == [
        ("a", True),
        ("x1", True),
        ("c:2", False),
        ("c:3", True),
        ("sub/b", True),  # a path from the folder: same-named files elsewhere stay apart
        ("missing", False),
    ]
    assert "bad JSON line" in docs[2].error and docs[2].source.endswith("c.jsonl:2")


def test_a_named_json_file_is_an_error_row_not_news(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"text": TEXT}), encoding="utf-8")
    (document,) = iter_documents([tmp_path / "a.json"])
    assert document.text == "" and ".jsonl" in document.error
