"""Where each item of this plugin stands in the regulation it implements: the seed's line numbers
(each item's ``reference``, for the plugin's authors) to the article a station finds in the
regulation, 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698: 第X条, its (一)(二) and 1、2、).
``kaohe.cite`` sets each item's ``document`` and ``article`` from this table; a bureau names the
document (title, 文号, date) in its configuration: ``[regulations.jintan_2015]``."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    432: "第五条(一)",  # (一)单位民警发生违反 “五条禁令”
    434: "第五条(二)",  # (二)单位民警发生刑讯逼供、滥用武器
    436: "第五条(三)",  # (三)在候问室发生候问对象非正常死亡
    438: "第五条(四)",  # (四)公安安全保卫措施未落实到位而发
    440: "第五条(五)",  # (五)辖区内黑恶势力长期未发现、查处
    442: "第五条(六)",  # (六)落实党风廉政建设责任制不力,民
    444: "第五条(七)",  # (七)其它经局党委研究需要一票否决的
    448: "第六条(一)",  # (一)严格遵守《公安机关人民警察内务
    450: "第六条(二)",  # (二)根据《江苏省公安机关建设廉洁警
    452: "第六条",  # 根据市局重要决策执行情况、督办件办理
    454: "第六条",  # 因违规违纪被市局通报批评、诫勉谈话每
}
