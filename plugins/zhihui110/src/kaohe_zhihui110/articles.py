"""Where each item of this plugin stands in the regulation it implements: the seed's line numbers
(each item's ``reference``, for the plugin's authors) to the article a station finds in the
regulation, 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698: 第X条, its (一)(二) and 1、2、).
``kaohe.cite`` sets each item's ``document`` and ``article`` from this table; a bureau names the
document (title, 文号, date) in its configuration: ``[regulations.jintan_2015]``."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    542: "第十一条(一)1",  # 1、接警。各派出所网络派单未登录、电
    546: "第十一条(一)2(1)",  # (1)各派出所和处警民警对指令执行不
    548: "第十一条(一)2(2)",  # (2)各处警单位和民警接到处警指令后
    550: "第十一条(一)2(3)",  # (3)需要移交的案(事)件,应当按照
    552: "第十一条(一)3",  # 3、反馈。对重大紧急警情,处警单位应
    554: "第十一条(一)4",  # 4、回访。根据公安部《110接处警工
    558: "第十一条(一)5(1)",  # (1)巡逻民警每人每天盘查嫌疑人员(
    560: "第十一条(一)5(2)",  # (2)“两抢”警情数与去年同期相比,
    562: "第十一条(一)5(3)",  # (3)城区四所每月报送巡防信息不少于
}
