"""Each item's article in 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698), by the seed line its
``reference`` names; ``kaohe.cite`` reads this table (docs/plugin-guide.md)."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    524: "第八条(二)“打击处理季度加考部分”(3)",  # (3)对经侦部门管辖刑事案件打击处理
    668: "第十二条(十)",  # (十)经济案件打击处理数(含直诉)全
}
