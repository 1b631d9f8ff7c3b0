"""Each item's article in 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698), by the seed line its
``reference`` names; ``kaohe.cite`` reads this table (docs/plugin-guide.md)."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    644: "第十一条(六)1",  # 1、协助侦破死亡逃逸交通事故的,每起
    646: "第十一条(六)2",  # 2、辖区内发生交通事故引发当事人上访
}
