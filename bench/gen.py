#!/usr/bin/env python3
"""Generate the benchmark corpora for xinyu, Hugo and mdBook.

    python3 bench/gen.py N OUTDIR

writes three equivalent corpora with N lessons each:

    OUTDIR/xinyu/   a valid xinyu project (lessons, meetings, parent
                    handouts, two term calendars, xinyu.toml)
    OUTDIR/hugo/    the same lesson bodies as Hugo content, minimal layouts
    OUTDIR/mdbook/  the same lesson bodies as an mdBook (one chapter per band)

Deterministic: the same N always gives byte-identical files (seeded
random.Random, sorted iteration, no clock). Python 3.11 standard library only.
"""

import os
import random
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pools  # noqa: E402
from pools import AREAS, BAND_ORDER, BANDS  # noqa: E402

HERE = Path(__file__).resolve().parent
CURRICULUM = HERE.parent / "curriculum"
TERMS = ["autumn", "spring"]
TERM_ZH = {"autumn": "秋季学期", "spring": "春季学期"}
AREA_ORDER = ["self", "learning", "relationships", "emotions", "career", "adaptation"]
FORM_ZH = {"group-guidance": "团体辅导", "training": "训练", "discussion": "讨论",
           "situation": "情境体验", "role-play": "角色扮演", "game": "游戏",
           "psychodrama": "心理剧", "talk": "专题讲座"}
NUM_ZH = "一二三四五六七八九十"
CJK = re.compile(r"[\u4e00-\u9fff]")

# Phase minutes: warm-up, activity 1, activity 2, sharing, summary.
SPLITS = {
    40: [(5, 12, 10, 8, 5), (6, 12, 10, 7, 5), (5, 13, 10, 7, 5), (5, 10, 12, 8, 5)],
    45: [(6, 13, 12, 8, 6), (5, 15, 12, 8, 5), (6, 12, 14, 8, 5), (5, 14, 13, 8, 5)],
}
MIN_CJK, MAX_CJK = 2500, 4000


def cjk_len(text):
    return len(CJK.findall(text))


def yaml_list(items):
    return "[" + ", ".join(str(i) for i in items) + "]"


class Lesson:
    """Metadata of one lesson; the body is written once all are known."""

    def __init__(self, idx, band, term, order, rng):
        self.idx, self.band, self.term, self.order = idx, band, term, order
        b = BANDS[band]
        self.slug = f"{term}-{order:04d}"
        self.rel = f"{band}/{self.slug}.md"  # relative to lessons/ (content/, src/)
        # Areas rotate so every band and term sees all six.
        a1 = AREA_ORDER[(idx // 10 + order) % 6]
        areas = [a1]
        if rng.random() < 0.4:
            areas.append(rng.choice([a for a in AREA_ORDER if a != a1]))
        self.areas = areas
        A = AREAS[a1]
        self.title = f"{rng.choice(A['titles'])}：{rng.choice(A['subtitles'])}"
        g = b["grades"]
        self.grades = rng.choice([g] + [[x] for x in g])
        # The lessons a term's calendar schedules (order 1-20) serve every
        # grade of the band, so every slot has its whole-school pack, as
        # in a county that releases a fortnight at a time; the rest of the
        # library mixes band-wide and one-grade lessons.
        if order <= 20:
            self.grades = g
        self.duration = b["duration"]


def pick(rng, seq, k):
    return rng.sample(seq, min(k, len(seq)))


def fill(rng, tmpl, ctx):
    return tmpl.format(**ctx)


def lesson_text(les, all_lessons, rng):
    b = BANDS[les.band]
    A = AREAS[les.areas[0]]
    A2 = AREAS[les.areas[-1]]
    skill, skill_desc = rng.choice(A["skills"])
    ctx = {
        "call": b["call"], "stu": b["stu"], "area": A["zh"], "skill": skill,
        "skill_desc": skill_desc, "idea": rng.choice(A["ideas"]),
        "scene": rng.choice(b["scenes"]), "name": rng.choice(b["names"]),
        "title": les.title, "focus": rng.choice(b["focus"]),
    }

    def c(**over):
        """A context with fresh scene/idea/name unless overridden."""
        d = dict(ctx)
        d["scene"] = rng.choice(b["scenes"])
        d["idea"] = rng.choice(A["ideas"])
        d["name"] = rng.choice(b["names"])
        d.update(over)
        return d

    def suits(act):  # an optional fifth field limits an activity to one tier
        return len(act) < 5 or act[4] == b["tier"]

    acts = pick(rng, [x for x in A["activities"] if suits(x)], 2)
    if len(les.areas) > 1 and rng.random() < 0.5:
        acts[1] = rng.choice([x for x in A2["activities"] if suits(x) and x not in acts])
    warm_name, warm_steps = rng.choice(pools.WARMUPS)
    forms = sorted({"game"} | {a[1] for a in acts} | {"discussion"}, key=pools.FORMS.index)
    ctx["forms_zh"] = "、".join(FORM_ZH[f] for f in forms)
    m = rng.choice(SPLITS[les.duration])
    topics = sorted(set(pick(rng, A["topics"], 2) + pick(rng, A2["topics"], 1)), key=lambda t: (A["topics"] + A2["topics"]).index(t))
    cog = fill(rng, rng.choice(A["cog"]), ctx)
    aff = fill(rng, rng.choice(A["aff"]), ctx)
    beh = fill(rng, rng.choice(A["beh"]), ctx)
    target = rng.randint(2900, 3600)

    fm = [
        "---",
        f"title: {les.title}",
        f"grades: {yaml_list(les.grades)}",
        f"term: {les.term}",
        f"order: {les.order}",
        f"duration: {les.duration}",
        f"areas: {yaml_list(les.areas)}",
        f"topics: {yaml_list(topics)}",
        f"forms: {yaml_list(forms)}",
        "objectives:",
        f"  cognitive: {cog}",
        f"  affective: {aff}",
        f"  behavioral: {beh}",
        f"key_points: 通过{acts[0][0]}和{acts[1][0]}，理解“{ctx['idea']}”，初步学会{skill}",
        f"difficulties: 让学生把{skill}用到真实的校园生活中，而不只是停留在课堂上",
        "materials:",
        f"  - {acts[0][0]}活动材料每组一份",
        "  - 计时器",
        "  - 学习单每人一份（不能打印时，把题目抄在黑板上）",
        "sensitive: false",
        "---",
        "",
    ]

    # Padding blocks, appended to the main activities until the lesson is long enough.
    talks = pools.TEACHER_TALK[:]
    rng.shuffle(talks)
    tips = pools.TIPS[:]
    rng.shuffle(tips)
    scenes = b["scenes"][:]
    rng.shuffle(scenes)

    def activity(num, label, act, minutes, with_table):
        name, _form, steps, talk = act[:4]
        out = [f"### {num}、{label}：{name}（{minutes}分钟）", ""]
        out += ["**活动步骤**：", ""]
        out += [f"{i + 1}. {s}" for i, s in enumerate(steps)]
        out += ["", f"**教师**：“{talk}”", ""]
        if with_table:
            head, rows = rng.choice(A["tables"])
            out += ["教师在黑板上出示下表，和学生一起填写：", ""]
            out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            out += ["| " + " | ".join(r) + " |" for r in rows]
            out.append("")
        return out

    body = ["## 设计理念", ""]
    rat = pools.RATIONALE[:]
    rng.shuffle(rat)
    for t in rat[:3]:
        body += [fill(rng, t, c(idea=ctx["idea"])), ""]
    body += ["## 活动过程", ""]
    body += [f"### 一、暖身导入：{warm_name}（{m[0]}分钟）", ""]
    body += [f"{i + 1}. {s}" for i, s in enumerate(warm_steps)]
    body += ["", f"**教师**：“{b['call']}，今天我们要一起探索的主题是——{les.title}。”", ""]
    act1 = activity("二", "主题活动一", acts[0], m[1], True)
    act2 = activity("三", "主题活动二", acts[1], m[2], False)
    share = [f"### 四、分享交流：{rng.choice(pools.SHARE_NAMES)}（{m[3]}分钟）", "",
             "请几位同学自愿分享，可以从下面的问题中选一个来说：", ""]
    share += [f"{i + 1}. {q}" for i, q in enumerate(pick(rng, A["questions"], 4))]
    share += ["", fill(rng, talks.pop(), c()), ""]
    summ = [f"### 五、总结升华：{rng.choice(pools.SUMMARY_NAMES)}（{m[4]}分钟）", "",
            f"**教师**：“{rng.choice(A['summary'])}今天我们一起认识了**{skill}**，记住：{ctx['idea']}。”", "",
            f"“如果遇到自己解决不了的烦恼，可以找班主任、学校心理辅导室的老师或者家里信任的大人聊一聊。说出来，就是照顾自己的开始。”", ""]
    links = [o for o in pick(rng, all_lessons, 4) if o is not les][: rng.randint(1, 3)]
    ext = ["## 课后延伸", ""]
    ext += [f"- {e}" for e in A["extension"]]
    for o in links:
        url = (f"{o.slug}.md" if o.band == les.band else f"../{o.band}/{o.slug}.md")
        ext.append("- " + rng.choice(pools.EXT_LINK_LINES).format(t=o.title, u=url))
    ext.append("")
    ws = ["## 学习单", "", f"**{les.title.split('：')[0]}·我的小记录**", ""]
    ws += [f"{i + 1}. {w}" for i, w in enumerate(A["worksheet"])]
    ws += ["", "（学习单只留给自己，不用上交。）", ""]
    refl = ["## 教学反思", ""]
    refl += [f"{i + 1}. {r}" for i, r in enumerate(pick(rng, pools.REFLECTIONS, 3))]
    refl.append("")

    def assemble():
        return "\n".join(fm + body + act1 + act2 + share + summ + ext + ws + refl)

    # Grow the activities with rules, stories, situations, voices, teacher
    # talk and tips, in a fixed rotation, until the lesson is long enough.
    stories = pools.STORY[:]
    rng.shuffle(stories)
    voices = pools.VOICES[:]
    rng.shuffle(voices)
    rules = pools.RULES[:]
    rng.shuffle(rules)
    extra = [a for a in A["activities"] if a not in acts and suits(a)]
    blocks = []
    blocks.append((act1, [rules.pop()]))
    blocks.append((act2, [fill(rng, stories.pop(), c()), "",
                          "请学生讨论：故事里的主人公做对了什么？如果换作你，还可以怎么做？"]))
    answers = pools.ANSWERS[:]
    rng.shuffle(answers)
    for k in range(4):
        s1 = scenes.pop()
        blocks.append((act1 if k != 1 else act2,
                       [f"**情境讨论**：{s1}。这时候心里可能有什么感受？可以怎样用上“{skill}”？", "",
                        f"- {answers.pop()}", f"- {answers.pop()}", "",
                        fill(rng, talks.pop(), c())]))
    blocks.append((share, [fill(rng, voices.pop(), c())]))
    blocks.append((act1, [tips.pop()]))
    blocks.append((act2, [fill(rng, talks.pop(), c())]))
    blocks.append((share, [fill(rng, voices.pop(), c())]))
    if extra:
        ex = rng.choice(extra)
        blocks.append((act2, [f"**拓展练习（时间充裕时选做）**：{ex[0]}。", ""]
                       + [f"- {s}" for s in ex[2]] + ["", f"**教师**：“{ex[3]}”"]))
    blocks.append((act1, [fill(rng, talks.pop(), c())]))
    blocks.append((act2, [fill(rng, stories.pop(), c())]))
    blocks.append((summ, [f"全班一起轻声读：“{rng.choice(A['ideas'])}。”"]))
    blocks.append((act2, [tips.pop()]))
    blocks.append((share, [fill(rng, voices.pop(), c())]))
    blocks.append((summ, [f"**教师**：“{rng.choice([x for x in A['summary'] if x not in summ[2]])}”"]))
    while talks:
        blocks.append((act1 if len(talks) % 2 else act2, [fill(rng, talks.pop(), c())]))
    cur = cjk_len(assemble())
    for blk, lines in blocks:
        if cur >= target:
            break
        blk += lines + [""]
        cur += cjk_len("\n".join(lines))
    text = assemble() + "\n"
    n = cjk_len(split_front_matter(text))
    assert MIN_CJK <= n <= MAX_CJK, (les.rel, n)
    return text


def split_front_matter(text):
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    return text[end + 5:].lstrip("\n")


MEETING_MONTHS = {"autumn": [9, 10, 11, 12], "spring": [3, 4, 5, 6]}


def meeting_text(i, rng):
    term = TERMS[i % 2]
    band_keys = [BAND_ORDER[(i // 2) % 5]]
    if band_keys[0] in ("lower-primary", "middle-primary") and rng.random() < 0.5:
        band_keys = ["lower-primary", "middle-primary"]
    b = BANDS[band_keys[0]]
    area = AREA_ORDER[(i // 10) % 6]
    A = AREAS[area]
    skill, skill_desc = rng.choice(A["skills"])
    stem = rng.choice(A["titles"])
    title = f"主题班会：{stem}"
    dur = b["duration"]
    mins = (5, 10, 10, 10, 5) if dur == 40 else (5, 12, 10, 12, 6)
    lines = ["---", f"title: {title}", f"bands: {yaml_list(band_keys)}", f"term: {term}",
             f"month: {rng.choice(MEETING_MONTHS[term])}", f"duration: {dur}",
             f"roles: {yaml_list(pools.MEETING_ROLES)}", f"areas: [{area}]",
             "sensitive: false", "---", "", "## 班会目标", "",
             f"1. 围绕“{rng.choice(A['ideas'])}”展开讨论，让学生有所感悟。",
             f"2. 学会“{skill}”：{skill_desc}。",
             "3. 知道遇到困难时可以向班主任、心理老师和家长求助。", "",
             "## 会前准备", "",
             "- 主持人：两名同学担任主持人甲、乙，提前和班主任排练一遍。",
             "- 材料：好办法卡每组一张，彩笔，展示墙。",
             "- 座位：四到六人一组围坐。", ""]
    for (seg, script), mn in zip(pools.MEETING_SEGMENTS, mins):
        ctx = {"title": stem, "scene": rng.choice(b["scenes"]), "skill_desc": skill_desc,
               "idea": rng.choice(A["ideas"])}
        lines += [f"## {seg}（{mn}分钟）", "", script.format(**ctx), ""]
    lines += ["## 会后跟进", "", "- 班主任留意班会后情绪明显低落的学生，私下关心，不当众追问。",
              "- 把各组的好办法卡整理成班级小册子，放在图书角。", ""]
    return f"{term}-{i + 1:03d}-{band_keys[0]}.md", "\n".join(lines)


def handout_text(band, term, order, rng):
    b = BANDS[band]
    area = AREA_ORDER[(order + TERMS.index(term)) % 6]
    A = AREAS[area]
    skill, skill_desc = rng.choice(A["skills"])
    ctx = {"focus": rng.choice(b["focus"]), "skill": skill, "skill_desc": skill_desc}
    title = f"家长读本：{rng.choice(A['titles'])}，家里可以这样陪"
    lines = ["---", f"title: {title}", f"bands: [{band}]", f"term: {term}", f"order: {order}",
             "sensitive: false", "---", ""]
    for head, paras in pools.HANDOUT_SECTIONS:
        lines += [f"## {head}", ""]
        for p in paras:
            lines += [p.format(**ctx), ""]
    return f"{band}-{term}-{order:02d}.md", "\n".join(lines)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen.py N OUTDIR")
    n = int(sys.argv[1])
    out = Path(sys.argv[2])
    rng = random.Random(20260831 + n)
    for sub in ("xinyu", "hugo", "mdbook"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)

    # Lessons: round-robin over bands, then terms; order = 1..k per band+term.
    counters = {}
    lessons = []
    for i in range(n):
        band = BAND_ORDER[i % 5]
        term = TERMS[(i // 5) % 2]
        k = counters.get((band, term), 0) + 1
        counters[(band, term)] = k
        lessons.append(Lesson(i, band, term, k, rng))
    by_band = {b: [l for l in lessons if l.band == b] for b in BAND_ORDER}

    xi, hu, md = out / "xinyu", out / "hugo", out / "mdbook"
    # --- xinyu project
    settings = (CURRICULUM / "xinyu.toml").read_text(encoding="utf-8")
    settings = settings.replace("title = \"心育：中小学心理健康教育课程\"",
                                f"title = \"心育基准测试课程（{n}节课）\"")
    write(xi / "xinyu.toml", settings)
    for cal in ("2026-autumn.toml", "2027-spring.toml"):
        write(xi / "calendars" / cal, (CURRICULUM / "calendars" / cal).read_text(encoding="utf-8"))
    bodies = {}
    for les in lessons:
        # Links point at lessons of the same band (same folder in all three layouts)
        # or, now and then, another band.
        peers = by_band[les.band] if rng.random() < 0.8 else lessons
        text = lesson_text(les, peers, rng)
        write(xi / "lessons" / les.rel, text)
        bodies[les.rel] = split_front_matter(text)

    n_meet = max(10, round(n / 40))
    for i in range(n_meet):
        name, text = meeting_text(i, rng)
        write(xi / "meetings" / name, text + "\n")
    # `order` of a handout is at most 60 per band and term: 600 at most.
    n_hand = min(600, max(20, round(n / 40)))
    for i in range(n_hand):
        band = BAND_ORDER[i % 5]
        term = TERMS[(i // 5) % 2]
        order = i // 10 + 1
        name, text = handout_text(band, term, order, rng)
        write(xi / "parents" / name, text + "\n")

    # --- Hugo site
    write(hu / "hugo.toml", "\n".join([
        'baseURL = "http://localhost/"',
        'languageCode = "zh-cn"',
        'title = "心育基准测试课程"',
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]',
        "[markup.goldmark.renderer]",
        "unsafe = false",
        "",
    ]))
    write(hu / "layouts/_default/baseof.html",
          '<!DOCTYPE html>\n<html lang="zh-Hans">\n<head><meta charset="utf-8">'
          "<title>{{ .Title }}</title></head>\n<body>\n{{ block \"main\" . }}{{ end }}\n</body>\n</html>\n")
    write(hu / "layouts/_default/single.html",
          '{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}{{ end }}\n')
    write(hu / "layouts/_default/list.html",
          '{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}\n<ul>\n'
          '{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>\n{{ end }}</ul>{{ end }}\n')
    write(hu / "content/_index.md", '+++\ntitle = "心育基准测试课程"\n+++\n')
    for bi, band in enumerate(BAND_ORDER):
        write(hu / "content" / band / "_index.md",
              f'+++\ntitle = "{BANDS[band]["zh"]}"\nweight = {bi + 1}\n+++\n')
    for les in lessons:
        weight = TERMS.index(les.term) * 100000 + les.order
        write(hu / "content" / les.rel,
              f'+++\ntitle = "{les.title}"\nweight = {weight}\n+++\n\n' + bodies[les.rel])

    # --- mdBook
    write(md / "book.toml", "\n".join([
        "[book]", 'title = "心育基准测试课程"', 'language = "zh"', 'src = "src"', "",
        "# Search is on by default in mdBook's HTML renderer (like xinyu's search index).",
        "[output.html]", "",
    ]))
    summary = ["# 心育基准测试课程", ""]
    for band in BAND_ORDER:
        write(md / "src" / band / "index.md", f"# {BANDS[band]['zh']}\n")
        summary.append(f"- [{BANDS[band]['zh']}]({band}/index.md)")
        ordered = sorted(by_band[band], key=lambda l: (TERMS.index(l.term), l.order))
        for les in ordered:
            summary.append(f"  - [{les.title}]({les.rel})")
            write(md / "src" / les.rel, f"# {les.title}\n\n" + bodies[les.rel])
    write(md / "src" / "SUMMARY.md", "\n".join(summary) + "\n")
    total = sum(cjk_len(v) for v in bodies.values())
    print(f"{n} lessons ({total} CJK characters in bodies), {n_meet} meetings, "
          f"{n_hand} parent handouts -> {out}")


if __name__ == "__main__":
    main()
