"""Where each item of this plugin stands in the regulation it implements: the seed's line numbers
(each item's ``reference``, for the plugin's authors) to the article a station finds in the
regulation, 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698: 第X条, its (一)(二) and 1、2、).
``kaohe.cite`` sets each item's ``document`` and ``article`` from this table; a bureau names the
document (title, 文号, date) in its configuration: ``[regulations.jintan_2015]``."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    672: "第十二条(十二)",  # (十二)凡发现迟报、漏报、瞒报敌对势
    674: "第十二条(十三)",  # (十三)及时侦破“法轮功”、其他邪教
    676: "第十二条(十四)",  # (十四)加强国保“217”基础工作建
    678: "第十二条(十五)",  # (十五)对国保管控对象实时开展动态管
}
