"""Where each item of this plugin stands in the regulation it implements: the seed's line numbers
(each item's ``reference``, for the plugin's authors) to the article a station finds in the
regulation, 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698: 第X条, its (一)(二) and 1、2、).
``kaohe.cite`` sets each item's ``document`` and ``article`` from this table; a bureau names the
document (title, 文号, date) in its configuration: ``[regulations.jintan_2015]``."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    620: "第十一条(四)1",  # 1、境外人员临时住宿登记。对辖区内境
    622: "第十一条(四)2",  # 2、常驻境外人员。将常驻境外人员纳入
    624: "第十一条(四)3",  # 3、法定不批准出境人员报备。有法定不
}
