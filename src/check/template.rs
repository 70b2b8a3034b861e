//! A blank plan template (`template: true`, 一生一策) must stay blank: a
//! filled-in plan is a student's sensitive personal data.

use crate::diagnostic::Diagnostic;

/// Labels of personal data on a 一生一策 form: after one of these, a
/// template has a blank (underscores, a placeholder in brackets, or
/// nothing), never a value.
const PERSONAL_FIELDS: &[&str] = &[
    "姓名",
    "学生姓名",
    "家长姓名",
    "监护人",
    "学号",
    "身份证号",
    "出生日期",
    "年龄",
    "班级",
    "联系电话",
    "电话",
    "家庭住址",
    "住址",
    "诊断",
    "风险等级",
    "评估分数",
    "量表得分",
    "就诊医院",
];

/// Personal data filled into a plan template (`template: true`): a
/// line `姓名：张小明` where the form wants `姓名：＿＿＿＿`.
pub(super) fn filled_in(path: &str, body: &crate::model::Body) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, line) in body.markdown.lines().enumerate() {
        // Table cells and list items both hold `label：value` pairs.
        for cell in line.split(['|', '；', ';']) {
            let cell = cell.trim().trim_start_matches(['-', '*', '+']).trim();
            let cell = cell.trim_start_matches("**");
            let Some((label, value)) = cell.split_once(['：', ':']) else {
                continue;
            };
            let label = label.trim().trim_end_matches("**").trim();
            if !PERSONAL_FIELDS.contains(&label) {
                continue;
            }
            let value = value.trim().trim_start_matches("**").trim();
            let blank = value.chars().all(|c| {
                c.is_whitespace()
                    || matches!(c, '_' | '＿' | '—' | '-' | '…' | '.' | '。' | '/' | '／')
            }) || (value.starts_with(['（', '(', '[', '【'])
                && value.ends_with(['）', ')', ']', '】']));
            if !blank {
                let col = line.chars().take_while(|c| c.is_whitespace()).count() + 1;
                out.push(
                    Diagnostic::error(
                        path,
                        body.first_line + i,
                        col,
                        format!("一生一策模板里填了个人信息：{label}：{value}"),
                    )
                    .with_len(line.trim().chars().count())
                    .with_hint(format!(
                        "模板只能留空白（例如 {label}：＿＿＿＿）；填好的个案计划属于学生的敏感个人信息，只能按学校规定保存在档案里，不能放进课程项目、网站或课程包"
                    )),
                );
            }
        }
    }
    out
}
