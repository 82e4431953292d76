//! docs/import-columns.md, generated from the mapping so the two never disagree.

use crate::mapping::{Kind, Mapping};
use crate::validate::{FIRST_YEAR, MAX_NAME_CHARS};
use std::fmt::Write;

fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Uscc => "统一社会信用代码 USCC",
        Kind::Name => "名称 name",
        Kind::Text => "文本 text",
        Kind::Phone => "电话 phone",
        Kind::Email => "邮箱 e-mail",
        Kind::Region => "区划代码 region code",
        Kind::Industry => "行业代码 industry code",
        Kind::Date => "日期 date",
        Kind::Year => "年度 year",
        Kind::Count => "整数 whole number",
        Kind::Amount => "数值 number",
        Kind::Percent => "百分数 percentage",
    }
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e16 {
        let digits = format!("{}", x.abs() as u64);
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if x < 0.0 {
            format!("−{grouped}")
        } else {
            grouped
        }
    } else {
        x.to_string()
    }
}

impl Mapping {
    /// The mapping as a Markdown document (what `docs/import-columns.md` holds).
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let e = self.edition();
        let _ = writeln!(out, "# {} / {}\n", e.title, e.title_en);
        let _ = writeln!(
            out,
            "<!-- Generated from crates/import/data/columns.toml by the `docs` test of shangyun-import. \
             Edit the TOML, then run `SHANGYUN_BLESS=1 cargo test -p shangyun-import --test docs`. -->\n"
        );
        let _ = writeln!(out, "Edition `{}`.\n", e.id);
        out.push_str(
            "导入 CSV 或 XLSX 时，程序在前 20 行中寻找表头：第一行包含全部必需列的行，或识别出最多列的行（可以有标题行，\
             可以有两行合并表头）。列名比较前会统一全角/半角、去掉空格、换行、括号、`*`、冒号等，英文不分大小写。\
             无法识别的列会被忽略并在错误报告中列出（警告，不影响导入）；缺少必需列时整个文件不导入，并列出找到的列。\n\n\
             Importing a CSV or XLSX file, the header is looked for in the first 20 rows: the first row that names \
             every required column, or else the row naming the most columns (title rows and two-row merged headers \
             are fine). Headers are compared after folding full-width forms and removing spaces, line breaks, \
             brackets, `*` and colons; English is case-insensitive. Unknown columns are ignored and listed in the \
             error report (a warning); a missing required column stops the file, listing the columns found.\n\n",
        );
        out.push_str("## 列 / Columns\n\n");
        out.push_str("| 字段 field | 列名 header | 英文 English | 类型 kind | 必需 required | 单位 units | 范围 range |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for c in self.columns() {
            let units: Vec<String> = c
                .units
                .iter()
                .filter_map(|u| self.unit(u))
                .map(|u| u.label.clone())
                .collect();
            let range = match (c.min, c.max) {
                (Some(min), Some(max)) => format!("{} – {}", number(min), number(max)),
                (Some(min), None) => format!("≥ {}", number(min)),
                (None, Some(max)) => format!("≤ {}", number(max)),
                (None, None) => String::new(),
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | {} |",
                c.field.key(),
                c.zh,
                c.en,
                kind_label(c.kind),
                if c.required { "是 yes" } else { "" },
                units.join(", "),
                range
            );
        }
        out.push_str("\n## 列名写法 / Header spellings\n\n");
        out.push_str(
            "列名可以是下列任一写法，后面可接单位（如“营业收入(元)”“Revenue (yuan)”）。\
             没有单位时按“默认单位”读取；标 ⚠ 的列此时会给出警告，因为元与万元相差一万倍。\n\n\
             Any of these spellings, optionally followed by a unit (\"营业收入(元)\", \"Revenue (yuan)\"). \
             Without a unit the default unit is used; columns marked ⚠ then get a warning, since 元 and 万元 \
             differ by a factor of 10,000.\n\n",
        );
        for c in self.columns() {
            let _ = writeln!(out, "### {} — {} (`{}`)\n", c.zh, c.en, c.field.key());
            let names: Vec<String> = c.names.iter().map(|n| format!("`{n}`")).collect();
            let _ = writeln!(out, "- 列名 / headers: {}", names.join(", "));
            if let Some(bare) = c.bare_unit.as_deref().and_then(|u| self.unit(u)) {
                let _ = writeln!(
                    out,
                    "- 默认单位 / default unit: {}{}",
                    bare.label,
                    if c.warn_bare { " ⚠" } else { "" }
                );
            }
            for unit_id in &c.units {
                if let Some(unit) = self.unit(unit_id) {
                    let spellings: Vec<String> =
                        unit.spellings.iter().map(|s| format!("`{s}`")).collect();
                    let _ = writeln!(
                        out,
                        "- 单位 {} ({}) ×{}: {}",
                        unit.label,
                        unit.label_en,
                        unit.factor,
                        spellings.join(", ")
                    );
                }
            }
            if let Some(note) = &c.note_zh {
                let _ = writeln!(out, "- 说明：{note}");
            }
            if let Some(note) = &c.note_en {
                let _ = writeln!(out, "- Note: {note}");
            }
            out.push('\n');
        }
        let _ = write!(
            out,
            "## 单元格 / Cells\n\n\
             - 数字：`1234.5`、`1,234.5`、`1，234.5`（全角逗号）、全角数字、`(1,234)`（负数）、`1.5E+3`；\
             逗号不是千分位时（如 `1,23`）报错。单元格可带本列单位（`8500万元`、`12人`）。\
             `-`、`—`、`/`、`无`、`N/A` 视为空。\n\
             - Numbers: `1234.5`, `1,234.5`, full-width `1，234.5`, full-width digits, `(1,234)` (negative), \
             `1.5E+3`; commas that are not thousands separators (`1,23`) are an error. A cell may carry the \
             column's unit (`8500万元`, `12人`). `-`, `—`, `/`, `无`, `N/A` read as empty.\n\
             - 百分数：`35%`、`35`、Excel 百分比格式的 `0.35` 都是 35%。\n\
             - Percentages: `35%`, `35` and `0.35` in a percent-formatted Excel cell all mean 35 %.\n\
             - 日期：Excel 日期、Excel 序列号（`43832` = 2020-01-02）、`2020-01-02`、`2020/1/2`、`2020.1.2`、\
             `2020年1月2日`、`20200102`；只有年份（`2020`）报错。\n\
             - Dates: an Excel date, an Excel serial number (`43832` = 2020-01-02), `2020-01-02`, `2020/1/2`, \
             `2020.1.2`, `2020年1月2日`, `20200102`; a bare year (`2020`) is an error.\n\
             - 年度：{FIRST_YEAR} 至今年。Year: {FIRST_YEAR} to the current year.\n\
             - 企业名称不超过 {MAX_NAME_CHARS} 字。Names have at most {MAX_NAME_CHARS} characters.\n\n\
             ## 行间检查 / Checks across a row and across rows\n\n\
             - 研发人员 ≤ 从业人员；高价值Ⅰ类 ≤ Ⅰ类；主营业务收入 ≤ 营业收入；成立日期不晚于数据年度。\n\
             - R&D staff ≤ employees; high-value class I ≤ class I; main-business revenue ≤ revenue; founded no \
             later than the year of the figures.\n\
             - 同一文件中同一代码同一年度出现两次：数据完全相同时跳过后一行（警告），不同时后一行报错并指出第一行。\
             同一代码不同年度而名称、区划、行业或成立日期不同，也报错。\n\
             - The same USCC and year twice in a file: an identical later row is skipped (a warning); a \
             different one is an error naming the first row. The same USCC in another year with another name, \
             region, industry or founding date is an error too.\n\n\
             ## 错误报告 / Error report\n\n\
             每个问题一行，写在输入文件旁：`<文件名>.errors.xlsx` 和 `<文件名>.errors.csv`，列为行号、列、列名、值、\
             级别（错误/警告）、问题类型、原因（中文、英文）。有错误的行不导入，其余行照常导入。\n\n\
             One line per problem, beside the input: `<file>.errors.xlsx` and `<file>.errors.csv`, with row, \
             column, header, value, severity (error/warning), kind and reason (zh, en). Rows with errors are \
             not imported; all other rows are.\n"
        );
        out
    }
}
