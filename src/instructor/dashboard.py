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
# # 讲师看板：谁卡住了 · Instructor dashboard
#
# 这个笔记本给**讲师**用：读学员的进度文件 (progress file)，看每位学员每道练习的状态
# （未尝试 / 还没答对 / 答对、检查了几次、最后一次是什么时候），找出**多数人卡住的题目**和
# 最常见的错误提示，好在课上集中讲解。
#
# **怎么收集进度文件**（不需要服务器，也不需要数据库）：
#
# 1. 每位学员的练习会把进度写进自己电脑上的 `~/.course_progress.jsonl`（或环境变量
#    `COURSE_PROGRESS_FILE` 指定的文件）。文件里只有时间、题号、检查结果、第几次、
#    看了第几条提示，以及答错时错误提示的第一句（数字和引号里的内容已隐去），**没有学员的答案**。
# 2. 课间请学员把这个文件复制到 U 盘或共享文件夹，改名为座位号（如 `seat07.jsonl`），
#    或者放进以自己名字命名的文件夹；如果开课前让学员设置了 `COURSE_USER=seat07`，文件名就无所谓了。
# 3. 把这些文件放进同一个文件夹，把下面的 `PROGRESS_DIR` 改成这个文件夹，运行全部单元格。
#    命令行也可以：`python3 course.py dashboard 文件夹 --out report.html`。
#
# `PROGRESS_DIR` 为空时，本笔记本用**30 位虚构学员的示例文件**演示（其中故意放了几行坏数据），
# 下面所有结果都会标明“示例数据”。

# %% tags=["parameters"]
# 参数 (parameters)：收集来的进度文件所在的文件夹；留空 = 用示例数据演示
PROGRESS_DIR = ""
DEMO_TRAINEES = 30   # 示例数据的学员人数
DEMO_SEED = 0        # 示例数据的随机种子

# %%
import tempfile
from pathlib import Path

from IPython.display import HTML, display

from course_utils import dashboard
from course_utils.plotting import setup

setup()  # 统一图表风格，并启用中文字体

if PROGRESS_DIR:
    folder, label = Path(PROGRESS_DIR).expanduser(), "学员的进度文件"
else:
    folder, label = Path(tempfile.mkdtemp(prefix="demo-progress-")), "示例数据（虚构学员）"
    dashboard.simulate_progress(folder, n_trainees=DEMO_TRAINEES, seed=DEMO_SEED)

data = dashboard.collect(folder)
print(f"{label}：{folder if PROGRESS_DIR else '临时文件夹'}")
print(f"读取了 {len(data.files)} 个文件，{len(data.learners)} 位学员，{len(data.events)} 条记录；"
      f"跳过 {len(data.problems)} 处无法读取的内容。")

# %% [markdown]
# ## 一、读不了的内容
#
# 复制到一半的文件、被改坏的行、不是进度文件的文件都会被**跳过并列出来**（文件名和行号），
# 不会让整份看板失败。看到很多跳过的行，就请那位学员再复制一次文件。

# %%
for problem in data.problems[:15]:
    print(problem)
if len(data.problems) > 15:
    print(f"……还有 {len(data.problems) - 15} 处")

# %% [markdown]
# ## 二、多数人卡在哪里
#
# “卡住”= 检查过答案、但还没有答对。表里按卡住的人数排序；“最常见的错误提示”按提示的
# 第一句归类，每位学员只算一次。讲解时先讲排在最前面的一两道题，再看它最常见的错误提示：
# 它通常就是大家共同的误解（比如分母用错了人群、金额单位不对）。

# %%
stuck = dashboard.stuck_exercises(data)
top = stuck[stuck["stuck"] > 0].head(5)
if top.empty:
    print("没有学员卡住：要么做过的题都答对了，要么还没有读到检查记录（见上面的人数）。")
for row in top.itertuples():
    print(f"{row.exercise}（{row.title}）：{row.stuck}/{row.attempted} 位尝试过的学员卡住"
          f"（{row.stuck_share:.0%}）")
    for message, n in row.top_reasons:
        print(f"    {n} 人：{message}")

# %% [markdown]
# 下面的图把每道题的学员分成三类。注意人群：每根条都是**全部学员**（包括没做这道题的人），
# 所以越往后的讲次，“未尝试”越多是正常的——还没讲到。

# %%
from course_utils.viz import progress as charts

table = dashboard.status_table(data)
counts = dashboard.state_counts(data)   # 每道题：答对 / 还没答对 / 未尝试 的学员人数
charts.progress_figure(counts, population=f"统计范围：{label}中的 {len(data.learners)} 位学员；"
                                          "每根条都是全部学员，含未尝试的")

# %% [markdown]
# ## 三、学员 × 题目
#
# 每格：√ 答对、× 还没答对、· 未尝试，后面的数字是检查次数；鼠标停在格子上能看到提示次数和
# 最后一次检查的时间 (UTC)。一行里 × 很多的学员，可以课间过去看看。

# %%
display(HTML(dashboard.render_html(data, title=f"讲师看板（{label}）")))

# %% [markdown]
# ## 四、需要关照的学员
#
# 一个简单的规则：卡住两道题及以上的学员。规则可以改，例如只看今天讲过的讲次
# （`table["lecture"].isin(["L1", "L2"])`）。

# %%
per_learner = (table.assign(stuck=table["state"] == "incorrect",
                            done=table["state"] == "correct")
               .groupby("learner")[["stuck", "done"]].sum()
               .sort_values(["stuck", "done"], ascending=[False, True]))
per_learner[per_learner["stuck"] >= 2].rename(columns={"stuck": "卡住的题数", "done": "答对的题数"})
