"""Each item's article in 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698), by the seed line its
``reference`` names; ``kaohe.cite`` reads this table (docs/plugin-guide.md)."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    672: "第十二条(十二)",  # (十二)凡发现迟报、漏报、瞒报敌对势
    674: "第十二条(十三)",  # (十三)及时侦破“法轮功”、其他邪教
    676: "第十二条(十四)",  # (十四)加强国保“217”基础工作建
    678: "第十二条(十五)",  # (十五)对国保管控对象实时开展动态管
}
