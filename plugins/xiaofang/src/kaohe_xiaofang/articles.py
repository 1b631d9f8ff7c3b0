"""Where each item of this plugin stands in the regulation it implements: the seed's line numbers
(each item's ``reference``, for the plugin's authors) to the article a station finds in the
regulation, 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698: 第X条, its (一)(二) and 1、2、).
``kaohe.cite`` sets each item's ``document`` and ``article`` from this table; a bureau names the
document (title, 文号, date) in its configuration: ``[regulations.jintan_2015]``."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    628: "第十一条(五)1",  # 1、落实消防责任制。派出所未明确分管
    630: "第十一条(五)2",  # 2、建立基础工作台帐和管理台帐。未按
    632: "第十一条(五)3",  # 3、广泛开展消防宣传。派出所未设立固
    634: "第十一条(五)4",  # 4、派出所消防警务室建设到位。按消防
    636: "第十一条(五)5",  # 5、落实各项消防工作制度。按月召开消
    638: "第十一条(五)6",  # 6、完成消防监督执法工作月(年)度量
    640: "第十一条(五)7",  # 7、做好辖区火灾的接处警并担负初期火
    684: "第十二条(十八)",  # (十八)因工作突出,被常州市局(含)
}
