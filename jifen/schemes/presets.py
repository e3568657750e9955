"""Starting data for a new scheme. An admin edits the copy it makes; nothing reads these later.

Names are kept in Chinese: they are the catalogue's own wording, edited by each organisation.
"""

from decimal import Decimal as D
from fractions import Fraction

from jifen.schemes.enums import Frequency as F
from jifen.schemes.enums import ItemCategory as C
from jifen.schemes.enums import OrganiserLevel as L
from jifen.schemes.enums import RankBoundary, RankMode, RankRule
from jifen.schemes.enums import RequiredFrequency as R

COMMENDATION_LEVELS = [
    ("national", "国家级", D(15)),
    ("provincial", "省部级", D(12)),
    ("municipal", "市厅级", D(9)),
    ("school", "校级", D(6)),
    ("department", "部门级", D(3)),
]

THIRD, TENTH = Fraction(1, 3), Fraction(1, 10)
BY_RANK, AT_MOST = RankBoundary.BY_RANK, RankBoundary.AT_MOST
REQUIRED, FLAG = RankMode.REQUIRED, RankMode.FLAG

# (code, name, min score, rank rule, share, boundary, mode, unqualified), as reading.md reads
# them: 好 is a rank ≤ ⌈n/3⌉, 差 a rank > n − ⌈n/10⌉, 优秀 goes to at most ⌊n/3⌋ members.
GRADE_SCALES = {
    "seed": [
        ("good", "好", D(90), RankRule.TOP, THIRD, BY_RANK, REQUIRED, False),
        ("fairly_good", "较好", D(80), RankRule.NONE, None, BY_RANK, REQUIRED, False),
        ("average", "一般", D(70), RankRule.NONE, None, BY_RANK, REQUIRED, False),
        ("poor", "差", D(60), RankRule.BOTTOM, TENTH, BY_RANK, FLAG, False),
        ("unqualified", "不合格", None, RankRule.NONE, None, BY_RANK, REQUIRED, True),
    ],
    "national": [
        ("excellent", "优秀", D(90), RankRule.TOP, THIRD, AT_MOST, REQUIRED, False),
        ("qualified", "合格", D(70), RankRule.NONE, None, BY_RANK, REQUIRED, False),
        ("basic", "基本合格", D(60), RankRule.NONE, None, BY_RANK, REQUIRED, False),
        ("unqualified", "不合格", None, RankRule.NONE, None, BY_RANK, REQUIRED, True),
    ],
}

ITEM_COLUMNS = (
    "code",
    "name",
    "category",
    "points_min",
    "points_max",
    "frequency",
    "annual_cap",
    "evidence_required",
    "declarable",
)
ITEMS = [
    # Attending earns nothing extra (reading.md): these record each activity attended, so they
    # count every one of them rather than once a month.
    ("B01", "按时参加“三会一课”", C.BASE, D(0), D(0), F.UNLIMITED, None, False, False),
    ("B02", "参加主题党日活动", C.BASE, D(0), D(0), F.UNLIMITED, None, False, False),
    ("B03", "按时足额交纳党费", C.BASE, D(0), D(0), F.MONTHLY, None, False, False),
    ("B04", "完成规定学习任务", C.BASE, D(0), D(0), F.MONTHLY, None, False, False),
    ("P01", "撰写学习心得或理论文章", C.PERFORMANCE, D(1), D(3), F.MONTHLY, D(24), True, True),
    ("P02", "参加志愿服务活动", C.PERFORMANCE, D(2), D(2), F.UNLIMITED, D(40), True, True),
    ("P03", "完成党组织交办的任务", C.PERFORMANCE, D(2), D(5), F.UNLIMITED, None, False, True),
    (
        "P04",
        "在主题党日或党课上发言、讲党课",
        C.PERFORMANCE,
        D(3),
        D(3),
        F.QUARTERLY,
        None,
        False,
        True,
    ),
    (
        "P05",
        "岗位工作受到服务对象书面表扬",
        C.PERFORMANCE,
        D(2),
        D(5),
        F.UNLIMITED,
        D(30),
        True,
        True,
    ),
    ("P06", "结对帮扶困难群众或学生", C.PERFORMANCE, D(3), D(3), F.MONTHLY, None, True, True),
    (
        "P07",
        "按时参加组织生活并主动承担工作",
        C.PERFORMANCE,
        D(5),
        D(20),
        F.MONTHLY,
        None,
        False,
        True,
    ),
    (
        "P08",
        "讲党课、组织主题党日等组织生活",
        C.PERFORMANCE,
        D(2),
        D(2),
        F.UNLIMITED,
        None,
        False,
        False,
    ),
    ("C01", "获得表彰奖励", C.COMMENDATION, D(3), D(15), F.UNLIMITED, None, True, True),
    ("D01", "无故缺席“三会一课”", C.DEDUCTION, D(2), D(2), F.UNLIMITED, None, False, False),
    ("D02", "无故缺席主题党日活动", C.DEDUCTION, D(2), D(2), F.UNLIMITED, None, False, False),
    ("D03", "未按时交纳党费", C.DEDUCTION, D(3), D(3), F.MONTHLY, None, False, False),
    ("D04", "未完成规定学习任务", C.DEDUCTION, D(2), D(2), F.MONTHLY, None, False, False),
    ("D05", "工作出现错漏、失误或不到位", C.DEDUCTION, D(1), D(5), F.UNLIMITED, None, True, False),
    (
        "D06",
        "不尽责、不作为，造成不良影响",
        C.DEDUCTION,
        D(5),
        D(10),
        F.UNLIMITED,
        None,
        True,
        False,
    ),
    ("V01", "违反党的纪律或国家法律法规", C.VETO, D(0), D(0), F.UNLIMITED, None, True, False),
]

# The kinds of activity of organisational life and how often each must be held (reading.md:
# 支部党员大会 quarterly, 支委会 and 党小组会 monthly, 党课 at least quarterly); the items of the
# catalogue above that attending, an unexcused absence and leading give.
ACTIVITY_KIND_COLUMNS = (
    "code",
    "name",
    "level",
    "required_frequency",
    "confirms_quarters",
    "attendance_item",
    "absence_item",
    "lead_item",
)
ACTIVITY_KINDS = [
    ("general_meeting", "支部党员大会", L.BRANCH, R.QUARTERLY, True, "B01", "D01", None),
    ("committee_meeting", "支委会", L.BRANCH, R.MONTHLY, False, "B01", "D01", None),
    ("group_meeting", "党小组会", L.GROUP, R.MONTHLY, False, "B01", "D01", None),
    ("party_lecture", "党课", L.BRANCH, R.QUARTERLY, False, "B01", "D01", "P08"),
    ("theme_day", "主题党日", L.ANY, R.NONE, False, "B02", "D02", "P08"),
    ("volunteer", "志愿服务", L.ANY, R.NONE, False, None, None, None),
]
