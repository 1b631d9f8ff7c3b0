"""Tables aligned by display width (kaohe.core.texttable): a Chinese character takes two columns, an
ASCII one and a half-width katakana one, a full-width letter two."""

from __future__ import annotations

from kaohe.core.texttable import _width, table


def test_display_widths() -> None:
    assert [_width(t) for t in ("", "665.34", "派出所", "A派1", "ｱ", "Ａ", "第252名")] == [0, 6, 6, 4, 1, 2, 7]  # 第252名: 2 + 3 + 2


def test_a_table_of_chinese_and_numbers_lines_up() -> None:
    text = table(["单位", "得分", "名次"], [["湖滨派出所", "98.5", "1"], ["u2", "100", "12"]], right={1})
    # 单位 column: widest 湖滨派出所 = 10; 得分 right-aligned to 4 (its header); the last column not padded
    assert text.split("\n") == [
        "单位        得分  名次",
        "----------  ----  ----",
        "湖滨派出所  98.5  1",
        "u2           100  12",
    ]
