# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 第四讲 练习 · Lecture 4 exercises
#
# 配合[第四讲讲义](../notebooks/L4_recommendation.ipynb)使用。共 4 题：
#
# 1. 手算推荐效果指标：精确率 precision@k、召回率 recall@k、覆盖率 (coverage)；
# 2. 搭建推荐系统：选方法和参数，超过热门推荐基线，而且合规（控件 (widget) 练习）；
# 3. 训练情感分析 (sentiment analysis) 模型，找出它的三个错误；
# 4. 设定客服机器人的置信度阈值 (confidence threshold)，满足服务目标（控件练习）。
#
# 每道题都要用讲义教的口径自己算、自己调：检查程序用这份数据重新计算，不接受抄来的数字。
#
# **预计时间**：约 60 分钟（时间安排见开始页的课程地图）。
#
# **怎么做**：在代码里把 `____`（四个下划线）换成你的答案，运行单元格，再看 `q1.check(...)` 的反馈：
# √ 正确、× 还不对（会告诉你哪里不对）、… 尚未作答。控件练习可以直接点控件里的“检查答案”。
# 卡住了？去掉 `# q1.hint()` 前面的 `#` 运行，看提示（多运行几次，提示会越来越具体）；
# 最后还可以看 `q1.solution()` 参考答案。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以换随机种子或数据规模
from course_utils.config import DEFAULT_CUSTOMERS, DEFAULT_SEED

SEED = DEFAULT_SEED
N_CUSTOMERS = DEFAULT_CUSTOMERS

# %%
import pandas as pd

from course_utils import plotting, recommend
from course_utils.chatbot import threshold_table
from course_utils.data import get_bank
from course_utils.exercises.lecture4 import *   # 练习工具：占位符、setup 和两个控件
from course_utils.sentiment import make_sentiment_model, negative_labels

plotting.setup()                          # 图表风格和中文字体
bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
q1, q2, q3, q4 = setup(bank, seed=SEED)   # 四道题，按这份数据判分
print(f"数据已加载：{len(bank.customers):,} 位客户，{len(bank.holdings):,} 条产品持有记录，"
      f"{len(bank.messages):,} 条客户消息")

# %% [markdown]
# ## 练习 1：手算推荐效果指标 · Precision, recall and coverage by hand
#
# 手机银行给每位客户推荐 **k = 3** 个产品。下表是一个小例子：6 位客户收到了推荐列表
# （李只收到 2 个：第 3 个被适当性过滤拿掉了；赵是新客户，没有推荐），
# 切分日之后有 5 位客户真的新买了产品（这 5 位就是**测试集**）。产品目录共 10 个产品 P01–P10。
#
# 请**手算**（写成算式即可，例如 `(1/3 + 0) / 2`）：
#
# - `precision`：精确率 precision@3，测试集客户的平均值；
# - `recall`：召回率 recall@3，测试集客户的平均值；
# - `coverage`：覆盖率，产品目录里至少被推荐给一位客户的产品所占的比例。
#
# 三个数都用 0–1 之间的小数。算完再运行下一个单元格，用课程函数核对。

# %%
q1.case                   # 小例子：推荐列表和切分日后真实新买的产品

# %%
# BEGIN PLACEHOLDER
precision = ____           # precision@3
recall = ____              # recall@3
coverage = ____            # 覆盖率
# END PLACEHOLDER
# BEGIN SOLUTION
# 测试集 5 位客户的命中数：王 1（P02）、李 1（P04）、张 1（P06）、赵 0（没有推荐）、陈 0
precision = (1/3 + 1/3 + 1/3 + 0 + 0) / 5     # 分母永远是 k = 3，李少一个推荐也除以 3
recall = (1/2 + 1/1 + 1/4 + 0 + 0) / 5        # 分母是每位客户真实新买的产品个数
coverage = 7 / 10                             # 出现过 P01–P06 和 P10，共 7 个；目录 10 个
# END SOLUTION
answer1 = {"precision": precision, "recall": recall, "coverage": coverage}
q1.check(answer1)

# %%
# 用课程函数算一遍，和你的手算对照。注意参数顺序“真实在前”：evaluate(测试集, 推荐, 目录, k)
recommend.evaluate(q1.test, q1.recs, q1.catalogue, k=q1.k)

# %% tags=["exercise-only"]
# 需要帮助？去掉下一行开头的 # 再运行
# q1.hint()
# q1.solution()

# %% [markdown]
# ## 练习 2：搭建推荐系统 · Build a recommender
#
# 下面的控件用讲义里的时间切分 (time-based split)：用切分日之前的持有记录学习，
# 看切分日之后客户真的新买了什么。你可以选：
#
# - **推荐方法**：热门推荐（基线 baseline）、基于物品的协同过滤 (item-based collaborative filtering)、
#   基于内容 (content-based)、混合推荐 (hybrid)；
# - **近邻数**：协同过滤时每个产品保留几个最相似的产品；**混合权重 α**：混合推荐里协同过滤占多少；
# - **k**：每位客户推荐几个产品；**适当性过滤**（适当性管理）：风险等级超过客户风险承受能力的产品不推荐；
# - **示例客户**：看一位客户收到的推荐、推荐理由，以及他后来真的买了没有。
#
# 任务：找一个配置，同时做到
#
# 1. 精确率 precision@k **超过**同样 k、同样过滤下的热门推荐，而且差距的 95% 区间全部在 0 以上（不是运气）；
# 2. 覆盖率不低于控件里写的下限（不能只推那几款热门产品）；
# 3. **没有一条**不适当的推荐。
#
# 顺便看看：打开适当性过滤，精确率降了多少？银行为什么还是必须打开它？

# %% tags=["widget-exercise", "nbval-ignore-output"]
app2 = recommender_app(q2)
app2

# %%
# 调好控件后，把 ____ 换成 app2（控件本身），再运行本单元格
# BEGIN PLACEHOLDER
answer2 = ____
# END PLACEHOLDER
# BEGIN SOLUTION
app2.set_values(method="item_cf", neighbours=20, k=5, suitable_only=True)   # 协同过滤 + 适当性过滤
answer2 = app2
# END SOLUTION
q2.check(answer2)

# %% tags=["solution-only"]
# 适当性过滤的代价：同一个配置，关掉和打开过滤的精确率（关掉时有多少条推荐超出客户的风险承受能力）
config = {"method": "item_cf", "neighbours": 20, "alpha": 0.7, "k": 5}
pd.DataFrame({
    "适当性过滤": ["关", "开"],
    "precision@5": [f"{q2.lab.evaluate({**config, 'suitable_only': s})['precision']:.1%}" for s in (False, True)],
    "不适当的推荐（条）": [q2.lab.evaluate({**config, "suitable_only": s})["unsuitable"] for s in (False, True)],
})

# %% tags=["exercise-only"]
# q2.hint()
# q2.solution()

# %% [markdown]
# ## 练习 3：训练情感分析模型，找出它的三个错误 · Train a sentiment model and read its mistakes
#
# `q3.messages` 是带人工标注的客户消息（`text` 文字，`sentiment` 情感：正面 / 中性 / 负面）。
# 还有一部分消息被检查程序**留了下来 (held back)**：你看不到它们，检查时用它们给你的模型打分——
# 这样才知道模型对没见过的消息好不好用。
#
# 1. 把情感标签转换成 1 = 负面、0 = 非负面（`negative_labels`）；
# 2. 从 `q3.messages` 分出一部分做验证集 (validation set)，其余的用来训练
#    `make_sentiment_model()`（也可以自己搭 scikit-learn 流水线）；
# 3. 在验证集上找出模型**判错**的消息（负面概率 ≥ 0.5 判为负面，和标签不一致），挑 3 条读一读。
#
# 答案是一个字典：`{"model": 训练好的模型, "mistakes": [3 条判错消息的原文]}`。
# 检查程序会看：模型在留出消息上的 AUC、能不能分清“满意 / 不满意”这类否定句，以及这 3 条是不是真的判错了。

# %%
from sklearn.model_selection import train_test_split

messages = q3.messages                  # 可以用的带标注消息
# BEGIN PLACEHOLDER
model = ____                            # 训练好的情感模型
mistakes = ____                         # 模型判错的 3 条消息原文（列表）
# END PLACEHOLDER
# BEGIN SOLUTION
y = negative_labels(messages["sentiment"])                     # 1 = 负面
train, valid = train_test_split(messages, test_size=0.3, random_state=0, stratify=y)
model = make_sentiment_model()                                 # 字 1–3 元组 TF-IDF + 逻辑回归
model.fit(train["text"], negative_labels(train["sentiment"]))
p_valid = model.predict_proba(valid["text"])[:, 1]             # 负面的概率
y_valid = negative_labels(valid["sentiment"])
wrong = valid[(p_valid >= 0.5) != y_valid]                     # 判错的消息
mistakes = wrong["text"].head(3).tolist()
# END SOLUTION
answer3 = {"model": model, "mistakes": mistakes}
q3.check(answer3)

# %% tags=["solution-only"]
# 把判错的消息读出来：标签、模型的负面概率
wrong.assign(负面概率=p_valid[(p_valid >= 0.5) != y_valid].round(2))[["text", "sentiment", "负面概率"]].head(8)

# %% tags=["solution-only"]
# 否定句：否定正面词（满意 → 不满意）负面概率应该升高，否定负面词（贵 → 不贵）应该降低；看模型在哪一种上出错
pairs = ["这次服务我满意", "这次服务我不满意", "手续费贵", "手续费不贵", "到账有问题", "到账没问题"]
pd.DataFrame({"消息": pairs, "负面概率": model.predict_proba(pairs)[:, 1].round(2)})

# %% tags=["exercise-only"]
# q3.hint()
# q3.solution()

# %% [markdown]
# ## 练习 4：设定客服机器人的置信度阈值 · Chatbot confidence threshold
#
# 客服机器人（FAQ 检索机器人）为每条在线咨询找出最像的常见问题，相似度就是它的**置信度**。
# 置信度达到阈值才自动回答，否则**转人工** (hand-off)；投诉、利率协商这类问题无论置信度多高都转人工。
#
# 拖动阈值（滑块上是百分数，42 表示置信度 0.42），看机器人回答了多少、答错了多少（匹配的意图和人工标注不同）、
# 人工要接手多少。
# 找一个阈值，同时满足控件里的两条**服务目标**：
#
# - 答错的不超过**机器人回答的**消息的 5%；
# - 转人工的不超过全部咨询的一定比例（机器人要真正替坐席分担工作）。
#
# 答案可以是控件 `app4`，也可以是你用 `threshold_table(q4.bot, q4.texts, q4.intents, 阈值列表)`
# 算出来的阈值（一个 0–1 之间的数）。

# %% tags=["widget-exercise", "nbval-ignore-output"]
app4 = chatbot_threshold_app(q4)
app4

# %%
# 调好控件后，把 ____ 换成 app4；或者用 threshold_table 算出阈值
goal = q4.targets                         # 服务目标：max_wrong_share、max_handoff_share
# BEGIN PLACEHOLDER
answer4 = ____
# END PLACEHOLDER
# BEGIN SOLUTION
thresholds = [round(0.01 * i, 2) for i in range(101)]                  # 0.00, 0.01, ... 1.00
table = threshold_table(q4.bot, q4.texts, q4.intents, thresholds)
ok = table[(table["wrong_share_of_answered"] <= goal["max_wrong_share"])   # 答错 ÷ 机器人回答
           & (table["handoff_rate"] <= goal["max_handoff_share"])]         # 转人工 ÷ 全部咨询
answer4 = float(ok["threshold"].min())     # 达标的阈值里最小的：机器人回答得最多
app4.set_values(threshold_pct=round(100 * answer4))   # 控件上是百分数：0.42 → 42
# END SOLUTION
q4.check(answer4)

# %% tags=["exercise-only"]
# q4.hint()
# q4.solution()

# %% [markdown]
# ## 做完了？· Wrap-up
#
# - 练习 1：precision@k 除以 k，recall@k 除以客户真实新买的个数，没有推荐的客户记 0；
#   覆盖率看的是整个产品目录。分母错了，指标就会“好看”得不真实。
# - 练习 2：个性化推荐比热门推荐准，还能让更多产品被看到；适当性过滤会损失一点精确率，
#   但不合规的推荐再准也不能推。“超过基线”要用区间说话，不是看一个数。
# - 练习 3：模型的好坏要在**没见过的**消息上量；读错例比看 AUC 更能告诉你模型缺什么
#   （反话、否定负面词、一条消息里既夸又抱怨）。
# - 练习 4：阈值是业务决定：答错一次的代价和人工成本要一起权衡，目标要先写下来。
#
# **讨论**：如果你的银行只有 8 款产品，协同过滤还能超过热门推荐吗？（讲义第四节的实验）
