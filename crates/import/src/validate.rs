//! One row to one record: every bound cell parsed by its column's kind, checked against the
//! code lists and plausible ranges, then the figures checked against each other.

use crate::field::Field;
use crate::header::HeaderInfo;
use crate::issue::{CellError, ColumnRef, IssueKind, Reason};
use crate::mapping::{ColumnSpec, Kind, Mapping};
use crate::parse::{self, Problem};
use chrono::{Datelike, NaiveDate};
use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_rules::codes::{
    IndustryCodeError, IndustryLevel, IndustryList, RegionList, RegionStatus,
};
use shangyun_rules::ids::{IdError, Uscc};
use shangyun_sheets::{Cell, Row};

/// The oldest year figures are accepted for.
pub const FIRST_YEAR: i32 = 1990;
/// The longest enterprise name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// Values longer than this are cut in reports.
const MAX_VALUE_CHARS: usize = 200;

/// A parsed cell value.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Date(NaiveDate),
    Year(i32),
    Number(f64),
}

/// A bound column with what is needed to read it.
struct Bound<'a> {
    index: usize,
    column: ColumnRef,
    spec: &'a ColumnSpec,
    factor: f64,
    /// Unit spellings a cell may end with.
    suffixes: Vec<String>,
}

/// The parts of a row's outcome before duplicate checks.
pub(crate) struct Checked {
    pub(crate) record: Option<(Enterprise, Option<AnnualFigures>)>,
    pub(crate) errors: Vec<CellError>,
    pub(crate) warnings: Vec<CellError>,
}

pub(crate) struct RowValidator<'a> {
    bound: Vec<Bound<'a>>,
    by_field: [Option<usize>; Field::ALL.len()],
    regions: &'a RegionList,
    industries: &'a IndustryList,
    today: NaiveDate,
    default_year: Option<i32>,
}

/// The cell's value as the user would read it, cut to a readable length.
pub(crate) fn shown(cell: &Cell) -> String {
    let text = cell.to_string();
    if text.chars().count() > MAX_VALUE_CHARS {
        let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
        format!("{cut}…（共 {} 字）", text.chars().count())
    } else {
        text
    }
}

impl<'a> RowValidator<'a> {
    pub(crate) fn new(
        mapping: &'a Mapping,
        header: &HeaderInfo,
        regions: &'a RegionList,
        industries: &'a IndustryList,
        today: NaiveDate,
        default_year: Option<i32>,
    ) -> RowValidator<'a> {
        let mut by_field = [None; Field::ALL.len()];
        let bound = header
            .columns
            .iter()
            .enumerate()
            .map(|(i, b)| {
                by_field[b.field.index()] = Some(i);
                let suffixes = b
                    .unit
                    .as_deref()
                    .and_then(|u| mapping.unit(u))
                    .map(|u| {
                        let mut s: Vec<String> = u.spellings.clone();
                        s.push(u.label.clone());
                        s.sort_by_key(|s| std::cmp::Reverse(s.len()));
                        s
                    })
                    .unwrap_or_default();
                Bound {
                    index: b.index,
                    column: b.column.clone(),
                    spec: mapping.column(b.field),
                    factor: b.factor,
                    suffixes,
                }
            })
            .collect();
        RowValidator {
            bound,
            by_field,
            regions,
            industries,
            today,
            default_year,
        }
    }

    fn issue(&self, row: &Row, bound: &Bound<'_>, problem: Problem) -> CellError {
        CellError {
            row: row.number,
            column: Some(bound.column.clone()),
            value: shown(row.cell(bound.index)),
            kind: problem.kind,
            reason: problem.reason,
        }
    }

    fn bound_of(&self, field: Field) -> Option<&Bound<'a>> {
        self.by_field[field.index()].map(|i| &self.bound[i])
    }

    fn issue_at(&self, row: usize, bound: &Bound<'_>, cell: &Cell, problem: Problem) -> CellError {
        CellError {
            row,
            column: Some(bound.column.clone()),
            value: shown(cell),
            kind: problem.kind,
            reason: problem.reason,
        }
    }

    /// Checks a row; text cells are moved out of it into the record.
    pub(crate) fn check(&self, row: &mut Row) -> Checked {
        let mut values: [Option<Value>; Field::ALL.len()] = Default::default();
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let number = row.number;
        for bound in &self.bound {
            let mut absent = Cell::Empty;
            let cell = row.cells.get_mut(bound.index).unwrap_or(&mut absent);
            let result = self.read(bound, cell, &mut |p, c| {
                warnings.push(self.issue_at(number, bound, c, p));
            });
            match result {
                Ok(Some(value)) => values[bound.spec.field.index()] = Some(value),
                Ok(None) if bound.spec.required => errors.push(self.issue_at(
                    number,
                    bound,
                    cell,
                    Problem::new(
                        IssueKind::Missing,
                        format!("必填项“{}”为空", bound.spec.zh),
                        format!("{} is required", bound.spec.en),
                    ),
                )),
                Ok(None) => {}
                Err(problem) => errors.push(self.issue_at(number, bound, cell, problem)),
            }
        }
        self.cross_check(row, &values, &mut errors);
        if !errors.is_empty() {
            return Checked {
                record: None,
                errors,
                warnings,
            };
        }
        let record = self.assemble(row, values, &mut errors);
        Checked {
            record: if errors.is_empty() { record } else { None },
            errors,
            warnings,
        }
    }

    /// Parses one cell by its column's kind. `warn` receives findings that keep the value,
    /// with the cell as it was. Text is moved out of the cell once it has been checked.
    fn read(
        &self,
        bound: &Bound<'_>,
        cell: &mut Cell,
        warn: &mut dyn FnMut(Problem, &Cell),
    ) -> Result<Option<Value>, Problem> {
        let spec = bound.spec;
        match spec.kind {
            Kind::Name => return read_name(cell),
            Kind::Text => return Ok(parse::take_text(cell)?.map(Value::Text)),
            Kind::Phone | Kind::Email => {
                let looks_right = match parse::peek(cell)? {
                    None => return Ok(None),
                    Some(t) if spec.kind == Kind::Phone => looks_like_phone(&t),
                    Some(t) => looks_like_email(&t),
                };
                if !looks_right {
                    let problem = if spec.kind == Kind::Phone {
                        Problem::new(
                            IssueKind::Suspicious,
                            "不像电话号码（已保留原值）",
                            "does not look like a phone number (kept as given)",
                        )
                    } else {
                        Problem::new(
                            IssueKind::Suspicious,
                            "不像电子邮箱地址（已保留原值）",
                            "does not look like an e-mail address (kept as given)",
                        )
                    };
                    warn(problem, cell);
                }
                return Ok(parse::take_text(cell)?.map(Value::Text));
            }
            _ => {}
        }
        let cell: &Cell = cell;
        let warn = &mut |p: Problem| warn(p, cell);
        match spec.kind {
            Kind::Uscc => self.read_uscc(cell, warn),
            Kind::Name | Kind::Text | Kind::Phone | Kind::Email => Ok(None), // handled above
            Kind::Region => self.read_region(cell, warn),
            Kind::Industry => self.read_industry(cell, warn),
            Kind::Date => {
                let Some(date) = parse::date(cell)? else {
                    return Ok(None);
                };
                if date > self.today {
                    return Err(Problem::new(
                        IssueKind::InvalidDate,
                        format!("日期晚于今天（{}）", self.today),
                        format!("the date is after today ({})", self.today),
                    ));
                }
                Ok(Some(Value::Date(date)))
            }
            Kind::Year => {
                let Some(year) = parse::year(cell)? else {
                    return Ok(None);
                };
                let last = self.today.year();
                if !(FIRST_YEAR..=last).contains(&year) {
                    return Err(Problem::new(
                        IssueKind::InvalidYear,
                        format!("年度 {year} 不在 {FIRST_YEAR}–{last} 之间"),
                        format!("year {year} is not between {FIRST_YEAR} and {last}"),
                    ));
                }
                Ok(Some(Value::Year(year)))
            }
            Kind::Count => {
                let Some(n) = parse::whole(cell, &bound.suffixes)? else {
                    return Ok(None);
                };
                in_range(spec, n * bound.factor).map(|v| Some(Value::Number(v)))
            }
            Kind::Amount => {
                let Some(n) = parse::number(cell, &bound.suffixes)? else {
                    return Ok(None);
                };
                if n.percent {
                    return Err(Problem::new(
                        IssueKind::NotANumber,
                        "应为金额或数量，不是百分数",
                        "expected an amount, not a percentage",
                    ));
                }
                // Rounded to 1e-6 of the unit (0.01 元 for 万元) so 元 → 万元 leaves no noise.
                let value = (n.value * bound.factor * 1e6).round() / 1e6;
                in_range(spec, value).map(|v| Some(Value::Number(v)))
            }
            Kind::Percent => {
                let Some(n) = parse::number(cell, &bound.suffixes)? else {
                    return Ok(None);
                };
                if !n.percent && n.value > 0.0 && n.value < 1.0 {
                    warn(Problem::new(
                        IssueKind::Suspicious,
                        format!(
                            "按 {}% 读取；如果是 {}%，请写作 {} 或 {}%",
                            n.value,
                            n.value * 100.0,
                            n.value * 100.0,
                            n.value * 100.0
                        ),
                        format!(
                            "read as {}%; if {}% is meant, write {} or {}%",
                            n.value,
                            n.value * 100.0,
                            n.value * 100.0,
                            n.value * 100.0
                        ),
                    ));
                }
                let value = (n.value * 1e6).round() / 1e6;
                in_range(spec, value).map(|v| Some(Value::Number(v)))
            }
        }
    }

    fn read_uscc(
        &self,
        cell: &Cell,
        warn: &mut dyn FnMut(Problem),
    ) -> Result<Option<Value>, Problem> {
        let text = match cell {
            Cell::Number(n) => return Err(uscc_as_number(&format!("{n:.5E}"))),
            Cell::Percent(_) | Cell::Date(_) | Cell::Bool(_) => {
                return Err(Problem::new(
                    IssueKind::InvalidUscc,
                    "不是统一社会信用代码",
                    "not a USCC",
                ));
            }
            Cell::Error(code) => return Err(parse::formula_error(code)),
            Cell::Empty => return Ok(None),
            Cell::Text(t) => t.trim(),
        };
        if text.is_empty() {
            return Ok(None);
        }
        if looks_scientific(text) {
            return Err(uscc_as_number(text));
        }
        let uscc = Uscc::parse(text).map_err(|e| uscc_error(&e))?;
        for w in uscc.warnings() {
            warn(Problem::new(
                IssueKind::UsccNote,
                w.message_zh(),
                w.message_en(),
            ));
        }
        let region = uscc.region_code();
        match self.regions.status(region) {
            RegionStatus::Current => {}
            RegionStatus::Retired { retired_by_edition } => warn(Problem::new(
                IssueKind::UsccNote,
                format!(
                    "代码中的行政区划码 {region} 已撤销（{retired_by_edition}），代码终身不变，仍然有效"
                ),
                format!(
                    "the region part {region} has been retired ({retired_by_edition}); the code stays valid for life"
                ),
            )),
            RegionStatus::Unknown => warn(Problem::new(
                IssueKind::UsccNote,
                format!(
                    "代码第 3–8 位 {region} 不在行政区划代码表中（可能是已撤销的旧代码），请核对"
                ),
                format!(
                    "positions 3-8 ({region}) are not in the region list (perhaps a code retired long ago): please check"
                ),
            )),
        }
        Ok(Some(Value::Text(uscc.as_str().to_string())))
    }

    fn read_region(
        &self,
        cell: &Cell,
        warn: &mut dyn FnMut(Problem),
    ) -> Result<Option<Value>, Problem> {
        let Some((text, _)) = parse::code(cell)? else {
            return Ok(None);
        };
        let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
        let next = text.chars().nth(digits.len());
        if digits.len() != 6 || next.is_some_and(|c| c.is_ascii_digit()) {
            return Err(Problem::new(
                IssueKind::InvalidRegion,
                "应为 6 位行政区划代码（GB/T 2260），如 440305",
                "expected a 6-digit GB/T 2260 region code, e.g. 440305",
            ));
        }
        match self.regions.status(&digits) {
            RegionStatus::Current => {}
            RegionStatus::Retired { retired_by_edition } => warn(Problem::new(
                IssueKind::RetiredRegion,
                format!("区划代码已撤销（{retired_by_edition}），照常导入并标记"),
                format!("retired region code ({retired_by_edition}): imported and flagged"),
            )),
            RegionStatus::Unknown => {
                return Err(Problem::new(
                    IssueKind::InvalidRegion,
                    format!("不在行政区划代码表中（{}）", self.regions.edition()),
                    format!("not in the region list ({})", self.regions.edition()),
                ));
            }
        }
        Ok(Some(Value::Text(digits)))
    }

    fn read_industry(
        &self,
        cell: &Cell,
        warn: &mut dyn FnMut(Problem),
    ) -> Result<Option<Value>, Problem> {
        let Some((text, from_number)) = parse::code(cell)? else {
            return Ok(None);
        };
        let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        // Excel drops the leading zero of 0111 (agriculture, divisions 01–05) when the column
        // is not text: an odd digit count from a number cell gets one zero back.
        if from_number && text.len() % 2 == 1 {
            let padded = format!("0{text}");
            if let Ok(node) = self.industries.get(&padded) {
                warn(Problem::new(
                    IssueKind::LeadingZeroRestored,
                    format!(
                        "Excel 把行业代码存成了数字 {text}，已补回前导零读作 {padded}（{}）；如不对，请把该列设为文本后重填",
                        node.name()
                    ),
                    format!(
                        "Excel stored the industry code as the number {text}; read as {padded} ({}) with its leading zero restored; if wrong, format the column as Text and re-enter it",
                        node.name()
                    ),
                ));
                return Ok(Some(Value::Text(node.standard_code().to_string())));
            }
        }
        match self.industries.get(&text) {
            Ok(node) if node.level() == IndustryLevel::Section => Err(Problem::new(
                IssueKind::InvalidIndustry,
                format!("只有门类 {}，请至少填写 2 位大类代码", node.section()),
                format!(
                    "section {} only: give at least the 2-digit division",
                    node.section()
                ),
            )),
            Ok(node) => Ok(Some(Value::Text(node.standard_code().to_string()))),
            Err(e) => Err(industry_error(&e, self.industries.edition())),
        }
    }

    fn cross_check(&self, row: &Row, values: &[Option<Value>], errors: &mut Vec<CellError>) {
        let number = |f: Field| match values[f.index()] {
            Some(Value::Number(n)) => Some(n),
            _ => None,
        };
        let mut inconsistent = |field: Field, zh: String, en: String| {
            if let Some(bound) = self.bound_of(field) {
                errors.push(self.issue(row, bound, Problem::new(IssueKind::Inconsistent, zh, en)));
            }
        };
        if let (Some(rd), Some(all)) = (number(Field::RdStaff), number(Field::Employees))
            && rd > all
        {
            inconsistent(
                Field::RdStaff,
                format!("研发人员 {rd} 多于从业人员 {all}"),
                format!("R&D staff {rd} exceed employees {all}"),
            );
        }
        if let (Some(high), Some(all)) = (number(Field::IpClass1HighValue), number(Field::IpClass1))
            && high > all
        {
            inconsistent(
                Field::IpClass1HighValue,
                format!("高价值Ⅰ类知识产权 {high} 多于Ⅰ类知识产权 {all}"),
                format!("high-value class I IP {high} exceeds class I IP {all}"),
            );
        }
        if let (Some(main), Some(all)) =
            (number(Field::MainBusinessRevenue), number(Field::Revenue))
            && main > all * 1.005 + 0.01
        {
            inconsistent(
                Field::MainBusinessRevenue,
                format!("主营业务收入 {main} 万元大于营业收入 {all} 万元"),
                format!("main-business revenue {main} exceeds revenue {all} (10k yuan)"),
            );
        }
        let year = match values[Field::Year.index()] {
            Some(Value::Year(y)) => Some(y),
            _ => self.default_year,
        };
        if let (Some(Value::Date(founded)), Some(year)) = (&values[Field::Founded.index()], year)
            && founded.year() > year
        {
            inconsistent(
                Field::Founded,
                format!("成立日期 {founded} 晚于数据年度 {year}"),
                format!("founded {founded}, after the year of the figures {year}"),
            );
        }
    }

    fn assemble(
        &self,
        row: &Row,
        mut values: [Option<Value>; Field::ALL.len()],
        errors: &mut Vec<CellError>,
    ) -> Option<(Enterprise, Option<AnnualFigures>)> {
        let mut take_text = |f: Field| match values[f.index()].take() {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        };
        let uscc = take_text(Field::Uscc)?;
        let name = take_text(Field::Name)?;
        let registered_region = take_text(Field::RegisteredRegion)?;
        let industry = take_text(Field::Industry)?;
        let operating_region = take_text(Field::OperatingRegion);
        let contact_name = take_text(Field::ContactName);
        let contact_phone = take_text(Field::ContactPhone);
        let contact_email = take_text(Field::ContactEmail);
        let enterprise = Enterprise {
            uscc: uscc.clone(),
            name,
            registered_region,
            operating_region,
            industry,
            founded: match values[Field::Founded.index()] {
                Some(Value::Date(d)) => Some(d),
                _ => None,
            },
            contact_name,
            contact_phone,
            contact_email,
        };
        let number = |f: Field| match values[f.index()] {
            Some(Value::Number(n)) => Some(n),
            _ => None,
        };
        let count = |f: Field| number(f).map(|n| n as i64);
        let figures = AnnualFigures {
            uscc,
            year: 0,
            employees: count(Field::Employees),
            revenue: number(Field::Revenue),
            main_business_revenue: number(Field::MainBusinessRevenue),
            assets: number(Field::Assets),
            rd_spend: number(Field::RdSpend),
            rd_staff: count(Field::RdStaff),
            net_profit: number(Field::NetProfit),
            debt_ratio: number(Field::DebtRatio),
            ip_class1: count(Field::IpClass1),
            ip_class1_high_value: count(Field::IpClass1HighValue),
            ip_class2: count(Field::IpClass2),
            energy_kwh: number(Field::EnergyKwh),
        };
        let has_figures = Field::ALL
            .iter()
            .any(|f| f.is_figure() && values[f.index()].is_some());
        let year = match values[Field::Year.index()] {
            Some(Value::Year(y)) => Some(y),
            _ => self.default_year,
        };
        let figures = match (has_figures, year) {
            (false, _) => None,
            (true, Some(year)) => Some(AnnualFigures { year, ..figures }),
            (true, None) => {
                let (column, value) = match self.bound_of(Field::Year) {
                    Some(b) => (Some(b.column.clone()), shown(row.cell(b.index))),
                    None => (None, String::new()),
                };
                errors.push(CellError {
                    row: row.number,
                    column,
                    value,
                    kind: IssueKind::Missing,
                    reason: Reason::new(
                        "本行有经营数据但没有年度",
                        "the row has figures but no year",
                    ),
                });
                None
            }
        };
        Some((enterprise, figures))
    }
}

fn in_range(spec: &ColumnSpec, value: f64) -> Result<f64, Problem> {
    let below = spec.min.is_some_and(|min| value < min);
    let above = spec.max.is_some_and(|max| value > max);
    if below && spec.min == Some(0.0) {
        return Err(Problem::new(
            IssueKind::OutOfRange,
            format!("{}不能为负数", spec.zh),
            format!("{} cannot be negative", spec.en),
        ));
    }
    if below || above {
        let (min, max) = (spec.min.unwrap_or(f64::MIN), spec.max.unwrap_or(f64::MAX));
        return Err(Problem::new(
            IssueKind::OutOfRange,
            format!(
                "{} {value} 不合常理（应在 {min}–{max} 之间），请核对单位和数值",
                spec.zh
            ),
            format!(
                "{} {value} is implausible (expected {min} to {max}): check the value and its unit",
                spec.en
            ),
        ));
    }
    Ok(value)
}

fn read_name(cell: &mut Cell) -> Result<Option<Value>, Problem> {
    let Some(name) = parse::peek(cell)? else {
        return Ok(None);
    };
    if name.contains(['\n', '\r']) {
        return Err(Problem::new(
            IssueKind::InvalidText,
            "企业名称中有换行",
            "the name contains a line break",
        ));
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(Problem::new(
            IssueKind::InvalidText,
            format!("企业名称过长（{chars} 字，最多 {MAX_NAME_CHARS} 字）"),
            format!("the name is too long ({chars} characters, at most {MAX_NAME_CHARS})"),
        ));
    }
    Ok(parse::take_text(cell)?.map(Value::Text))
}

/// `9.11101E+17`, `9.1E17`: what Excel shows for a long number.
fn looks_scientific(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let Some((mantissa, exponent)) = upper.split_once('E') else {
        return false;
    };
    let exponent = exponent.trim_start_matches('+');
    !mantissa.is_empty()
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

fn uscc_as_number(shown: &str) -> Problem {
    Problem::new(
        IssueKind::UsccStoredAsNumber,
        format!(
            "统一社会信用代码被 Excel 存成了数字（{shown}），只保留了 15 位有效数字，代码已丢失：请把该列设为“文本”格式后重新录入（或从营业执照复制）"
        ),
        format!(
            "Excel stored the USCC as a number ({shown}) and kept only 15 significant digits, so the code is lost: format the column as Text and enter the code again (or copy it from the business licence)"
        ),
    )
}

fn uscc_error(e: &IdError) -> Problem {
    Problem::new(IssueKind::InvalidUscc, e.message_zh(), e.message_en())
}

fn industry_error(e: &IndustryCodeError, edition: &str) -> Problem {
    match e {
        IndustryCodeError::SectionMismatch {
            digits,
            given,
            actual,
            ..
        } => Problem::new(
            IssueKind::InvalidIndustry,
            format!("门类字母 {given} 与代码 {digits} 不符（应为 {actual}）"),
            format!("section letter {given} does not match {digits} (it is in section {actual})"),
        ),
        IndustryCodeError::NotFound { .. } => Problem::new(
            IssueKind::InvalidIndustry,
            format!("不在国民经济行业分类中（{edition}）"),
            format!("not in the industry classification ({edition})"),
        ),
        IndustryCodeError::Empty | IndustryCodeError::Malformed { .. } => Problem::new(
            IssueKind::InvalidIndustry,
            "不是行业代码：应为 2–4 位数字，可带门类字母，如 3911 或 C3911",
            "not an industry code: 2 to 4 digits, optionally after the section letter, e.g. 3911 or C3911",
        ),
    }
}

fn looks_like_phone(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    digits >= 5
        && p.chars().all(|c| {
            c.is_ascii_digit()
                || c.is_whitespace()
                || matches!(
                    c,
                    '+' | '-'
                        | '('
                        | ')'
                        | '（'
                        | '）'
                        | '转'
                        | '、'
                        | ','
                        | '，'
                        | '/'
                        | ';'
                        | '；'
                )
                || c.eq_ignore_ascii_case(&'e')
                || c.eq_ignore_ascii_case(&'x')
                || c.eq_ignore_ascii_case(&'t')
        })
}

fn looks_like_email(e: &str) -> bool {
    match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !e.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_is_recognised() {
        assert!(looks_scientific("9.11101E+17"));
        assert!(looks_scientific("9.1e17"));
        assert!(!looks_scientific("91350100M000100Y43"));
        assert!(!looks_scientific("E17"));
    }

    #[test]
    fn phones_and_emails() {
        assert!(looks_like_phone("0591-87654321"));
        assert!(looks_like_phone("+86 138 0000 0001"));
        assert!(looks_like_phone("010-62000000转8001"));
        assert!(!looks_like_phone("找前台"));
        assert!(!looks_like_phone("123"));
        assert!(looks_like_email("a.b@example.cn"));
        assert!(!looks_like_email("a.b.example.cn"));
        assert!(!looks_like_email("a@b"));
    }
}
