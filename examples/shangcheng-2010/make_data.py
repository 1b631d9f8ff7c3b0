"""The synthetic data of this example, 上城区公安分局 2010 (seed 000 l.14-274): the 考核办's register
(kaohe's built-in 考核办登记表, with its 级别, 名次 and 参评单位数 columns) and the three files of the
officer coefficients (民警名单, 民警身份, 请假登记) with the officers' own records (民警考核登记) and the days the
units sent their lists of coefficients (考核系数名单报送). Fixed rows, no randomness:
tests/test_example_shangcheng_2010.py checks the second quarter (2010-03-21 … 2010-06-20) against
values worked out by hand.

    python make_data.py [DIRECTORY]     # writes the four CSV files (default: beside this file)
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REGISTER = "考核办_季度考核登记_2010.csv"
ROSTER = "民警名单_2010.csv"
ROLES = "民警身份_2010.csv"
LEAVE = "请假登记_2010.csv"
RECORDS = "民警考核登记_2010.csv"
LISTS = "考核系数名单报送_2010.csv"

HEADER = ["编号", "单位", "日期", "记录类型", "数值", "名称", "说明", "级别", "名次", "参评单位数"]
S1 = ["湖滨派出所", "小营派出所", "望江派出所", "南星派出所", "紫阳派出所", "清波派出所", "站前派出所"]

# (unit, date, kind, value, name, note, level, place, of)
ROWS: list[tuple] = [
    # ---- first quarter (2009-12-21 … 2010-03-20): must not count in the second
    ("湖滨派出所", "2010-03-15", "duiwu", "", "", "缺三会一课一次", "第3条", "", ""),
    ("刑侦大队", "2010-02-10", "zhongdian", 6, "追逃", "", "", "", ""),
    # ---- second quarter (2010-03-21 … 2010-06-20)
    # 业务工作: 分局重点工作排名 (l.74), figures of the quarter
    *[(u, "2010-06-18", "zhongdian", v, "追逃", "抓获逃犯数", "", "", "") for u, v in zip(S1, (12, 10, 9, 7, 5, 4, 2), strict=True)],
    *[(u, "2010-06-18", "zhongdian", v, "破案", "刑事案件破案数", "", "", "") for u, v in zip(S1, (20, 25, 20, 18, 15, 10, 30), strict=True)],
    *[(u, "2010-06-18", "zhongdian_asc", v, "可防性案件发案", "可防性案件发案数", "", "", "") for u, v in zip(S1, (30, 40, 50, 20, 60, 35, 45), strict=True)],
    ("刑侦大队", "2010-06-18", "zhongdian", 8, "追逃", "抓获逃犯数", "", "", ""),
    ("经侦大队", "2010-06-18", "zhongdian", 5, "追逃", "抓获逃犯数", "", "", ""),
    ("治安一大队", "2010-06-18", "zhongdian", 3, "追逃", "抓获逃犯数", "", "", ""),
    # 业务工作: 完成工作目标 (l.74)
    ("湖滨派出所", "2010-06-19", "mubiao", "", "社区警务室建设", "", "完成", "", ""),
    ("湖滨派出所", "2010-06-19", "mubiao", "", "流动人口登记率", "", "未完成", "", ""),
    ("小营派出所", "2010-06-19", "mubiao", "", "社区警务室建设", "", "完成", "", ""),
    ("小营派出所", "2010-06-19", "mubiao", "", "流动人口登记率", "", "完成", "", ""),
    ("站前派出所", "2010-06-19", "mubiao", "", "流动人口登记率", "", "未完成", "", ""),
    # 队伍建设 (附件二): 湖滨 on the quarter's first and last days
    ("湖滨派出所", "2010-03-21", "duiwu", "", "", "政治学习少一次", "第4条", "", ""),
    ("湖滨派出所", "2010-06-20", "duiwu", "", "", "政治学习少一次", "第4条", "", ""),
    ("湖滨派出所", "2010-04-08", "duiwu", "", "", "缺三会一课一次", "第3条", "", ""),
    ("湖滨派出所", "2010-05-26", "choukao", 98, "", "训练科目抽考达标率98%", "", "", ""),
    # 小营: one 黄牌警告 entered under 第10条 and 第56条 (the same event, 名称 the same) and a 谈话告诫
    ("小营派出所", "2010-05-12", "duiwu", "", "王某黄牌警告", "民警被黄牌警告", "第10条黄牌警告", "", ""),
    ("小营派出所", "2010-05-12", "duiwu", "", "王某黄牌警告", "民警被黄牌警告", "第56条黄牌警告", "", ""),
    ("小营派出所", "2010-04-20", "duiwu", "", "", "民警被分局谈话告诫", "第10条谈话告诫", "", ""),
    ("清波派出所", "2010-05-05", "duiwu", -5, "", "立案工作弄虚作假", "第20条", "", ""),
    ("法制科", "2010-04-30", "duiwu", "", "", "交办信访件未按期报结", "第13条未按期报结", "", ""),
    # 效能督察
    ("湖滨派出所", "2010-04-14", "xiaoneng", "", "", "民警未按规定着装", "第24条", "", ""),
    ("湖滨派出所", "2010-05-19", "xiaoneng", "", "", "执勤违纪被市局督察指正", "第54条上级督察", "", ""),
    ("望江派出所", "2010-04-06", "xiaoneng", "", "", "旷工半天", "第42条旷工半天", "", ""),
    ("望江派出所", "2010-04-22", "xiaoneng", "", "", "迟到", "第42条迟到早退", "", ""),
    ("望江派出所", "2010-05-28", "xiaoneng", "", "", "早退", "第42条迟到早退", "", ""),
    ("站前派出所", "2010-06-03", "xiaoneng", "", "", "值班人员擅离职守", "第25条", "", ""),
    # 专项工作 (l.90): every station in both campaigns, base 5 and its leading department's points
    *[(u, "2010-06-10", "zhuanxiang", v, "禁毒专项行动", "禁毒大队考核", "", "", "")
      for u, v in zip(S1, ("0.5", 0, 0, 0, -1, 0, 0), strict=True)],
    *[(u, "2010-06-15", "zhuanxiang", v, "交通秩序整治", "巡(特)警大队考核", "", "", "")
      for u, v in zip(S1, (0, 0, 0, 0, 0, 0, "-0.5"), strict=True)],
    # the superior's assessment of the bureau, credited to the leading departments
    ("禁毒大队", "2010-06-12", "zhuanxiang_paiming", "", "禁毒专项行动", "市局考核排名", "", 2, 13),
    ("禁毒大队", "2010-06-12", "zhuanxiang_zongping", "", "禁毒专项行动", "市局总评", "", 2, 13),
    ("禁毒大队", "2010-05-20", "zhuanxiang_tongbao", "", "禁毒专项行动", "市局通报表彰", "通报表彰", "", ""),
    ("巡(特)警大队", "2010-06-16", "zhuanxiang_paiming", "", "交通秩序整治", "市局考核排名", "", 11, 13),
    ("巡(特)警大队", "2010-06-16", "zhuanxiang_zongping", "", "交通秩序整治", "市局总评", "", 12, 13),
    ("巡(特)警大队", "2010-04-28", "zhuanxiang_tongbao", "", "交通秩序整治", "市局通报批评", "通报批评", "", ""),
    # 机动加分 (附件三): one case rated twice counts at the highest
    ("刑侦大队", "2010-04-25", "jidong_anjian", "", "“4·12”系列盗窃案", "", "市局评定案件", "", ""),
    ("刑侦大队", "2010-06-02", "jidong_anjian", "", "“4·12”系列盗窃案", "", "专案组三等功", "", ""),
    ("刑侦大队", "2010-05-30", "jidong_anjian", "", "“5·20”抢劫案", "", "省厅评定案件", "", ""),
    ("湖滨派出所", "2010-05-08", "jidong_lunwen", "", "社区警务调研", "", "论文省厅获奖", "", ""),
    ("湖滨派出所", "2010-06-06", "jidong_ligong", "", "", "民警张伟荣立个人三等功", "个人三等功", "", ""),
    # ---- third and fourth quarters
    ("南星派出所", "2010-08-03", "xiaoneng", "", "", "警车停放娱乐场所", "第37条", "", ""),
    ("刑侦大队", "2010-12-10", "jidong_quanshi", "", "全年刑侦工作", "", "全市同类第1名", "", ""),
]

ROSTER_HEADER = ["警号", "姓名", "单位", "入警日期", "调入日期", "调出日期"]
ROSTER_ROWS = [
    ("1001", "张伟", "湖滨派出所", "2001-07-01", "", ""),
    ("1002", "李强", "湖滨派出所", "1998-08-01", "", ""),
    ("1003", "王芳", "湖滨派出所", "2003-07-15", "", ""),
    ("1004", "刘洋", "湖滨派出所", "2008-07-01", "", ""),
    ("1005", "陈静", "湖滨派出所", "2008-07-01", "", ""),
    ("1006", "杨帆", "湖滨派出所", "2009-12-01", "", ""),
    ("1007", "黄磊", "湖滨派出所", "2009-12-01", "", ""),
    ("1008", "赵刚", "湖滨派出所", "2002-03-01", "", ""),
    ("1009", "黄敏", "湖滨派出所", "2004-09-01", "", ""),
    ("1010", "吴斌", "湖滨派出所", "2005-09-01", "", ""),
    ("1011", "周杰", "小营派出所", "2005-07-01", "", "2010-04-14"),
    ("1011", "周杰", "湖滨派出所", "2005-07-01", "2010-04-15", ""),
    ("1012", "吴昊", "湖滨派出所", "2010-05-10", "", ""),
    ("1013", "孙丽", "湖滨派出所", "2000-07-01", "", ""),
    ("1014", "郑凯", "湖滨派出所", "1999-07-01", "", ""),
    ("1015", "冯涛", "湖滨派出所", "1997-07-01", "", ""),
    ("1016", "何军", "湖滨派出所", "2010-02-01", "", ""),
    ("1017", "林娜", "湖滨派出所", "2006-07-01", "", ""),
    ("2001", "马超", "刑侦大队", "1996-07-01", "", ""),
    ("2002", "高远", "刑侦大队", "2007-07-01", "", ""),
]

ROLES_HEADER = ["警号", "身份", "起始日期", "终止日期"]
ROLE_ROWS = [
    ("1001", "岗位能手", "2009-01-01", ""),
    ("1002", "师傅级", "2009-03-01", ""),
    ("1003", "兼职法制员", "2009-03-01", ""),
    ("1003", "师傅级", "2009-03-01", ""),
    ("1004", "徒弟级", "2009-03-01", ""),
    ("1005", "徒弟级", "2009-03-01", ""),
    ("1005", "骨干培养", "2009-03-01", ""),
    ("1007", "徒弟级", "2010-01-01", ""),
    ("1014", "岗位能手", "2009-06-01", "2010-05-31"),
    ("1015", "外派管委会、指挥部", "2010-01-01", ""),
    ("1016", "徒弟级", "2010-02-01", ""),
    ("1016", "部队转业干部", "2010-02-01", ""),
    ("2001", "岗位能手", "2008-01-01", ""),
]

LEAVE_HEADER = ["警号", "假别", "起始日期", "终止日期"]
LEAVE_ROWS = [
    ("1008", "病假", "2010-04-01", "2010-05-04"),
    ("1009", "事假", "2010-04-01", "2010-04-30"),
    ("1010", "事假", "2010-05-01", "2010-05-29"),
    ("1013", "病假", "2010-01-05", "2010-07-10"),
    ("1017", "年休假", "2010-04-06", "2010-05-15"),
]


# the officers' own records, scored by the officer-level items of [officers.items]
RECORDS_HEADER = ["警号", "项目", "日期", "数值", "级别", "说明"]
RECORD_ROWS = [
    ("1001", "破获刑事案件", "2010-03-15", 1, "", "第一季度的案件,不计入第二季度"),
    ("1002", "破获刑事案件", "2010-04-10", 2, "", "破获盗窃案2起"),
    ("1004", "考核办通知单加减分", "2010-06-01", 2, "", "通知单第3号:协助破获“5·20”案"),
    ("1012", "破获刑事案件", "2010-06-02", 1, "", "到岗第一个季度,业务工作不计"),
    ("1012", "违反队伍建设规章制度", "2010-06-05", "", "", "值班脱岗"),
    ("1017", "破获刑事案件", "2010-05-20", 7, "", "破获系列盗窃案7起"),
]

# the day each unit's list of coefficients reached the office (当季末月20日前, l.62)
LISTS_HEADER = ["单位", "季度", "报送日期"]
LIST_ROWS = [
    ("湖滨派出所", "2010-Q2", "2010-06-18"),
    ("刑侦大队", "2010-Q2", "2010-06-25"),
]


def _write(path: Path, header: list[str], rows: list[tuple]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def write(directory: Path) -> list[Path]:
    """The office's register (the file to ingest)."""
    directory.mkdir(parents=True, exist_ok=True)
    rows = [(f"SC{n:03d}", u, d, f"office.{k}", v, name, note, level, place, of)
            for n, (u, d, k, v, name, note, level, place, of) in enumerate(ROWS, start=1)]
    return [_write(directory / REGISTER, HEADER, rows)]


def write_officers(directory: Path) -> list[Path]:
    """The units' officer files, read by kaohe officers (named in [officers] of kaohe.toml)."""
    directory.mkdir(parents=True, exist_ok=True)
    return [
        _write(directory / ROSTER, ROSTER_HEADER, ROSTER_ROWS),
        _write(directory / ROLES, ROLES_HEADER, ROLE_ROWS),
        _write(directory / LEAVE, LEAVE_HEADER, LEAVE_ROWS),
        _write(directory / RECORDS, RECORDS_HEADER, RECORD_ROWS),
        _write(directory / LISTS, LISTS_HEADER, LIST_ROWS),
    ]


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent
    for p in write(target) + write_officers(target):
        print(p)
