"""Where each item of this plugin stands in the regulation it implements: the seed's line numbers
(each item's ``reference``, for the plugin's authors) to the article a station finds in the
regulation, 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698: 第X条, its (一)(二) and 1、2、).
``kaohe.cite`` sets each item's ``document`` and ``article`` from this table; a bureau names the
document (title, 文号, date) in its configuration: ``[regulations.jintan_2015]``."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    458: "第七条(一)",  # (一)情报信息采集报送。派出所民警每
    460: "第七条(二)",  # (二)情报信息采集质量。情报信息主题
    462: "第七条(三)",  # (三)情报信息录用情况。凡被市局《每
    464: "第七条(四)",  # (四)情报信息分析研判。本单位因情报
    466: "第七条(五)",  # (五)情报信息转化应用。对市局发布的
    468: "第七条(五)",  # 对市级情报平台下发的重点人员要按时签
    470: "第七条(五)",  # 下发的重点人员预警管控不到位,被部、
    472: "第七条(六)",  # (六)公安宣传报道和政工信息。A类派
    680: "第十二条(十六)",  # (十六)全年各派出所必须上报调研论文
}
