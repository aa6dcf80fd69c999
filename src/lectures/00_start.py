# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 课程开始页：AI+银行客户忠诚度管理 · Start page: AI + Bank Customer Loyalty Management
#
# 欢迎参加两天的「AI+银行客户忠诚度管理」实战课程！这一页是整门课的**课程地图 (course map)**：
# 两天里每一讲的讲义笔记本 (notebook) 和练习笔记本、时间安排，以及每一部分学什么。
# 点击表格里的链接即可打开对应的笔记本。
#
# **怎么使用这些笔记本**
#
# 1. 选中一个代码单元格，按 `Shift + Enter` 运行它；也可以用菜单「Run → Run All Cells」从头运行到尾。
# 2. 讲义笔记本 (`notebooks/`) 已经运行过，打开就能看到图表；重新运行会用同一份数据得到同样的结果。
# 3. 练习笔记本 (`exercises/`) 里把 `____` 换成你的答案，然后运行 `q1.check(...)` 这样的单元格：
#    - √ 正确：答对了；
#    - × 还不对：提示你哪里不对（不会直接给出答案）；
#    - … 尚未作答：还有 `____` 没有替换。
#
#    卡住了可以运行 `q1.hint()` 看提示（多次运行会一条条给出更具体的提示），最后还可以用 `q1.solution()` 看参考答案。
# 4. 带滑块、下拉框的**交互控件 (widget)** 练习：拖动控件，图表会立刻重画；点「检查答案」得到反馈。
# 5. 每个笔记本的第一个代码单元格会先检查**内核 (kernel)**：如果它提示“选错了内核”，请按提示在课程文件夹里
#    运行 `python3 course.py lab` 重新打开 Jupyter，或在菜单「Kernel → Change Kernel」里选择「Python 3 (ipykernel)」。

# %% tags=["parameters"]
# 参数 (parameters)：讲师可以为整个班级换一个随机种子或数据规模重新运行所有笔记本
from course_utils import config

SEED = config.DEFAULT_SEED              # 随机种子 (seed)：同一个种子 → 同一份模拟数据
N_CUSTOMERS = config.DEFAULT_CUSTOMERS  # 模拟银行的客户数

# %% [markdown]
# ## 一、两天的课程安排 · Two-day schedule
#
# 表格由 `course_utils.coursemap` 生成：已经完成的笔记本带链接，还在编写中的标注「即将推出」。

# %%
from course_utils import coursemap

coursemap.show_start_page()

# %% [markdown]
# ## 二、AI 赋能忠诚度管理的四个方向 · Four solution areas
#
# 第一讲会讲到：银行提升客户忠诚度，AI 可以在下面四个方向发力。后面四讲分别展开。

# %%
coursemap.show_solution_areas()

# %% [markdown]
# ## 三、课程用到的数据 · The data
#
# 所有练习都用同一家**模拟银行 (synthetic bank)** 的数据：客户、账户、月末余额、交易、产品持有、
# 客服留言、外呼回复、App 使用和网页浏览、满意度调查。数据是按固定随机种子生成的，
# 姓名和手机号都已脱敏（如 `张**`、`138****1234`），不涉及任何真实客户。
#
# 在任何笔记本里，用下面两行就能拿到数据（不需要关心文件放在哪里）：
#
# ```python
# from course_utils.data import get_bank
# bank = get_bank(seed=SEED, n_customers=N_CUSTOMERS)
# bank.customers.head()
# ```
#
# 数据字典 (data dictionary) 在 `datasets/README.md`。

# %%
print(f"本次课程数据：随机种子 SEED = {SEED}，客户数 N_CUSTOMERS = {N_CUSTOMERS:,}")

# %% [markdown]
# ## 四、练习记录与隐私 · Progress log and privacy
#
# 为了让讲师了解全班的进度，每次运行 `check()`、`hint()` 或 `solution()`，课程会在**你自己电脑的
# 用户主目录**里的文件 `.course_progress.jsonl` 中追加一行**练习记录 (progress log)**。
#
# - **记录的内容只有**：时间、题目编号、操作（检查 / 提示 / 参考答案）、检查结果（对或不对）、
#   这是第几次检查、看的是第几条提示；答错时记下错误提示的第一句（其中的数字换成 #、引号里的内容
#   换成 …，所以不含你填的值），讲师用它看大家最常卡在哪里；
#   如果检查程序本身出错，还会记下出错的类型，方便讲师修正。只有讲师让你设置 `COURSE_USER`（例如座位号）时，才会记下这个编号。
# - **不记录**：你的答案、电脑的用户名；打开或运行笔记本、还没作答（`____` 没替换）
#   的检查也不记录。
# - 这个文件只有你自己能读（权限 0600），不会自动上传；讲师要汇总时，会请你把文件交给他。
# - **不想记录**：启动 Jupyter 之前设置环境变量 `COURSE_PROGRESS_FILE=off`；或者在笔记本里运行
#   `from course_utils.exercises import turn_off; turn_off()`（对当前这个笔记本有效）。
#   随时可以删除这个文件。

# %% [markdown]
# ## 小结 · Summary
#
# - 第一天：认识忠诚度管理的挑战和 AI 的作用（第一讲），学会给客户画像、做精准营销（第二讲）。
# - 第二天：预测和挽留流失客户（第三讲），做个性化推荐和智能服务（第四讲），展望未来并学会检验效果（第五讲）。
# - 每一讲都是「讲义 → 练习」：先看懂例子，再自己动手，`check()` 随时告诉你做得对不对。
#
# 准备好了就从 **第一讲** 开始吧！
