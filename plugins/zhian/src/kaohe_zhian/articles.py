"""Where each item of this plugin stands in the regulation it implements: the seed's line numbers
(each item's ``reference``, for the plugin's authors) to the article a station finds in the
regulation, 金坛 2015《派出所绩效考核制度》(seed 000 l.414-698: 第X条, its (一)(二) and 1、2、).
``kaohe.cite`` sets each item's ``document`` and ``article`` from this table; a bureau names the
document (title, 文号, date) in its configuration: ``[regulations.jintan_2015]``."""

DOCUMENT = "jintan_2015"

ARTICLES = {
    488: "第八条(一)2",  # 2、治安部门管辖刑事案件。侦办治安部
    490: "第八条(一)3",  # 3、查处治安案件。对查处治安案件数实
    498: "第八条(一)“破案季度加考部分”2",  # 2、查处治安案件加考。对涉危案件每季
    512: "第八条(二)5",  # 5、查处治安案件涉案人员。每查处一名
    528: "第八条(二)“打击处理季度加考部分”(5)",  # (5)查处治安案件人员数加考。对查处
    566: "第十一条(二)1",  # 1、情报信息报送及预警。群体性事件及
    568: "第十一条(二)2",  # 2、人口管理和社区警务。警务室信息系
    570: "第十一条(二)3",  # 3、行业场所管理。全面采集公共场所和
    572: "第十一条(二)4",  # 4、危险品管理。对涉危、涉爆单位进行
    574: "第十一条(二)5",  # 5、经文保工作。辖区发生保险箱被盗抢
    576: "第十一条(二)6",  # 6、辅警队伍管理。新招录辅警人员必须
    578: "第十一条(二)6",  # 警民联调室运作不规范的,发现一次扣5
    580: "第十一条(二)6",  # 治安信息员、“红袖标”等群防群治力量
    682: "第十二条(十七)",  # (十七)全年,平安企业创建少完成1家
}
