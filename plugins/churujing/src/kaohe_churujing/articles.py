"""Each item's article in 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698), by the seed line its
``reference`` names; ``kaohe.cite`` reads this table (docs/plugin-guide.md)."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    620: "第十一条(四)1",  # 1、境外人员临时住宿登记。对辖区内境
    622: "第十一条(四)2",  # 2、常驻境外人员。将常驻境外人员纳入
    624: "第十一条(四)3",  # 3、法定不批准出境人员报备。有法定不
}
