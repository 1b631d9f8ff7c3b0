"""The 治安大队's assessment items (seed 000, 金坛 2015 scheme).

基础工作建设 (category ``jichu``): seed 000 l.564-580. 打处绩效 (category ``dachu``), where the
seed has 治安 supply the data: l.488 (治安部门管辖刑事案件, scored by the standards of l.480-486),
l.490 (查处治安案件) and l.512 (查处治安案件涉案人员); and the quarterly 加考 parts whose data 治安
supplies: l.498 (涉危案件) and l.528 (查处治安案件人员数).

Most items are "per occurrence" entries of the department's 考核事项登记表: each is declared by the
事项类别 the staff write in that table (``EVENTS``); the adapter accepts exactly those names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
from kaohe import ZERO, Item, ItemSet, Line, rules
from kaohe.rules import Lines, RuleContext

DEPARTMENT = "治安大队"
SEED = "seed 000"
ITEM = ItemSet("zhian", DEPARTMENT, category="jichu", seed=SEED)

# Record kinds (one per export, the case export gives two).
EVENT = "zhian.event"
MONTHLY = "zhian.monthly"
HOTEL_FUGITIVE = "zhian.hotel_fugitive"
CRIMINAL_CASE = "zhian.criminal_case"
PS_CASE = "zhian.ps_case"
ECON_CASE = "zhian.econ_case"
VICE_PERSON = "zhian.vice_person"

SOLVED = rules.Modifier(field="solved", factor="0.5", label="案件及时破获,减半扣分")
SELF_REPORTED = rules.Modifier(field="self_reported", factor="0.5", label="主动查处上报,减半扣分")


@attrs.frozen
class Event:
    """One per-occurrence item read from the 考核事项登记表 by its 事项类别 (``label``)."""

    name: str
    title: str
    points: str
    line: int
    text: str
    label: str = ""
    flag: bool = False
    """Assessed once per month ("…的扣5分", a state), not per occurrence."""
    modifier: rules.Modifier | None = None

    @property
    def category_label(self) -> str:
        return self.label or self.title


EVENTS: tuple[Event, ...] = (
    # --- 1、情报信息报送及预警 (l.566) ---
    Event("intel_unrest_not_warned", "群体性事件及突出不稳定因素未事先预警或及时先期处置", "-20", 566,
          "群体性事件及突出不稳定因素未事先预警或及时先期处置,造成不良影响的,有一起扣20分",
          label="群体性事件未预警处置"),
    Event("intel_person_not_controlled", "肇事肇祸精神病人及治安危险分子未落实管控措施", "-30", 566,
          "肇事肇祸精神病人及治安危险分子未落实管控措施,每人次扣30分",
          label="肇事肇祸精神病人及治安危险分子未管控"),
    Event("intel_early_warning", "群体性事件及突出不稳定因素先期预警或成功先期处置", "20", 566,
          "群体性事件及突出不稳定因素先期预警或成功先期处置的,有一次加20分",
          label="群体性事件成功预警处置"),
    Event("intel_data_not_entered", "治保会信息、保安联防组织信息未按规定录入警务平台", "-5", 566,
          "治安管理数据中的治保会信息、保安联防组织信息未按规定录入警务平台的扣5分",
          label="治保会保安联防信息未录入", flag=True),
    Event("intel_quality_city", "治安案件信息数据质量存在差错被市局巡查通报", "-5", 566,
          "治安案件信息数据质量存在差错,被市局巡查通报的,有一处扣5分",
          label="治安案件信息差错被市局通报"),
    Event("intel_quality_changzhou", "治安案件信息数据质量存在差错被常州市局通报", "-10", 566,
          "被常州市局通报的,有一处扣10 分",
          label="治安案件信息差错被常州市局通报"),
    # --- 2、人口管理和社区警务 (l.568) ---
    Event("pop_room_entry", "警务室信息系统录入不及时、点评不规范", "-2", 568,
          "警务室信息系统录入不及时、点评不规范的,每人次扣2分",
          label="警务室信息录入不及时点评不规范"),
    Event("pop_resident_major_error", "常住人口主项差错", "-2", 568,
          "常住人口主项差错一人扣2分"),
    Event("pop_main_item_missing", "工作对象、暂住人口、房屋出租主项目缺项", "-2", 568,
          "工作对象、暂住人口、房屋出租主项目每缺一项扣2分",
          label="工作对象暂住人口房屋出租主项目缺项"),
    Event("pop_id_card_returned", "办理二代身份证被省厅退回错误信息", "-5", 568,
          "办理二代身份证过程中,被省厅退回一条错误信息扣5分",
          label="二代证错误信息被省厅退回"),
    Event("pop_warned_person", "部情报平台预警的重点人员少核查或未落实管控措施", "-10", 568,
          "公安部情报信息综合应用平台预警的重点人员,少核查或未落实管控措施的,有一人扣10分",
          label="预警重点人员未核查管控"),
    Event("pop_work_object_missing", "少录入工作对象信息", "-3", 568,
          "少录入工作对象信息的,有一人扣3分"),
    Event("pop_key_population", "符合重点人口列管条件的漏列管或失控", "-5", 568,
          "符合重点人口列管(包括当年刑满释放人员)条件的,漏列管或失控一名扣5分",
          label="重点人口漏列管或失控"),
    Event("pop_backtrack", "“八类”案件和重特大刑事案件作案成员倒查漏管、失控", "-30", 568,
          "对“八类”案件和重特大刑事案件作案成员进行倒查,漏管、失控一名扣30分",
          label="八类案件作案成员倒查漏管失控"),
    Event("pop_background_check", "重大活动安保中不及时、如实上报背景审查人员数据", "-10", 568,
          "各类重大活动安保中,不及时、如实上报有关背景审查人员数据的,有一人次扣10分",
          label="背景审查人员数据未及时如实上报"),
    Event("pop_room_staffing", "警务室“一警四辅”“一警两辅”不到位", "-10", 568,
          "3月份完成15个社区警务室和第一批20个农村重点警务室“一警四辅”工作,6月份其它农村重点警务室"
          "“一警两辅”全部到位,有一个不到位扣10分",
          label="警务室一警四辅或一警两辅不到位"),
    Event("pop_officer_absent", "警务室民警无故不在岗", "-5", 568,
          "社区和农村重点警务室公布民警接待时间,民警无故不在岗的有一次扣5分"),
    Event("pop_one_plus_n", "完成社区警务室“1+N”和“社巡合一”模式", "20", 568,
          "全年推进社区警务室 “1+N”和“社巡合一”模式,每完成一个加20分",
          label="完成警务室1+N和社巡合一模式"),
    Event("pop_room_level_one", "创建一级警务室", "30", 568,
          "推进警务室等级评定工作,每创建一个一级警务室加30分"),
    Event("pop_room_level_two", "创建二级警务室", "20", 568,
          "创建一个二级警务室加20分"),
    Event("pop_floating_collection", "按规定时间完成流动人口信息社会化采集", "10", 568,
          "按规定时间完成流动人口信息社会化采集的派出所加10分",
          label="按时完成流动人口信息社会化采集", flag=True),
    Event("pop_hukou_error", "户口办理操作错误造成维护省库异常错误", "-5", 568,
          "户口办理操作错误造成维护省库异常错误的扣5分",
          label="户口办理错误造成省库异常"),
    Event("pop_illegal_hukou", "违规办理户口", "-10", 568,
          "违规办理户口的,一次扣10分"),
    Event("pop_fugitive_not_cancelled", "不及时注销逃犯暂住人口信息", "-5", 568,
          "不及时注销逃犯暂住人口信息的,有一人次扣5分"),
    # --- 3、行业场所管理 (l.570) ---
    Event("venue_entry_inaccurate", "公共场所和特种行业基础信息采集录入不实时、不准确", "-5", 570,
          "采集录入不实时、不准确的发现一家扣5分",
          label="场所信息采集录入不实时不准确"),
    Event("venue_not_filed", "场所派出所未备案", "-5", 570,
          "派出所未备案的,发现一家扣5 分"),
    Event("venue_inspection_missed", "未按规定开展治安检查", "-5", 570,
          "未按规定检查的,少一次扣5分",
          label="场所未按规定检查"),
    Event("venue_unlicensed_hotel", "无证经营旅馆", "-10", 570,
          "无证经营旅馆的,有一家扣10分"),
    Event("venue_guest_item_error", "传输旅客信息项目错误", "-2", 570,
          "传输旅客信息项目有一项错误扣2分"),
    Event("venue_fake_id", "抓获冒用他人身份证件违法人员", "5", 570,
          "抓获冒用他人身份证件违法人员,有一名加5分"),
    Event("venue_fugitive_escaped", "因不及时上传旅馆信息数据造成网上逃犯脱逃", "-20", 570,
          "因不及时上传旅馆信息数据,造成网上逃犯脱逃或抓捕中脱逃的,每例扣20分",
          label="旅馆信息上传不及时造成逃犯脱逃"),
    Event("venue_system_not_installed", "公特场所未安装治安管理信息系统和监控系统", "-5", 570,
          "公特场所(旅馆、歌舞、游戏、洗浴、收旧场所)安装治安管理信息系统和监控系统达100%,未安装的有一家扣5分",
          label="公特场所未安装信息系统和监控"),
    Event("venue_staff_unregistered", "场所从业人员不登记、不持证刷卡", "-2", 570,
          "场所从业人员信息登记率、持证刷卡率达100%,发现不登记、不持证刷卡的一人(次)扣2分",
          label="从业人员不登记不持证刷卡"),
    Event("venue_vice_raided", "娱乐服务场所被市局以上公安机关直接组织查处", "-20", 570,
          "娱乐服务场所丑恶现象等治安问题突出,被市局以上公安机关直接组织查处、暗访通报的,每次(家)分别扣20分、10分",
          label="娱乐场所被上级直接组织查处"),
    Event("venue_vice_reported", "娱乐服务场所被市局以上公安机关暗访通报", "-10", 570,
          "娱乐服务场所丑恶现象等治安问题突出,被市局以上公安机关直接组织查处、暗访通报的,每次(家)分别扣20分、10分",
          label="娱乐场所被上级暗访通报"),
    Event("venue_media_exposed", "场所治安问题被新闻、网络等媒体曝光并查实", "-50", 570,
          "被新闻、网络等媒体曝光并查实的,每次扣50分",
          label="场所问题被媒体曝光查实"),
    Event("venue_trade_closed", "查处、取缔违法违规特种行业经营单位", "10", 570,
          "查处、取缔违法违规特种行业经营单位,有一家加10分",
          label="查处取缔违法违规特种行业"),
    Event("venue_gambling_machine", "收缴赌博机", "2", 570,
          "每收缴一台赌博机计2分(以上缴治安大队电路主板为准)"),
    Event("venue_innovation", "公特场所治安管理创新举措被上级公安机关推广应用", "20", 570,
          "在公特场所治安管理中有小发明、实战技法等创新举措取得成效并被上级公安机关推广应用的,有一项加20分",
          label="创新举措被上级推广"),
    Event("venue_security_leader", "重大活动安保领导不重视、不到工作现场", "-10", 570,
          "凡市局部署的重大活动安保任务,领导不重视、不到工作现场的扣10分",
          label="安保领导不到现场"),
    Event("venue_security_discipline", "安保工作不遵守工作纪律,不按规定着装、携带装备", "-5", 570,
          "不遵守工作纪律,不按规定着装、携带装备的,发现一次扣5分",
          label="安保违反纪律着装装备"),
    Event("venue_security_accident", "不履行安保工作职责发生安保责任事故", "-50", 570,
          "不履行安保工作职责,发生人员伤亡等安保责任事故的每起扣50分",
          label="安保责任事故"),
    # --- 4、危险品管理 (l.572) ---
    Event("danger_inspection", "涉危涉爆单位日常治安检查达不到要求", "-5", 572,
          "对涉危、涉爆单位进行日常治安检查,记录规范,法律文书齐全(对危险物品单位派出所每月检查至少一次),达不到要求的扣5分",
          label="涉危涉爆单位检查不达标"),
    Event("danger_gun_handling", "枪弹领用归还、保养、复核、台帐被上级公安机关检查不规范", "-5", 572,
          "按规定领用归还枪弹、擦拭保养、检查复核、及时处理开门记录并做好台帐,被上级公安机关检查不规范的,每次扣5分",
          label="枪弹管理检查不规范"),
    Event("danger_gun_retrieval", "因系统维护不到位不能快速取枪", "-10", 572,
          "因系统维护不到位,不能快速取枪的,一次扣10分",
          label="不能快速取枪"),
    Event("danger_goods_lost", "辖区发生危险物品丢失、被盗、被抢案件", "-20", 572,
          "辖区发生危险物品丢失、被盗、被抢案件的,有一起扣20分(案件及时破获的减半扣分)",
          label="危险物品丢失被盗被抢", modifier=SOLVED),
    # --- 5、经文保工作 (l.574) ---
    Event("econ_safe_theft", "辖区发生保险箱被盗抢案件", "-20", 574,
          "辖区发生保险箱被盗抢案件的,有一起扣20分",
          label="保险箱被盗抢"),
    Event("econ_bank_case", "发生银行“把行”案件", "-20", 574,
          "发生银行“把行”案件的,有一起扣20分",
          label="银行把行案件"),
    Event("econ_enterprise_info", "新增企事业单位基本信息录入警务平台且数据质量达到要求", "5", 574,
          "辖区企事业单位基本信息及时采集录入警务平台,每新增一家,且数据质量达到要求的加5分",
          label="新增企事业单位信息"),
    Event("econ_security_substandard", "加油(气)站、金银珠宝店安防建设未完成达标验收", "-10", 574,
          "加油(气)站、金银珠宝店安防建设完成率100%,未完成达标验收的,有一家扣10 分",
          label="加油站金银珠宝店安防未达标"),
    Event("econ_market_room", "重点市场警务室建设经验收合格", "10", 574,
          "完成市局确定的重点市场警务室建设,经验收合格一家加10分(不重复加分)",
          label="重点市场警务室验收合格"),
    # --- 6、辅警队伍管理 (l.576) ---
    Event("aux_unapproved_hire", "新招录辅警人员不经审核使用", "-5", 576,
          "新招录辅警人员必须经治安大队保指中队审核批准后方可录用,不经审核使用的,每人次扣5分(市局不予认可发放工资等)",
          label="辅警未经审核使用"),
    Event("aux_late_report", "辅警人员辞职、辞退以及工伤事故未及时报备", "-5", 576,
          "辅警人员辞职、辞退以及工伤事故情况,应在24小时内书面报治安大队保指中队备案,重大情况2小时内报备,未及时报备的,每次扣5分",
          label="辅警情况未及时报备"),
    Event("aux_misconduct", "辅警因违法违纪被查纠或辞退", "-10", 576,
          "辅警因违法违纪被查纠或辞退的,有一人扣10分(主动查处上报减半扣分)",
          label="辅警违法违纪", modifier=SELF_REPORTED),
    Event("aux_pay_fraud", "辅警人员工资福利待遇弄虚作假", "-5", 576,
          "发现辅警人员工资福利待遇等有弄虚作假的,每人次扣5分",
          label="辅警工资福利弄虚作假"),
    Event("aux_commended", "辅警工作成效突出得到市局以上领导肯定或表彰奖励", "10", 576,
          "辅警工作成效突出,得到市局以上领导肯定或表彰奖励的,每人次加10分",
          label="辅警受表彰"),
    # --- 警民联调室 (l.578) ---
    Event("mediation_irregular", "警民联调室运作不规范", "-5", 578,
          "警民联调室运作不规范的,发现一次扣5分"),
    Event("mediation_case", "调解民间纠纷(治安案件)运作规范、台账齐全并及时录入警务平台", "2", 578,
          "调解民间纠纷(治安案件)运作规范、台账齐全并及时录入警务平台的,一件加2分",
          label="调解民间纠纷"),
    # --- 群防群治 (l.580) ---
    Event("mass_commended", "群防群治力量发挥作用受到市局以上领导肯定或表彰奖励", "5", 580,
          "工作中发挥作用,受到市局以上领导肯定或表彰奖励的加5分",
          label="群防群治力量受表彰"),
)

EVENT_LABELS: tuple[str, ...] = tuple(e.category_label for e in EVENTS)


def _event_item(e: Event) -> Item:
    match = {"category": e.category_label}
    if e.flag:
        rule: Any = rules.Flag(points=e.points, match=match)
    else:
        rule = rules.PerOccurrence(
            points=e.points, quantity="count", match=match, modifiers=(e.modifier,) if e.modifier else ()
        )
    return ITEM.item(e.name, e.title, e.line, EVENT, rule, e.text)


# --- Rank among the units that have the figure ------------------------------------------------------


def rank_reporting_units(ctx: RuleContext, params: dict[str, Any]) -> Lines:
    """rules.Rank over the units that reported ``field`` in the window only: a station with no
    警务室考核得分 this month is not ranked (the kernel's Rank would rank it with 0, and with no data
    at all every station would tie for first place).

    Kept rather than ``rules.Rank(skip_missing=True)``: skip_missing leaves out the units with no
    record at all, but a station may send its 月报表 row with other figures and the 警务室考核得分
    cell empty (the column is optional); Rank would then rank it with 0 and, as last, take −10.
    Here such a station is not ranked, and every unreported station gets a line that says so."""
    field = params["field"]
    reporting = [u for u in ctx.units if any(r.get(field) is not None for r in ctx.of(u))]
    ids = {u.id for u in reporting}
    missing = [u for u in ctx.units if u.id not in ids]
    out: Lines = {}
    if reporting:
        rank = rules.Rank(
            top=params["top"], bottom=params["bottom"], field=field, measure="latest",
            within=params["within"], what=params["what"],
        )
        out.update(rank.evaluate(attrs.evolve(ctx, units=tuple(reporting))))
    for u in missing:
        out[u.id] = [Line(ZERO, f"{ctx.window.chinese}无{params['what']}数据,不参加排名")]
    return out


# --- Items that are not simple per-occurrence entries ---------------------------------------------


def _jichu_figures() -> list[Item]:
    def item(name: str, title: str, line: int, text: str, rule: Any, reads: Sequence[str] = (MONTHLY,),
             cadence: str = "monthly") -> Item:
        return ITEM.item(name, title, line, reads, rule, text, cadence=cadence)

    return [
        item("pop_resident_minor_error", "常住人口次项差错超过1%", 568, "次项差错超过1%的扣2分",
             rules.PerOccurrence(points=-2, when_field="minor_error_rate", when_op=">", limit=1,
                                 when_label="常住人口次项差错率", when_unit="%")),
        item("pop_burglary_yoy", "社区入室盗窃案件和“三车”案件发案数同比下降5%", 568,
             "社区入室盗窃案件和“三车”案件发案数同比下降5%,每低一个百分点扣5分",
             rules.YearOverYear(per_better=0, per_worse=-5, mode="percent", better="lower", target=-5,
                                field="burglary_cases", what="社区入室盗窃和“三车”案件发案数")),
        item("pop_room_rank", "市局社区警务室及农村重点警务室月考核排名", 568,
             "在市局每月对社区警务室及农村重点警务室的考核中,位于全局前5名的,分别加25分至5分,位于全局后5名的,分别扣10分",
             rules.Formula(
                 function=rank_reporting_units,
                 params={"top": [25, 20, 15, 10, 5], "bottom": [-10, -10, -10, -10, -10], "field": "room_score",
                         "within": "all", "what": "警务室考核得分"},
                 text="全局前5名分别加25、20、15、10、5分,后5名各扣10分(按市局警务室月考核得分排名;无得分的单位不参加排名)",
             )),
        item("venue_guest_transmission_rate", "旅客登记传输率", 570, "旅客登记传输率达到100%,低一个百分点扣5分",
             rules.RateTarget(target=100, per_point_below=-5, field="transmission_rate")),
        item("venue_guest_volume_yoy", "传输旅客信息数量同比增长", 570, "传输旅客信息数量与去年同期相比每增加一个百分点加2分",
             rules.YearOverYear(per_better=2, per_worse=0, mode="percent", better="higher",
                                field="guest_records", what="传输旅客信息数量")),
        item("venue_hotel_fugitive_quota", "旅馆信息系统抓获部厅通缉通报人员、网上逃犯、省厅布控对象任务", 570,
             "对旅馆信息系统抓获部厅通缉通报人员、网上逃犯、省厅布控对象实行任务分解(金城5名,华城 14名,城东6名,城西5名,"
             "薛埠、儒林、尧塘、直溪各2名,其他所各1名),完成任务基础上,每增加一名加10分,少完成一名扣10分",
             rules.Quota(targets={"金城": 5, "华城": 14, "城东": 6, "城西": 5, "薛埠": 2, "儒林": 2, "尧塘": 2,
                                  "直溪": 2, "*": 1},
                         per_short=-10, per_over=10, what="旅馆信息系统抓获人数"),
             reads=(HOTEL_FUGITIVE,), cadence="yearly"),
        item("danger_gun_cabinet_rate", "网络指纹枪柜畅通率", 572,
             "各配枪单位网络指纹枪柜畅通率达到100%,每低一个百分点扣2分(及时发现系统故障并报备的不扣分,实地检查系人为原因的予以扣分)",
             rules.RateTarget(target=100, per_point_below=-2, field="gun_cabinet_rate")),
        item("mass_informant_rate", "治安信息员有效利用率", 580,
             "治安信息员、“红袖标”等群防群治力量建设达到规定要求并规范运作,治安信息员有效利用率达10%以上,每低一个百分点扣2分",
             rules.RateTarget(target=10, per_point_below=-2, field="informant_rate")),
    ]


def _dachu() -> list[Item]:
    def item(name: str, title: str, ref: str, text: str, rule: Any, reads: Sequence[str]) -> Item:
        return ITEM.item(name, title, ref.removeprefix("l."), reads, rule, text, category="dachu")

    in_year = {"nature": "年内在帐"}
    case_ref = "l.488(标准见 l.480-486)"
    vice = ("赌博", "吸毒", "卖淫嫖娼")
    return [
        # l.488 治安部门管辖刑事案件: 参照以上标准 (l.480-486)
        item("dachu_case_in_year", "治安部门管辖刑事案件:破获年内在帐案件", case_ref,
             "侦办治安部门管辖刑事案件的,参照以上标准加分。各单位破获1起年内在帐案件计20分",
             rules.PerOccurrence(points=20, match=in_year), (CRIMINAL_CASE,)),
        item("dachu_case_eight_kinds", "治安部门管辖刑事案件:破获年内在帐“八类”案件另计", case_ref,
             "侦办治安部门管辖刑事案件的,参照以上标准加分。破获1起年内在帐“八类”案件另计30分",
             rules.PerOccurrence(points=30, match={**in_year, "eight_kinds": "是"}), (CRIMINAL_CASE,)),
        item("dachu_case_backlog", "治安部门管辖刑事案件:破获在帐积隐案", case_ref,
             "侦办治安部门管辖刑事案件的,参照以上标准加分。破获1起在帐积隐案计5分(以入警务平台案件数为准)",
             rules.PerOccurrence(points=5, match={"nature": "在帐积隐案"}), (CRIMINAL_CASE,)),
        item("dachu_case_outside", "治安部门管辖刑事案件:破获外省市案件", case_ref,
             "侦办治安部门管辖刑事案件的,参照以上标准加分。破获外省市案件每起计2分",
             rules.PerOccurrence(points=2, match={"nature": "外省市案件"}), (CRIMINAL_CASE,)),
        item("dachu_car_recovered", "治安部门管辖刑事案件:追回被盗抢库内汽车", case_ref,
             "侦办治安部门管辖刑事案件的,参照以上标准加分。追回一辆被盗抢库内汽车计200分",
             rules.PerOccurrence(points=200, quantity="cars_recovered", when_field="cars_recovered", when_op=">",
                                 limit=0, when_label="追回被盗抢库内汽车", when_unit="辆"), (CRIMINAL_CASE,)),
        item("dachu_case_local", "治安部门管辖刑事案件:破本辖区年内在帐案件另计", case_ref,
             "侦办治安部门管辖刑事案件的,参照以上标准加分。(1)破本辖区年内在帐案件的,每起另计10分",
             rules.PerOccurrence(points=10, match={**in_year, "local": "是"}), (CRIMINAL_CASE,)),
        item("dachu_case_car_theft", "治安部门管辖刑事案件:破获盗窃汽车案件另计", case_ref,
             "侦办治安部门管辖刑事案件的,参照以上标准加分。(2)破获盗窃汽车案件的,每起另计50分",
             rules.PerOccurrence(points=50, match={"car_theft": "是"}), (CRIMINAL_CASE,)),
        item("dachu_case_motorbike", "治安部门管辖刑事案件:破获本市年内盗窃摩托车案件另计", case_ref,
             "侦办治安部门管辖刑事案件的,参照以上标准加分。(3)破获本市年内盗窃摩托车案件的,每起另计20分",
             rules.PerOccurrence(points=20, match={"motorbike": "是"}), (CRIMINAL_CASE,)),
        # l.490 查处治安案件
        item("dachu_ps_case_quota", "查处治安案件任务数", "l.490",
             "对查处治安案件数实行任务分解,未完成的每少1起扣3分",
             rules.Quota(targets={}, per_short=-3, what="查处治安案件数"), (PS_CASE,)),
        item("dachu_ps_venue_ruling", "报市局裁决查处场所", "l.490", "报市局裁决查处1家场所加40分",
             rules.PerOccurrence(points=40, match={"ruling": "查处场所"}), (PS_CASE,)),
        item("dachu_ps_dangerous", "查处涉危案件", "l.490", "查处一起涉危案件加20分",
             rules.PerOccurrence(points=20, match={"dangerous": "是"}), (PS_CASE, ECON_CASE)),
        item("dachu_ps_cross_region", "违反规定跨区域查处赌、毒、娼案件", "l.490",
             "对违反规定跨区域查处赌、毒、娼案件的,发现一次扣50分",
             rules.PerOccurrence(points=-50, match={"cross_region": "是"}), (PS_CASE, ECON_CASE)),
        item("dachu_econ_case_quota", "经文保行政执法任务数", "l.490",
             "对经文保行政执法进行月考评(具体任务数量另行公布),少一起扣5分",
             rules.Quota(targets={}, per_short=-5, what="经文保行政执法案件数"), (ECON_CASE,)),
        item("dachu_econ_fine_ruling", "经文保案件报市局裁决处以罚款以上处罚", "l.490",
             "报市局裁决处以罚款以上处罚的,有一起加30分",
             rules.PerOccurrence(points=30, match={"ruling": "罚款以上处罚"}), (ECON_CASE,)),
        # l.512 查处治安案件涉案人员
        item("dachu_vice_person", "查处赌、毒、娼人员", "l.512", "每查处一名赌、毒、娼人员计15分",
             rules.PerOccurrence(points=15, match={"offence": vice}), (VICE_PERSON,)),
        item("dachu_vice_detained", "查处赌、毒、娼人员治安拘留另计", "l.512", "治安拘留另计5分",
             rules.PerOccurrence(points=5, match={"offence": vice, "detained": "是"}), (VICE_PERSON,)),
        item("dachu_special_trade_person", "通过特种行业治安管理治安处罚", "l.512",
             "通过特种行业治安管理治安处罚1人另加5分(以行管中队检查认定为准)",
             rules.PerOccurrence(points=5, match={"special_trade": "是"}), (VICE_PERSON,)),
    ]


def _dachu_quarterly() -> list[Item]:
    """打处绩效 季度加考 whose data 治安 supplies (l.498, l.528): assessed in the quarter's last month over
    the quarter's records of the same registers as the monthly items. The seed gives no targets ("实行
    任务分解"): the defaults are demo assumptions (README), set by class or by station in the bureau's
    configuration."""

    def item(name: str, title: str, line: int, text: str, rule: Any, reads: Sequence[str]) -> Item:
        return ITEM.item(name, title, line, reads, rule, text, category="dachu", cadence="quarterly")

    return [
        item("dachu_quarter_dangerous", "查处治安案件季度加考:涉危案件", 498,
             "2、查处治安案件加考。对涉危案件每季加考,每增加1起加10分,每少一起扣15分;",
             rules.Quota(targets={"A": 1, "B": "0.5", "C": "0.5"}, per_short=-15, per_over=10,
                         match={"dangerous": "是"}, what="查处涉危案件数"), (PS_CASE, ECON_CASE)),
        item("dachu_quarter_vice_persons", "查处治安案件人员数季度加考", 528,
             "(5)查处治安案件人员数加考。对查处娼、赌、毒涉案人员数实行任务分解,每多一人加10分,每少一人扣15分。",
             rules.Quota(targets={"A": 6, "B": 4, "C": 2}, per_short=-15, per_over=10,
                         match={"offence": ("赌博", "吸毒", "卖淫嫖娼")}, what="查处赌、毒、娼涉案人员数"),
             (VICE_PERSON,)),
    ]


def all_items() -> list[Item]:
    return [*(_event_item(e) for e in EVENTS), *_jichu_figures(), *_dachu(), *_dachu_quarterly()]
