"""Phrase grammar of the synthetic customer messages (data only; the engine is ``texts.py``).

A message is expanded from a *symbol* of :data:`GRAMMAR`: a symbol names a list of
productions; a production is a string in which ``{name}`` refers to another symbol and
``{#name}`` to a slot filled with a random value (product names, days, counts ... from the
lists ``texts._LITERAL_SLOTS``; amounts and card tails from ``texts._slot_values``). A
production may carry a weight: ``("text", 3.0)`` (default 1). The top-level symbols
``msg_*`` are the *frames* of a message (plain complaint, context + complaint + verdict,
forum post, mixed "虽然A，但是B", rhetorical question, anxious plea, threat ...); which frames
serve which labels (sentiment, intent, emotion) is :data:`MSG_SYMBOLS`.

Every production was written by hand for this course (none is copied from a real review
or forum; none shares 12 consecutive characters with the hand-written test reviews in
``tests/fixtures/handwritten_bank_reviews.csv``, which stay out of sample). The grammar is
organised by **aspect** (what the customer talks about):

======== =========================================================================
svc      service attitude of staff (客服, 柜员, 大堂经理, 客户经理, 理财经理)
wait     queues and waiting (网点排队, 客服热线接通)
fee      fees (手续费, 年费, 账户管理费, 货币转换费, 违约金)
app      mobile banking (手机银行APP, 小程序, 网银)
wealth   wealth products and their returns (理财, 基金)
limit    credit-card limit (额度, 提额, 临时额度)
card     card application / delivery / activation (申请, 下卡, 激活)
loan     loans and mortgages (房贷, 消费贷, 经营贷, 车贷: approval, pay-out, prepayment)
fraud    fraud and security (盗刷, 冻结, 风控)
collect  collection calls (催收)
sales    sales pressure (推销, 搭售)
points   reward points and campaigns (积分, 活动, 权益)
branch   branches and ATMs (网点, 柜台, ATM)
transfer transfers (转账, 到账, 限额)
bill     credit-card bills and repayment (账单, 还款)
lost     lost cards (挂失, 补卡)
etc      ETC toll tags
deposit  deposits (定期, 大额存单)
bot      chatbot and hotline robot (智能客服, 转人工)
======== =========================================================================

Per aspect ``X`` the banks are: ``pos_X`` (positive clauses, about a third of them
positive *through negation*: "一点也不卡", "没有乱收费"), ``neg_X`` (negative clauses,
also partly through negation: "一点都不好用", "解释得不清楚"), ``ctx_X`` (neutral context:
"上周去网点办业务"), ``ev_X`` (a problem as a noun phrase for "有没有人遇到过…"), and
for some aspects ``anx_X`` (anxious clauses: money missing, fraud, lost card).

Constraints the banks keep (tests/test_texts.py checks them on generated messages):

* **Labels by construction.** ``neg_*`` clauses are complaints without threats or panic
  (emotion 抱怨); threats / insults live only in ``anger`` (emotion 愤怒); panic and
  urgency only in ``anx_*`` / ``anx_tail`` (焦虑); positive and neutral banks carry none.
* **Rate-negotiation words only in rate-negotiation messages.** Words that ask for a
  better price (优惠, 打折, 减免, 协商, 商量, 调低, 降低, 便宜点 …) appear only in the
  ``nego_*`` banks, so the hand-off rule "rate negotiation -> human" stays learnable.
* No at-sign (e-mail style) and no emoji anywhere.
"""
from __future__ import annotations

__all__ = ["GRAMMAR", "ASPECTS", "MSG_SYMBOLS", "WEALTH_PRODUCTS", "LOANS"]

#: Wealth products of the synthetic catalogue (products.py) that customers name.
WEALTH_PRODUCTS = (
    "安享稳盈90天", "安享稳盈30天", "安享稳盈180天", "恒睿固收增强一年", "鑫益现金宝",
    "稳健纯债A", "沪深300指数增强", "平衡配置混合", "周周享开放式", "天天利货币A",
)
#: Loan types customers name.
LOANS = ("房贷", "消费贷", "备用金", "车贷", "经营贷", "信用卡分期")

ASPECTS = ("svc", "wait", "fee", "app", "wealth", "limit", "card", "loan", "fraud", "collect",
           "sales", "points", "branch", "transfer", "bill", "lost", "etc", "deposit", "bot")

G: dict[str, list] = {}

# ---------------------------------------------------------------------------------------
# shared pieces: openers, closers, adverbs, contrast words, verdicts
# ---------------------------------------------------------------------------------------
G["open"] = [("", 10), "你好，", "您好，", "喂，", "客服你好，", "在吗？", "我想说一下，",
             "说个事，", "反馈一下，"]
G["open_q"] = [("", 8), ("你好，", 2), ("您好，", 2), "请问", "请问一下，", "麻烦问一下，", "喂，", "在吗？",
               "客服，", "问一下，", "想咨询一下，", "打扰一下，"]
G["forum_neg"] = ["吐槽一下，", "【吐槽】", "避雷！", "【避雷】", "说说我的遭遇：", "真的忍不住要吐槽，",
                  "大家评评理，", "来说个糟心事，", "再来吐槽一次，", "如题，", "楼主亲身经历，",
                  "发个帖记录一下，", "提醒一下准备办卡的朋友，", "给大家提个醒，", "不吐不快，",
                  "实名吐槽，", "先说结论：不推荐。"]
G["forum_pos"] = ["强烈推荐！", "【推荐】", "安利一下，", "必须夸一下，", "来说点好的，", "给大家分享一下，",
                  "良心推荐，", "忍不住来夸一句，", "不吹不黑，", "实名表扬，", "说句公道话，",
                  "分享一个好的体验，", "来还愿了，", "先说结论：值得办。"]
G["close_neg"] = [("", 6), ("。", 4), ("！", 3), "！！", "。。。", "...", "，唉", "，无语", "，呵呵",
                  "，心累", "，醉了", "！！！", "，真的是", "。就这样吧"]
G["close_pos"] = [("", 6), ("。", 4), ("！", 3), "～", "，谢谢", "，点赞", "，好评", "！！", "，赞一个",
                  "，给你们点个赞", "，继续保持", "，nice"]
G["close_q"] = [("", 5), ("？", 5), "?", "？？", "，谢谢", "，谢谢了", "？麻烦了"]
G["close_ang"] = [("！", 4), "！！", "！！！", "!!", "!", "。"]
G["deg"] = [("很", 5), ("非常", 3), "特别", ("挺", 3), "超", "超级", "真的", "十分", "相当", "蛮", "巨",
            "贼", "真心"]
G["degn"] = [("很", 4), "特别", ("非常", 2), "超级", "真的", "极其", "巨", "相当"]
G["contrast_neg"] = [("，但是", 4), ("，可是", 2), ("，不过", 2), ("，就是", 3), "，但"]
G["contrast_pos"] = [("，但是", 4), ("，可是", 1), ("，不过", 3), "，但"]
G["but"] = [("但是", 4), "可是", "不过", "但"]
G["although"] = [("虽然", 4), "尽管", "虽说"]
G["neg_gen"] = ["体验太差了", "真的很失望", "太让人失望了", "越来越差了", "一点都不专业", "太麻烦了",
                "很不满意", "非常不满意", "不太满意", "真心不满意", "效率太低了", "太离谱了", "受不了",
                "服务质量太差", "这服务水平不敢恭维", "一点也不方便", "越用越失望", "体验很不好",
                "差评", "浪费时间", "真是服了", "心累", "一言难尽", "这效率也是没谁了", "说多了都是泪",
                "感觉被套路了", "真的不推荐", "太折腾人了", "一点都不满意", "很不方便", "不靠谱", "不太放心", "真的不推荐", "太不方便了", "一点也不专业", "太坑了", "纯属忽悠", "套路太深", "真坑", "坑爹"]
G["neg_short"] = ["体验太差了！", "太让人失望了。", "服务太差劲了", "差评，不推荐！", "一点都不满意！",
                  "非常不满意！！", "太麻烦了，不推荐", "效率太低了。。。", "真是服了这家银行",
                  "越来越差了，失望", "不推荐，慎办！", "一言难尽，差评"]
G["verdict_neg"] = ["差评", "给个差评", "不推荐", "大家避雷", "慎办", "劝退", "体验极差", "真的很失望",
                    "太失望了", "以后不来了", "准备换银行了", "打算把卡销了", "很不满意", "不会再推荐给朋友了",
                    "一星都不想给", "真心累", "建议好好整改"]
G["more_neg"] = ["而且", "更离谱的是，", "关键是", "最无语的是，", "然后", "结果", "另外", "还有，", "最后", "再说"]
G["more_pos"] = ["而且", "另外", "还有", "更难得的是，", "最惊喜的是，", "关键是", "顺便说一句，", "再说"]
G["sarcasm"] = ["真是服了", "呵呵", "可真行", "真是厉害了", "这效率真是“高”", "服务真是“周到”", "佩服佩服",
                "我也是醉了", "真是开眼了"]
G["rhet"] = ["这就是你们的服务？", "有这么办事的吗？", "这合理吗？", "谁还敢用啊？", "难道不应该提前说清楚吗？",
             "这也叫服务？", "就不能改进一下吗？", "让人怎么满意？", "到底有没有人管？"]
G["pos_gen"] = ["体验很好", "非常满意", "很满意", "服务没得说", "必须点赞", "整体很满意", "越来越好了",
                "真的很省心", "值得信赖", "用着很放心", "没有任何问题", "一点都不麻烦", "比想象中好多了",
                "挺满意的", "没什么可挑剔的", "比别家强多了", "没什么问题", "没让我失望", "没有后悔", "一点也不失望", "真香", "良心", "太给力了", "很暖心", "省心省力"]
G["pos_short"] = ["服务很好，点赞！", "非常满意，谢谢！", "好评，继续保持", "体验很好，推荐！", "很满意，谢谢你们",
                  "服务越来越好了", "必须好评！！", "没毛病，好评", "挺好的，推荐大家办", "五星好评～"]
G["verdict_pos"] = ["点赞", "好评", "必须好评", "五星好评", "强烈推荐", "推荐大家办", "值得信赖", "会继续用的",
                    "以后就认准这家了", "赞一个", "给力", "良心银行", "非常满意", "体验很好", "已经推荐给家里人了",
                    "比别家强多了", "感谢"]
G["expect_neg"] = ["会很一般", "一般般", "会很折腾", "要等很久", "手续会很复杂", "没什么指望"]
# anger: every entry holds a threat, an insult or outrage (the emotion 愤怒)
G["anger"] = ["太过分了", "简直太过分了", "什么垃圾服务", "简直是坑人", "我要投诉", "必须投诉", "我要投诉你们",
              "我要向监管部门举报", "凭什么这样", "再也不用你们家了", "受够了", "气死我了", "骗子银行",
              "岂有此理", "我要曝光你们", "这不是欺负老百姓吗", "烦死了", "坑人的银行", "垃圾银行",
              "你们就是骗子", "再也不来了", "真是气死人"]
G["anger_open"] = ["太过分了！", "气死我了！", "受够了！", "我要投诉！", "岂有此理！", "必须曝光一下！"]
G["rhet_anger"] = ["凭什么？", "凭什么乱扣钱？", "凭什么不给个说法？", "你们是在坑人吧？", "骗子吧？"]
G["anx_tail"] = ["急", "急急急", "很着急", "怎么办啊", "在线等，急", "求助", "好担心", "好慌", "请尽快帮我处理", "马上帮我看一下", "急死了", "到底怎么回事", "心里很慌", "担心得睡不着"]
G["close_anx"] = [("！", 4), ("。", 2), "！！", "？", "", "!!!", "……"]
G["anx_open"] = ["求助！", "急！", "着急！", "救命，", "急急急，", "紧急求助："]

# business a customer goes to the branch for
G["biz"] = ["开户", "挂失", "转账", "销户", "改密码", "补卡", "开通网银", "大额取现", "办信用卡", "办存单",
            "改预留手机号", "激活社保卡", "换新卡", "开收入证明"]
G["ctx_any"] = ["上周去网点办业务", "今天打了客服电话", "昨天去柜台{biz}", "前几天在APP上找人工客服",
                "周末去营业厅{biz}", "刚打完客服热线", "在这家银行办卡{#n_year}年了", "用了{#n_year}年这家的信用卡",
                "工资卡一直在这家", "前段时间去网点{biz}", "今天带我妈去网点{biz}", "早上去网点{biz}",
                "听朋友推荐来办的卡", "最近换了工作要{biz}"]

# ---------------------------------------------------------------------------------------
# aspects
# ---------------------------------------------------------------------------------------
G["t_svc"] = ["客服", "客服小姐姐", "客服人员", "柜员", "柜台的工作人员", "大堂经理", "客户经理", "理财经理",
              "网点的工作人员", "人工客服", "接电话的客服", "营业厅的小哥", "柜台小姐姐", "客服MM", "理财顾问"]
G["pos_svc"] = ["{t_svc}态度{deg}好", "{t_svc}{deg}耐心", "{t_svc}{deg}热情", "{t_svc}{deg}专业",
                "{t_svc}讲解得{deg}清楚", "{t_svc}服务{deg}周到", "{t_svc}一直微笑服务，让人{deg}舒服",
                "{t_svc}主动帮我填单子", "{t_svc}耐心地一步步教我操作", "{t_svc}说话{deg}客气",
                "{t_svc}的服务没得说", "{t_svc}一点也不敷衍", "{t_svc}态度一点都不差", "{t_svc}从来没有不耐烦过",
                "{t_svc}并没有催我买产品", "{t_svc}回复得{deg}及时", "{t_svc}解释得很到位",
                "{t_svc}全程跟进，{deg}负责", "一次就帮我搞定了", "{t_svc}业务{deg}熟练",
                "{t_svc}服务态度没得挑", "{t_svc}没有一点架子", "{t_svc}帮我把问题处理得明明白白",
                "{t_svc}下班了还在帮我处理", "{t_svc}很有礼貌，也不催", "{t_svc}态度好到没话说", "{t_svc}态度一点也不冷淡", "{t_svc}没有一点敷衍", "{t_svc}并不像网上说的那么差", "{t_svc}一点都不死板", "{t_svc}太暖心了", "{t_svc}很靠谱"]
G["neg_svc"] = ["{t_svc}态度太差了", "{t_svc}态度{degn}差", "{t_svc}爱答不理的", "{t_svc}一问三不知",
                "{t_svc}说话{degn}冲", "{t_svc}{degn}冷淡", "{t_svc}一直在敷衍我", "{t_svc}一点都不耐心",
                "{t_svc}不是很专业", "{t_svc}态度不太好", "{t_svc}问两句就不耐烦了", "{t_svc}只会照着话术念",
                "{t_svc}推来推去，没人管", "{t_svc}解释得{degn}不清楚", "{t_svc}答应回电话，结果一直没回",
                "{t_svc}的服务让人{degn}失望", "问题拖了{#n_day}天还没解决", "{t_svc}服务意识太差",
                "{t_svc}业务不熟，办个业务搞了{#hr}个小时", "{t_svc}全程在玩手机", "{t_svc}态度差劲",
                "{t_svc}说的和做的完全不一样", "{t_svc}一点都不专业", "{t_svc}板着个脸",
                "{t_svc}连基本的礼貌都没有", "{t_svc}对老人一点都不耐心", "{t_svc}态度一点也不热情", "{t_svc}一点都不周到", "{t_svc}讲了半天也不清楚", "{t_svc}说话太冲了", "{t_svc}踢皮球，谁都不管", "{t_svc}出了问题只会甩锅", "{t_svc}连个解释都没有"]
G["ctx_svc"] = ["上周去网点办业务", "今天打了客服电话", "昨天去柜台{biz}", "前几天在APP上找人工客服",
                "周末去营业厅{biz}", "刚刚打完客服热线", "带我爸去网点{biz}", "去网点咨询理财"]
G["ev_svc"] = ["客服态度差", "柜员爱答不理", "客服一直敷衍", "客户经理说话不算数"]

G["pos_wait"] = ["基本不用排队", "{#n_min_small}分钟就办完了", "排队时间{deg}短", "人工客服一下就接通了",
                 "办得{deg}快", "效率{deg}高", "等待时间一点也不长", "叫号{deg}快",
                 "线上预约以后到网点直接办，一点不耽误时间", "电话没等多久就转到人工了", "没怎么等就轮到我了",
                 "速度{deg}快", "前后不到{#n_min_small}分钟", "没排队直接就办了", "人不多，很快就轮到我了",
                 "等待时间并不长", "一点也不慢", "排队一点也不麻烦", "等待时间没想象中长", "没有排长队的问题"]
G["neg_wait"] = ["排队排了{#hr}个多小时", "前面排了{#n_people}个人", "等了{#n_min}分钟还没轮到我", "等待时间太长了",
                 "只开了{#n_win}个窗口，效率太低了", "客服热线一直打不通", "人工客服一直占线",
                 "转人工要等{#n_min}分钟", "办个业务要等大半天", "叫号{degn}慢", "效率低得离谱",
                 "排队排到怀疑人生", "电话等了半天没人理", "办事效率一点都不高", "速度太慢了",
                 "一上午就办了一个业务", "等了{#hr}个小时才轮到我", "排队时间长得受不了", "窗口开得太少了", "速度一点也不快", "办事效率太低了", "排队排得太久，很不方便", "叫号慢得让人受不了", "等待时间不太合理"]
G["ctx_wait"] = ["中午去网点取钱", "今天去营业厅", "早上九点就去排队了", "打客服热线想问点事", "下班后赶去网点",
                 "周六去网点{biz}", "请了半天假去网点"]
G["ev_wait"] = ["排队两个小时", "客服电话打不通", "转人工等半天"]

G["t_fee"] = ["手续费", "年费", "跨行转账手续费", "账户管理费", "小额账户管理费", "短信通知费", "分期手续费",
              "取现手续费", "货币转换费", "违约金", "工本费"]
G["pos_fee"] = ["{t_fee}{deg}合理", "{t_fee}{deg}透明", "{t_fee}一点也不贵", "{t_fee}并不高", "{t_fee}收得{deg}少",
                "转账不收手续费", "首年免年费，刷满{#n_times}次还能免次年年费", "积分可以抵年费",
                "{t_fee}比别家便宜", "没有乱收费", "收费{deg}清楚，没有隐藏费用", "费用提前都说清楚了",
                "{t_fee}不算贵", "基本不收什么费", "从来没被乱扣过钱", "收费标准写得{deg}明白", "{t_fee}并不贵", "{t_fee}收得不多，很合理", "没有乱七八糟的收费"]
G["neg_fee"] = ["{t_fee}太高了", "{t_fee}太贵了", "{t_fee}{degn}不合理", "乱收费", "收了我{#fee_amt}块{t_fee}",
                "{t_fee}一点都不透明", "收费项目乱七八糟", "之前根本没说要收{t_fee}", "什么都要收费",
                "{t_fee}比别家贵一大截", "明明达标了还收我{t_fee}", "{t_fee}涨了也不通知", "一年下来光{t_fee}就好几百",
                "{t_fee}一算比利息都多", "莫名其妙多了一笔{t_fee}", "{t_fee}收得一点都不合理",
                "{t_fee}收得不明不白", "办的时候说免{t_fee}，后来照样收", "{t_fee}收得不太合理", "{t_fee}一点都不便宜", "{t_fee}收得太离谱了", "各种收费纯属割韭菜", "收费的套路太多"]
G["ctx_fee"] = ["这个月看了一下账单", "今天查流水", "出国刷了几次卡", "信用卡用了一年", "办了个分期",
                "查了一下账户明细", "给老家转了几次钱"]
G["ev_fee"] = ["乱收年费", "莫名其妙收手续费", "被收账户管理费"]

G["t_app"] = ["手机银行", "APP", "手机银行APP", "app", "网银", "小程序", "新版APP", "信用卡APP", "App"]
G["pos_app"] = ["{t_app}{deg}好用", "{t_app}{deg}方便", "{t_app}{deg}流畅", "{t_app}界面{deg}简洁",
                "{t_app}操作{deg}简单", "{t_app}一点也不卡", "{t_app}从来没闪退过", "{t_app}上什么都能办，不用跑网点",
                "{t_app}更新以后好用多了", "{t_app}指纹登录{deg}方便", "在{t_app}上几分钟就办好了",
                "{t_app}并不难用", "{t_app}功能{deg}齐全", "{t_app}字体可以调大，老人用着也方便",
                "{t_app}没什么广告", "{t_app}用了这么久没出过bug", "{t_app}没有卡顿", "{t_app}用起来一点也不麻烦", "{t_app}没出过什么问题"]
G["neg_app"] = ["{t_app}太卡了", "{t_app}老是闪退", "{t_app}{degn}难用", "{t_app}一点都不好用", "{t_app}不太稳定",
                "{t_app}登录不上去", "{t_app}一直提示系统繁忙", "{t_app}更新以后bug一堆", "{t_app}广告太多了",
                "{t_app}找个功能要点好几层", "{t_app}验证码半天收不到", "{t_app}每次打开都要更新",
                "{t_app}设计得反人类", "{t_app}人脸识别老是失败", "{t_app}的设计不是很合理",
                "{t_app}转账页面加载半天", "{t_app}一直转圈圈", "{t_app}用起来一点也不方便", "{t_app}动不动就闪退",
                "{t_app}界面乱七八糟", "{t_app}一点都不流畅", "{t_app}不怎么好用", "{t_app}操作一点也不简单"]
G["ctx_app"] = ["昨晚想在{t_app}上转账", "今天更新了{t_app}", "用{t_app}查余额", "在{t_app}上买理财",
                "刚换了新手机登录{t_app}", "在{t_app}上还信用卡"]
G["ev_app"] = ["APP闪退", "手机银行登不上", "APP一直转圈", "网银登录失败"]

G["t_wealth"] = ["{#product}", "买的{#product}", "这款理财", "定投的基金", "{#product}这个产品", "理财产品",
                 "买的那只基金", "{#product}"]
G["pos_wealth"] = ["{t_wealth}收益{deg}稳定", "{t_wealth}收益还不错", "{t_wealth}收益比预期的好",
                   "{t_wealth}没有让我失望", "{t_wealth}收益并不差", "{t_wealth}一直在赚，{deg}省心",
                   "{t_wealth}到期收益准时到账", "{t_wealth}年化有{#pct}%，挺满意的", "理财经理推荐的{#product}收益挺好",
                   "{t_wealth}回撤很小，拿着放心", "{t_wealth}赎回第二天就到账了", "{t_wealth}收益不算高，但是很稳",
                   "{t_wealth}收益一点也不低", "{t_wealth}起投门槛低，{deg}适合我", "{t_wealth}风险讲得{deg}清楚", "{t_wealth}收益没有让人失望", "{t_wealth}没出过什么问题"]
G["neg_wealth"] = ["{t_wealth}收益太低了", "{t_wealth}收益一直在降", "{t_wealth}收益比宣传的低太多",
                   "{t_wealth}收益让人{degn}失望", "{t_wealth}收益一点都不理想", "{t_wealth}净值跌了好多，{degn}失望",
                   "{t_wealth}说是稳健型，结果还是亏钱", "理财经理只管卖不管售后", "{t_wealth}收益连存款都不如",
                   "{t_wealth}的风险根本没讲清楚", "买的时候说年化{#pct}%，实际才一半", "{t_wealth}收益不是很稳定",
                   "{t_wealth}赎回要等好几天，太慢了", "{t_wealth}业绩一年不如一年", "{t_wealth}收益一点都不稳定", "{t_wealth}的收益很不理想", "{t_wealth}纯属割韭菜", "理财经理画大饼，收益根本达不到"]
G["anx_wealth"] = ["买的{#product}亏了{#amt}元，这可怎么办", "{#product}到期好几天了，本金还没到账",
                   "{#product}净值一直跌，本金都快亏没了", "基金亏损了{#pct}%，要不要马上赎回",
                   "买的{#product}亏了一大截，心慌", "{#product}显示赎回成功，钱还没到账，怎么回事"]
G["ctx_wealth"] = ["去年买了{#amt}元{#product}", "在理财经理推荐下买了{#product}", "定投了一年多基金",
                   "{#product}上周到期了", "手里有点闲钱买了理财", "退休金拿出一部分买了{#product}"]
G["ev_wealth"] = ["理财收益缩水", "理财亏本", "基金一直跌"]

G["pos_limit"] = ["信用卡额度给得{deg}高", "下卡就给了{#wan}额度", "提额{deg}快，{#n_month}个月就提了",
                  "刚用半年就主动给我提额了", "临时额度秒批", "额度涨到了{#wan}，开心", "提额申请当天就通过了",
                  "额度一点也不抠", "额度够用，{deg}满意", "额度比预期的高", "每半年都能提一次额", "提额一点也不麻烦", "提额没有想象中难", "额度并不低", "临时额度秒批，真香"]
G["neg_limit"] = ["额度才给了{#small_limit}", "额度低得可怜", "用了{#n_year}年一分钱都没提额", "提额申请了{#times}次都被拒",
                  "莫名其妙被降额了", "额度太低了，根本不够用", "说好的提额一直不给", "工资{#wan}多才批{#small_limit}额度",
                  "临时额度到期就没了，固定额度一直不动", "提额太难了", "额度给得{degn}抠门", "一直按时还款还被降额",
                  "额度一点都不够用", "额度太低了", "提额一点都不快", "额度给得不合理", "提额太麻烦了", "额度低得让人失望", "提额的规则一点都不透明", "提额全靠忽悠，申请了也白搭"]
G["ctx_limit"] = ["信用卡用了{#n_year}年了", "每个月都按时还款", "上个月申请了提额", "刚下卡", "工资流水一直在这家",
                  "信用卡每个月刷一万多"]
G["ev_limit"] = ["提额被拒", "莫名被降额", "额度一直不涨"]

G["pos_card"] = ["信用卡审批{deg}快", "申请{#fast_day}就下卡了", "卡寄得{deg}快，第二天就收到了",
                 "激活{deg}方便，在APP上一分钟搞定", "开卡礼{deg}实用", "办卡流程一点也不复杂",
                 "线上申请全程不用跑网点", "卡面{deg}好看", "面签的时候工作人员{deg}耐心", "激活一点也不麻烦", "审批一点也不慢", "申请过程没遇到任何问题", "下卡神速"]
G["neg_card"] = ["申请信用卡审核了{#n_day}天还没结果", "信用卡申请被拒了，也不说原因", "卡寄丢了也没人负责",
                 "激活{degn}麻烦", "激活要跑网点面签，太麻烦了", "开卡礼到现在都没收到", "办张卡要交一堆材料",
                 "审批进度查不到", "销卡比办卡难多了", "卡面印错了名字，换卡又要等{#n_day}天",
                 "办卡的时候承诺的礼品一直没兑现", "激活一点都不方便", "办卡流程不太顺利", "审批太慢了", "开卡礼的兑换规则看不懂", "开卡礼纯属套路"]
G["ctx_card"] = ["上个月申请了信用卡", "在APP上申请了一张卡", "朋友推荐办了张联名卡", "去网点办了张借记卡",
                 "为了开卡礼办的卡"]
G["ev_card"] = ["信用卡申请被拒", "新卡一直不寄", "激活不了"]

G["t_loan"] = ["房贷", "消费贷", "经营贷", "车贷", "信用贷", "贷款", "装修贷"]
G["pos_loan"] = ["{t_loan}审批{deg}快", "{t_loan}放款{deg}快，{#fast_day}就到账了", "{t_loan}利率在同行里算低的",
                 "客户经理全程跟进{t_loan}，{deg}省心", "{t_loan}手续{deg}简单", "{t_loan}提前还款一点也不麻烦",
                 "{t_loan}还款方式{deg}灵活", "{t_loan}线上就能申请，不用跑网点", "{t_loan}批得比预想中快", "{t_loan}放款一点也不慢", "{t_loan}利率并不贵", "{t_loan}流程没遇到什么问题", "{t_loan}秒批，太给力了"]
G["neg_loan"] = ["{t_loan}审批拖了{#n_week}周还没批", "{t_loan}放款{degn}慢", "{t_loan}利率比别家高一大截",
                 "{t_loan}要的材料一大堆", "{t_loan}提前还款还要收违约金", "{t_loan}想提前还，得先排队预约到下个月",
                 "{t_loan}说好的利率放款时又变了", "客户经理办{t_loan}时强制捆绑保险",
                 "{t_loan}审批说好{#n_day}天，结果拖了{#n_week}周", "{t_loan}一直在审核中，问了也没个准话",
                 "{t_loan}被拒了也不告诉原因", "{t_loan}流程太麻烦了", "{t_loan}放款一点都不快", "{t_loan}流程不太顺利", "{t_loan}审批太慢了", "{t_loan}利率太高了"]
G["ctx_loan"] = ["去年在这家办了贷款", "申请了{#wan}的贷款", "买房的时候办的房贷", "打算提前还一部分贷款", "做生意周转申请了贷款", "贷款用了两年多"]
G["ev_loan"] = ["贷款审批拖很久", "提前还款被收违约金", "放款一拖再拖"]

G["pos_fraud"] = ["风控{deg}靠谱，有异常交易第一时间打电话确认", "异地消费会短信提醒，挺放心", "可疑交易都会拦截，{deg}安全",
                  "账户安全做得{deg}好", "上次卡片异常，银行很快就处理好了", "被骗之前客服还打电话提醒我，{deg}负责", "账户安全没出过问题", "风控一点也不死板"]
G["neg_fraud"] = ["风控太严了，正常消费也被拦", "动不动就锁卡，还得去网点解", "正常转账也被限制，解释了半天",
                  "安全验证太麻烦了", "风控一点都不合理", "账户被限制了，解释得也不清楚"]
G["anx_fraud"] = ["卡被盗刷了{#amt}元", "收到一条陌生消费短信，我根本没有消费过", "钱包被偷了，卡要马上冻结",
                  "账户突然被冻结了，工资都取不出来", "有人冒用我的身份办了卡", "半夜收到验证码短信，怕被盗刷",
                  "手机丢了，绑定的银行卡会不会被盗刷", "接到自称客服的电话让我转账，钱已经转出去了，怎么办"]
G["ctx_fraud"] = ["今天早上看手机", "刚才收到一条短信", "出差回来发现", "半夜突然收到短信"]
G["ev_fraud"] = ["被盗刷", "账户被冻结"]

G["neg_collect"] = ["催收电话一天打{#times}遍", "只晚了{#n_day}天还款就天天打电话催", "催收电话都打到公司了",
                    "催收打给我家里人，让人{degn}难堪", "催收说话{degn}难听", "还款日前就开始催",
                    "已经说了发工资就还，还是一直打电话", "催收短信一天发好几条", "催收的方式太不合理了", "催收说话一点都不客气", "催收太频繁了，受不了", "催收电话打得太烦人，很不满意"]
G["ctx_collect"] = ["上个月资金周转不开", "这个月晚还了几天", "最近生意不好"]
G["ev_collect"] = ["暴力催收", "催收打到单位"]

G["neg_sales"] = ["{t_svc}一直推销保险", "去存钱硬要我买理财", "办卡被强制搭售保险", "一进门就拉着我推销基金",
                  "天天打电话推销贷款", "说是回访，其实就是推销", "不买理财就不给办业务", "{t_svc}推销的时候只说收益不说风险", "推销太多了，很不满意", "{t_svc}推销起来没完没了"]
G["pos_sales"] = ["{t_svc}从来不乱推销", "没有强行推销产品", "{t_svc}推荐产品前先做了风险测评，很规范",
                  "{t_svc}推荐的都是适合我的，不乱推", "{t_svc}一点也不推销", "没有被推销的烦恼"]
G["ctx_sales"] = ["去网点存了笔钱", "今天去柜台办业务", "接到客户经理的电话"]
G["ev_sales"] = ["强制搭售", "被推销保险"]

G["pos_points"] = ["积分可以换不少东西", "积分抵现{deg}划算", "信用卡活动{deg}多，羊毛薅到手软", "周五五折活动{deg}给力",
                   "权益{deg}实用，机场贵宾厅随便用", "新户立减活动真的到账了", "积分从来不清零，这点{deg}好",
                   "积分商城东西{deg}实惠", "生日当月还有双倍积分", "积分兑换一点也不麻烦", "积分没那么难攒", "活动规则并不复杂"]
G["neg_points"] = ["积分商城能换的东西越来越少", "积分说清零就清零", "活动名额秒没，根本抢不到", "说好的返现一直没到",
                   "权益说砍就砍", "积分规则改得乱七八糟", "活动规则写得看不懂", "满减活动套路太深",
                   "积分越来越不值钱了", "参加了活动结果说不符合条件", "积分兑换一点都不划算", "活动规则一点都不透明", "积分商城的东西太贵了", "返现活动不太靠谱", "活动都是忽悠人的", "说好的立减，到手却说活动结束了"]
G["ctx_points"] = ["攒了一年的积分", "为了活动办的卡", "看到APP上的满减活动"]
G["ev_points"] = ["积分被清零", "返现不到账"]

G["pos_branch"] = ["网点环境{deg}好", "网点{deg}干净，还有饮水机和老花镜", "大堂经理主动引导，{deg}贴心", "网点离家近，{deg}方便",
                   "ATM取钱{deg}方便", "老年人有专门窗口，{deg}贴心", "网点周末也开门，上班族{deg}方便", "网点排队一点也不慢", "网点办事并不麻烦"]
G["neg_branch"] = ["网点就开了{#n_win}个窗口", "ATM老是坏", "网点说撤就撤，办业务要跑老远", "网点空调都不开",
                   "去了三回都赶上系统维护", "周末网点不开门，上班族根本没时间去", "网点里连个座位都没有",
                   "ATM吞卡了，等了半天才有人来", "网点位置一点都不方便", "网点服务一点也不周到", "ATM用起来太麻烦了", "网点太少了，很不方便"]
G["ctx_branch"] = ["家附近的网点", "公司楼下那个网点", "今天去了趟网点", "周末去网点{biz}"]
G["ev_branch"] = ["ATM吞卡", "网点窗口太少"]

G["pos_transfer"] = ["转账{deg}快，秒到账", "跨行转账也不收手续费", "转账限额可以自己调，{deg}方便", "转账到账{deg}及时",
                     "转账一点也不麻烦", "大额转账也{deg}顺利", "转账{deg}方便，几秒就到", "给家里转钱{deg}快", "转账一点也不慢", "转账没出过问题", "跨行转账也是秒到"]
G["neg_transfer"] = ["跨行转账还要收手续费", "转账限额太低了", "转账老是提示交易失败", "转账要验证好几遍，太麻烦了",
                     "转账页面半天加载不出来", "大额转账还得跑柜台，太不方便了", "转账到账越来越慢", "转账一点都不方便", "转账到账太慢了"]
G["anx_transfer"] = ["转账{#amt}元到现在还没到账", "转账失败了钱却扣了", "转错账了，钱要不回来了",
                     "给家里转的钱{#n_day}天了还没到", "对方说没收到我转的{#amt}元", "转账显示成功，对方一直没收到钱"]
G["ctx_transfer"] = ["昨天给家里转了{#amt}元", "周末跨行转了一笔钱", "用手机银行给朋友转账", "给房东转房租"]
G["ev_transfer"] = ["转账不到账", "转账失败扣钱"]

G["pos_bill"] = ["账单{deg}清楚", "账单提醒{deg}及时", "还款提醒很贴心，从来没逾期过", "自动还款{deg}省心",
                 "账单分期操作{deg}简单", "账单明细一目了然", "还款日前会短信提醒，{deg}贴心", "账单没有任何问题", "还款一点也不麻烦"]
G["neg_bill"] = ["账单明细看不懂", "账单写得不是很清楚", "自动还款没扣成功也不提醒", "账单日改了也不通知",
                 "账单查了{#times}次都查不到", "最低还款的利息算得太离谱", "电子账单老是收不到",
                 "账单金额和我算的对不上", "账单一点都不清楚", "还款提醒一点也不及时"]
G["anx_bill"] = ["账单多了{#amt}元，我根本没有消费过", "还款了账单还显示没还，会不会影响征信",
                 "忘记还款逾期了{#n_day}天，会不会上征信", "账单里有一笔境外消费，不是我刷的",
                 "自动还款没扣成功，已经逾期了"]
G["ctx_bill"] = ["这个月的账单出来了", "刚看了信用卡账单", "上个月的账单", "昨天收到账单短信"]
G["ev_bill"] = ["账单对不上", "自动还款失败"]

G["pos_lost"] = ["挂失{deg}快，{#n_min_small}分钟就办好了", "补卡不收工本费", "挂失补卡一点也不麻烦", "新卡几天就寄到了",
                 "在APP上就能挂失，{deg}方便", "临时挂失电话里就办了", "补卡一点也不慢", "挂失没遇到任何问题"]
G["neg_lost"] = ["新卡要{#n_day}个工作日才能寄到，太慢了", "挂失还得本人跑网点", "补卡要收工本费还要排队",
                 "挂失电话半天打不进去", "补卡流程太麻烦了", "补卡一点都不方便", "挂失补卡流程不太合理"]
G["anx_lost"] = ["卡丢了，里面还有{#amt}元", "钱包被偷了，尾号{#tail}的卡要马上冻结", "卡找不到了，怕被人盗刷",
                 "银行卡落在出租车上了", "卡被ATM吞了，里面的钱怎么办", "刚发现卡不见了"]
G["ctx_lost"] = ["今天出门", "昨天逛街", "刚下地铁", "出差的路上"]
G["ev_lost"] = ["补卡等很久", "挂失打不通"]

G["pos_etc"] = ["ETC过高速{deg}方便，不用排队", "ETC免费安装，通行费还打九五折", "ETC办理{deg}快，当天就激活了",
                "ETC扣费{deg}清楚", "ETC一点也不麻烦", "ETC扣费没出过问题"]
G["neg_etc"] = ["ETC老是扣费失败", "ETC设备装了用不了，客服也说不清楚", "ETC扣费不明不白", "ETC说免费办，结果要押金",
                "ETC过闸老是不抬杆", "ETC一点都不方便", "ETC扣费不透明", "ETC办理太麻烦了"]
G["ctx_etc"] = ["上个月办了ETC", "国庆自驾出去玩", "跑长途的时候"]
G["ev_etc"] = ["ETC扣费失败", "ETC不抬杆"]

G["pos_deposit"] = ["大额存单利率比别家高一点", "定期利率{deg}划算", "存款到期自动转存，{deg}省心", "存钱{deg}放心",
                    "大额存单在APP上就能买，{deg}方便", "定期利率并不低", "存钱一点也不麻烦"]
G["neg_deposit"] = ["存款利率越来越低", "定期利率又下调了", "大额存单根本抢不到", "提前支取利息几乎没了，也没人提醒",
                    "存了五年利息少得可怜", "存款利率一点都不划算", "定期利率不太理想", "存款利率太低了"]
G["ctx_deposit"] = ["手上有笔钱想存定期", "存了一笔大额存单", "定期刚到期"]
G["ev_deposit"] = ["存单抢不到", "利息少得可怜"]

G["pos_bot"] = ["智能客服回答得{deg}准确", "在线客服秒回", "转人工{deg}快", "智能客服一下就听懂了我的问题",
                "在线客服{deg}有耐心", "转人工一点也不麻烦", "智能客服并不难用", "在线客服回复一点也不慢"]
G["neg_bot"] = ["智能客服答非所问", "机器人客服翻来覆去就那几句", "想转人工都转不了", "在线客服半天不回",
                "智能客服完全听不懂我在说什么", "按了半天键也转不到人工", "智能客服一点都不好用", "智能客服不靠谱", "机器人客服太难用了", "在线客服回复太慢了"]
G["ctx_bot"] = ["在APP上咨询问题", "打客服电话", "找在线客服"]
G["ev_bot"] = ["转不了人工", "机器人答非所问"]

# ---------------------------------------------------------------------------------------
# per-aspect message frames
# ---------------------------------------------------------------------------------------
_ALL_POS = "{pos_any}"
_ALL_NEG = "{neg_any}"


def _neg_frames(x: str) -> list:
    """Complaint frames (emotion 抱怨) whose main clause is about aspect ``x``."""
    n, c, e = f"{{neg_{x}}}", f"{{ctx_{x}}}", f"{{ev_{x}}}"
    return [
        (f"{{open}}{n}{{close_neg}}", 5),
        (f"{{open}}{n}，{n}{{close_neg}}", 3),
        (f"{{open}}{c}，{n}{{close_neg}}", 4),
        (f"{c}，{n}，{{verdict_neg}}{{close_neg}}", 3),
        (f"{{forum_neg}}{c}，{n}，{{neg_gen}}{{close_neg}}", 2),
        (f"有没有人遇到过{e}的？{n}{{close_neg}}", 1),
        (f"{_ALL_POS}{{contrast_neg}}{n}{{close_neg}}", 4),
        (f"{{although}}{_ALL_POS}，{{but}}{n}{{close_neg}}", 2),
        (f"{n}，{{rhet}}", 2),
        (f"{n}，{{neg_gen}}{{close_neg}}", 3),
        (f"{{forum_neg}}{n}{{close_neg}}", 2),
        (f"{{forum_neg}}{c}，{n}，{n}。{{ctx_any}}，{_ALL_NEG}，{{verdict_neg}}{{close_neg}}", 1),
        (f"{n}，{{sarcasm}}", 1),
        ("{neg_short}", 0.5),
        (f"用了{{#n_year}}年了，{n}，{{verdict_neg}}{{close_neg}}", 1),
        (f"{{ctx_any}}，{n}，{{neg_gen}}，{{verdict_neg}}{{close_neg}}", 1),
        (f"{c}，{n}。{{more_neg}}{n}。{{more_neg}}{_ALL_NEG}，{{neg_gen}}，{{verdict_neg}}{{close_neg}}", 2),
        (f"{{forum_neg}}{c}，{n}，{n}。{{ctx_any}}，{_ALL_NEG}，{{more_neg}}{_ALL_NEG}。{{verdict_neg}}{{close_neg}}", 1),
        (f"{{although}}{_ALL_POS}，{{but}}{n}，{{more_neg}}{n}，{{verdict_neg}}{{close_neg}}", 1),
        (f"{c}，{n}，{{more_neg}}{n}，{{rhet}}", 1),
    ]


def _anger_frames(x: str) -> list:
    """Angry frames (emotion 愤怒): a complaint about ``x`` plus a threat, an insult or outrage."""
    n, c = f"{{neg_{x}}}", f"{{ctx_{x}}}"
    return [
        (f"{n}，{{anger}}{{close_ang}}", 5),
        (f"{c}，{n}，{{anger}}{{close_ang}}", 3),
        (f"{{anger_open}}{n}{{close_ang}}", 3),
        (f"{{forum_neg}}{n}，{n}，{{anger}}{{close_ang}}", 2),
        (f"{n}，{{rhet_anger}}", 2),
        (f"{{open}}{n}，{{neg_gen}}，{{anger}}{{close_ang}}", 2),
        (f"{_ALL_POS}{{contrast_neg}}{n}，{{anger}}{{close_ang}}", 1),
    ]


def _anx_frames(x: str) -> list:
    """Anxious frames (emotion 焦虑) about aspect ``x`` (needs an ``anx_x`` bank)."""
    a, c = f"{{anx_{x}}}", f"{{ctx_{x}}}"
    return [
        (f"{{open}}{a}，{{anx_tail}}{{close_anx}}", 5),
        (f"{c}，{a}，{{anx_tail}}{{close_anx}}", 3),
        (f"{{anx_open}}{a}，{{anx_tail}}{{close_anx}}", 2),
        (f"{a}，{{anx_tail}}，{{anx_tail}}{{close_anx}}", 1),
        (f"{{open}}{a}，{{anx_tail}}，{{neg_gen}}{{close_anx}}", 1),
        (f"{{open}}{a}{{close_anx}}", 1),
    ]


def _pos_frames(x: str) -> list:
    """Praise frames whose main clause is about aspect ``x``."""
    p, c = f"{{pos_{x}}}", f"{{ctx_{x}}}"
    return [
        (f"{{open}}{p}{{close_pos}}", 5),
        (f"{p}，{p}{{close_pos}}", 3),
        (f"{c}，{p}{{close_pos}}", 4),
        (f"{c}，{p}，{{verdict_pos}}{{close_pos}}", 3),
        (f"{{forum_pos}}{p}，{{verdict_pos}}{{close_pos}}", 2),
        (f"{{negmild_any}}{{contrast_pos}}{p}{{close_pos}}", 3),
        (f"{{although}}{{negmild_any}}，{{but}}{p}{{close_pos}}", 2),
        (f"本来以为{{expect_neg}}，没想到{p}{{close_pos}}", 1),
        (f"{p}，{{pos_gen}}{{close_pos}}", 3),
        ("{pos_short}", 0.5),
        (f"用了{{#n_year}}年了，{p}，{{verdict_pos}}{{close_pos}}", 1),
        (f"{{forum_pos}}{c}，{p}，{p}。{_ALL_POS}，{{verdict_pos}}{{close_pos}}", 1),
        (f"{{ctx_any}}，{p}，{{pos_gen}}{{close_pos}}", 1),
        (f"{c}，{p}，{{more_pos}}{p}。{_ALL_POS}，{{verdict_pos}}{{close_pos}}", 2),
        (f"{{forum_pos}}{{ctx_any}}，{p}。{{more_pos}}{_ALL_POS}，{_ALL_POS}，{{verdict_pos}}{{close_pos}}", 1),
        (f"{{although}}{{negmild_any}}，{{but}}{p}，{{more_pos}}{p}，{{verdict_pos}}{{close_pos}}", 1),
    ]


_NEG_ASPECTS = ("svc", "wait", "fee", "app", "wealth", "limit", "card", "loan", "fraud", "collect", "sales",
                "points", "branch", "transfer", "bill", "lost", "etc", "deposit", "bot")
_POS_ASPECTS = ("svc", "wait", "fee", "app", "wealth", "limit", "card", "loan", "fraud", "sales", "points",
                "branch", "transfer", "bill", "lost", "etc", "deposit", "bot")
for _x in ASPECTS:
    G.setdefault(f"ctx_{_x}", G["ctx_any"])
    G.setdefault(f"ev_{_x}", ["这种情况"])
for _x in _NEG_ASPECTS:
    G[f"msg_neg_{_x}"] = _neg_frames(_x)
    G[f"msg_ang_{_x}"] = _anger_frames(_x)
for _x in _POS_ASPECTS:
    G[f"msg_pos_{_x}"] = _pos_frames(_x)
for _x in ("wealth", "fraud", "transfer", "bill", "lost"):
    G[f"msg_anx_{_x}"] = _anx_frames(_x)

# any positive / mild negative clause (the *other* clause of a mixed message: any aspect)
G["pos_any"] = [f"{{pos_{x}}}" for x in _POS_ASPECTS]
G["neg_any"] = [f"{{neg_{x}}}" for x in _NEG_ASPECTS]
G["negmild_any"] = [f"{{neg_{x}}}" for x in ("svc", "wait", "fee", "app", "limit", "card", "loan", "points",
                                             "branch", "transfer", "deposit", "bot", "wealth")]

# ---------------------------------------------------------------------------------------
# intent-specific messages
# ---------------------------------------------------------------------------------------
# account closing (销户): a reason, then the wish to leave
G["close_reason"] = ["{neg_fee}", "{neg_svc}", "{neg_wait}", "{neg_app}", "{neg_wealth}", "{neg_branch}",
                     "{neg_limit}", "{neg_sales}"]
G["msg_neg_close"] = [("{open}{close_reason}，我要销户{close_neg}", 3),
                      ("{close_reason}，准备销户了{close_neg}", 3),
                      ("{close_reason}，这张卡不想再用了，帮我注销", 2),
                      ("用了{#n_year}年，{close_reason}，打算换银行了{close_neg}", 2),
                      ("{forum_neg}{close_reason}，{close_reason}，已经准备销户了{close_neg}", 1),
                      ("{close_reason}，{neg_gen}，不想再用了，怎么销户{close_q}", 2),
                      ("我要销户，{close_reason}{close_neg}", 2),
                      ("用了这么多年，但是现在{close_reason}，准备销户", 1)]
G["msg_ang_close"] = [("{close_reason}，{anger}，马上给我销户{close_ang}", 2),
                      ("{anger_open}{close_reason}，我要销户{close_ang}", 2),
                      ("{close_reason}，再也不用你们家了，销户{close_ang}", 2),
                      ("{forum_neg}{close_reason}，{anger}，已经销户了{close_ang}", 1)]

# rate / fee negotiation (利率协商): every entry asks for a better price
G["nego_loan"] = ["{#loan}"]
G["nego_ask"] = ["我的{nego_loan}利率能不能调低一点", "{nego_loan}的手续费能不能打个折", "我是老客户了，{nego_loan}利率可以再优惠吗",
                 "想协商一下{nego_loan}的利率", "{nego_loan}利率太高了，能不能给我降点", "信用卡年费能不能免掉",
                 "分期手续费能不能打个折", "利息能不能少算点", "{nego_loan}的利率能商量吗", "能不能申请个利率优惠",
                 "听说{nego_loan}利率都下调了，我的什么时候能调低", "别家{nego_loan}利率才{#pct}%，你们能不能也降一下",
                 "{nego_loan}利率能不能按新的降一点", "我信用一直很好，{nego_loan}利率能不能低一点",
                 "年费能不能减免", "提前还{nego_loan}的违约金能不能免了", "分期的费率能不能打个折",
                 "{nego_loan}利率比我同事的高，能不能也给我降一些", "想问下{nego_loan}利率有没有优惠",
                 "想商量一下降低{nego_loan}利率的事"]
G["nego_anx"] = ["{nego_loan}逾期了{#n_day}天，能不能协商减免利息", "最近资金周转不开，{nego_loan}快逾期了，能不能协商还款，罚息能不能减免",
                 "逾期了，罚息能不能减免一点", "失业了还不上{nego_loan}，很着急，能不能协商一下利息",
                 "{nego_loan}已经逾期了，担心上征信，利息能不能少算点"]
G["nego_neg"] = ["{nego_loan}利率这么高，不是很合理，希望给我降一点", "客服说得挺客气，但是{nego_loan}利率就是不肯降",
                 "{nego_loan}利率比别家高太多了，再不给我降我就提前还了", "申请了{#times}次降利率都没下文，利率能不能调低",
                 "老客户了一点优惠都没有，{nego_loan}利率太高了，能不能降点", "年费太贵了，能不能减免，不然就销卡",
                 "分期手续费太高了，能不能打个折，不然不分了", "{nego_loan}利率一直不肯降，很失望", "老客户了，{nego_loan}利率还不如新客户，希望能调低一点", "年费收得不合理，能不能减免", "分期手续费太坑了，能不能少收点", "{nego_loan}利率太高了，压力很大，能不能商量一下"]
G["nego_ang"] = ["别的银行利率都降了，你们不降我就把{nego_loan}转走", "利率这么高还不给降，{anger}，不给我降就转走",
                 "凭什么新客户利率更低？我的{nego_loan}利率必须给我降一下", "年费凭什么不给减免？太过分了", "{nego_loan}利率比新客户还高，凭什么不给我降？{anger}", "申请降利率{#times}次都被拒，{anger}，不给我降就提前还清", "年费说好免的又收，必须给我减免，{anger}", "{nego_loan}利率一点都不肯降，我要投诉", "手续费这么高还不能打折？{anger}"]
G["msg_neu_nego"] = [("{open_q}{nego_ask}{close_q}", 6), ("{ctx_loan}，{nego_ask}{close_q}", 2),
                     ("{open_q}{nego_ask}，谢谢", 1)]
G["msg_anx_nego"] = [("{open_q}{nego_anx}{close_q}", 1)]
G["msg_neg_nego"] = [("{open}{nego_neg}{close_neg}", 4), ("{ctx_loan}，{nego_neg}{close_neg}", 1)]
G["msg_ang_nego"] = [("{nego_ang}{close_ang}", 1)]

# neutral questions (中性): kept close to how customers ask the FAQ
G["q_bill"] = [("我想查一下这个月的信用卡账单是多少", 5), ("本月账单多少钱，还款日是哪天", 5), ("帮我查下尾号{#tail}的卡本期应还多少", 5), ("信用卡账单一般几号出", 5), ("这个月最低还款额是多少", 5), ("我的账单分期还剩几期没还", 5), ("没有收到这个月的账单短信，帮我查一下", 5), ("我不记得还款日是哪天了", 5), "账单日能改吗", "这期账单可以分期吗", "还款日是几号", "信用卡本期要还多少", "帮我看下这个月账单", "这个月账单出了吗", "本期账单什么时候出", "信用卡这个月要还多少钱", "怎么查信用卡账单", "最低还款是多少", "账单分期还有几期", "还款日是每个月几号"]
G["q_wealth"] = [("{#product}现在年化收益是多少", 5), ("{#product}到期了，收益什么时候到账", 5), ("想了解一下{#product}的收益和风险", 5), ("{#product}可以提前赎回吗", 5), ("买{#amt}元{#product}一年大概能赚多少", 5), "{#product}的收益是不是保本的，我不太懂", "{#product}是保本的吗", "{#product}风险等级是多少", "{#product}什么时候开放申购", "{#product}业绩基准是多少", "理财产品现在收益多少", "{#product}最近收益怎么样", "{#product}赎回多久到账", "买理财要做风险测评吗", "{#product}起投金额是多少", "理财到期了收益什么时候到账"]
G["q_transfer"] = [("转账到他行多久能到账", 5), ("手机银行转账限额是多少", 5), ("怎么设置转账白名单", 5), ("转账时不小心填错了户名，能撤回吗", 5), "跨行转账收手续费吗", "大额转账要去柜台吗", "转账到账时间是多久", "转账限额怎么调高", "转账转错了能撤回吗", "手机银行一天最多能转多少"]
G["q_lost"] = [("我的卡丢了，怎么挂失", 5), ("补办一张借记卡需要带什么材料", 5), "尾号{#tail}的卡需要挂失", "卡找不到了，先帮我临时挂失", "挂失以后多久能补卡", "补卡要多少钱", "临时挂失怎么解除", "银行卡丢了怎么挂失", "补卡要本人去网点吗", "挂失后卡里的钱还在吗"]
G["q_close"] = [("销户需要什么手续", 5), ("不常用的那张卡想注销一下", 5), ("工作调动去外地了，账户怎么处理", 5), "网上能销户吗", "信用卡怎么销卡", "销户要本人去吗", "销户要去开户的网点吗", "不用的卡怎么注销"]
G["q_other"] = [("网点几点关门", 5), ("怎么修改预留手机号", 5), ("信用卡积分怎么兑换", 5), ("我不会用手机银行，能教一下吗", 5), "ETC怎么办理", "怎么开通短信提醒", "怎么开通手机银行", "信用卡怎么激活", "提额怎么申请", "附近哪个网点周六营业", "外币兑换要预约吗", "大额取现要预约吗", "社保卡怎么激活", "网点几点开门几点关门", "怎么开收入证明", "VIP客户有什么权益", "怎么申请信用卡", "忘记密码了怎么重置", "怎么查开户行"]
G["msg_neu_bill"] = [("{open_q}{q_bill}{close_q}", 8), ("{ctx_bill}，{q_bill}{close_q}", 1)]
G["msg_neu_wealth"] = [("{open_q}{q_wealth}{close_q}", 8), ("{ctx_wealth}，{q_wealth}{close_q}", 1)]
G["msg_neu_transfer"] = [("{open_q}{q_transfer}{close_q}", 8), ("{ctx_transfer}，{q_transfer}{close_q}", 1)]
G["msg_neu_lost"] = [("{open_q}{q_lost}{close_q}", 8), ("{ctx_lost}，{q_lost}{close_q}", 1)]
G["msg_neu_close"] = [("{open_q}{q_close}{close_q}", 8), ("有没有人知道{q_close}？", 1)]
G["msg_neu_other"] = [("{open_q}{q_other}{close_q}", 8), ("有没有人知道{q_other}？", 1), ("求问，{q_other}{close_q}", 1)]

#: Top symbols per label: (sentiment, intent, emotion) -> list of (message symbol, weight).
MSG_SYMBOLS: dict[tuple[str, str, str], list[tuple[str, float]]] = {
    # neutral questions
    ("中性", "账单查询", "无"): [("msg_neu_bill", 1)],
    ("中性", "理财收益咨询", "无"): [("msg_neu_wealth", 1)],
    ("中性", "利率协商", "无"): [("msg_neu_nego", 1)],
    ("中性", "利率协商", "焦虑"): [("msg_anx_nego", 1)],
    ("中性", "挂失补卡", "无"): [("msg_neu_lost", 1)],
    ("中性", "转账问题", "无"): [("msg_neu_transfer", 1)],
    ("中性", "销户", "无"): [("msg_neu_close", 1)],
    ("中性", "其他", "无"): [("msg_neu_other", 1)],
    # praise
    ("正面", "账单查询", "无"): [("msg_pos_bill", 1)],
    ("正面", "理财收益咨询", "无"): [("msg_pos_wealth", 4), ("msg_pos_deposit", 1)],
    ("正面", "挂失补卡", "无"): [("msg_pos_lost", 3), ("msg_pos_fraud", 1)],
    ("正面", "转账问题", "无"): [("msg_pos_transfer", 1)],
    ("正面", "其他", "无"): [("msg_pos_svc", 5), ("msg_pos_wait", 3), ("msg_pos_fee", 2), ("msg_pos_app", 4),
                          ("msg_pos_limit", 2), ("msg_pos_card", 2), ("msg_pos_loan", 2), ("msg_pos_fraud", 1),
                          ("msg_pos_sales", 1), ("msg_pos_points", 2), ("msg_pos_branch", 2), ("msg_pos_etc", 1),
                          ("msg_pos_deposit", 1), ("msg_pos_bot", 1)],
    # complaints
    ("负面", "投诉", "抱怨"): [("msg_neg_svc", 5), ("msg_neg_wait", 4), ("msg_neg_fee", 4), ("msg_neg_app", 4),
                           ("msg_neg_limit", 2), ("msg_neg_card", 2), ("msg_neg_loan", 2), ("msg_neg_fraud", 1),
                           ("msg_neg_collect", 2), ("msg_neg_sales", 2), ("msg_neg_points", 2), ("msg_neg_branch", 2),
                           ("msg_neg_etc", 1), ("msg_neg_deposit", 1), ("msg_neg_bot", 2)],
    ("负面", "投诉", "愤怒"): [("msg_ang_svc", 5), ("msg_ang_wait", 3), ("msg_ang_fee", 4), ("msg_ang_app", 2),
                           ("msg_ang_limit", 1), ("msg_ang_card", 1), ("msg_ang_loan", 1), ("msg_ang_collect", 3),
                           ("msg_ang_sales", 2), ("msg_ang_points", 1), ("msg_ang_branch", 1), ("msg_ang_bot", 1)],
    ("负面", "理财收益咨询", "抱怨"): [("msg_neg_wealth", 4), ("msg_neg_deposit", 1)],
    ("负面", "理财收益咨询", "焦虑"): [("msg_anx_wealth", 1)],
    ("负面", "理财收益咨询", "愤怒"): [("msg_ang_wealth", 1)],
    ("负面", "转账问题", "抱怨"): [("msg_neg_transfer", 1)],
    ("负面", "转账问题", "焦虑"): [("msg_anx_transfer", 1)],
    ("负面", "转账问题", "愤怒"): [("msg_ang_transfer", 1)],
    ("负面", "账单查询", "抱怨"): [("msg_neg_bill", 1)],
    ("负面", "账单查询", "焦虑"): [("msg_anx_bill", 1)],
    ("负面", "账单查询", "愤怒"): [("msg_ang_bill", 1)],
    ("负面", "挂失补卡", "抱怨"): [("msg_neg_lost", 1)],
    ("负面", "挂失补卡", "焦虑"): [("msg_anx_lost", 3), ("msg_anx_fraud", 2)],
    ("负面", "挂失补卡", "愤怒"): [("msg_ang_lost", 1)],
    ("负面", "销户", "抱怨"): [("msg_neg_close", 1)],
    ("负面", "销户", "愤怒"): [("msg_ang_close", 1)],
    ("负面", "利率协商", "抱怨"): [("msg_neg_nego", 1)],
    ("负面", "利率协商", "愤怒"): [("msg_ang_nego", 1)],
}

GRAMMAR = G
