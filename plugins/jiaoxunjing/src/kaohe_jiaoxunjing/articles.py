"""Where each item of this plugin stands in the regulation it implements: the seed's line numbers
(each item's ``reference``, for the plugin's authors) to the article a station finds in the
regulation, 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698: 第X条, its (一)(二) and 1、2、).
``kaohe.cite`` sets each item's ``document`` and ``article`` from this table; a bureau names the
document (title, 文号, date) in its configuration: ``[regulations.jintan_2015]``."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    644: "第十一条(六)1",  # 1、协助侦破死亡逃逸交通事故的,每起
    646: "第十一条(六)2",  # 2、辖区内发生交通事故引发当事人上访
}
