//! One synthetic enterprise and its yearly figures.

use crate::random::Random;
use crate::tables::{GIVEN, SURNAMES, SizeModel, TRADE_NAMES, industry_words, size_model, tables};
use chrono::{Datelike, NaiveDate};
use shangyun_registry::{AnnualFigures, Enterprise};
use shangyun_rules::codes::RegionList;
use shangyun_rules::ids::Uscc;

/// The last year with figures; the generator does not read the clock, so that a seed means
/// the same data on any day.
pub const LAST_YEAR: i32 = 2024;

const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The 8-character organization-code body, unique per index: `MA` + a scrambled index in
/// base 31 for enterprises registered since the 2015 reform, 8 digits (a bijection of the index)
/// for older ones.
fn org_body(index: u64, modern: bool) -> String {
    if modern {
        // 31⁶ = 887,503,681 codes; multiplying by a number prime to 31 scrambles the order
        // while staying a bijection, so codes look random yet never repeat.
        const SPACE: u64 = 887_503_681;
        let mut n = (index % SPACE)
            .wrapping_mul(7_919_333)
            .wrapping_add(123_456_789)
            % SPACE;
        let mut tail = [b'0'; 6];
        for slot in tail.iter_mut().rev() {
            *slot = USCC_ALPHABET[(n % 31) as usize];
            n /= 31;
        }
        format!("MA{}", String::from_utf8_lossy(&tail))
    } else {
        // 48_271 is odd and not divisible by 5, so i ↦ i·48271 + 12345 (mod 10⁸) is a bijection.
        format!("{:08}", (index.wrapping_mul(48_271) + 12_345) % 100_000_000)
    }
}

/// The short place name a company name starts with: the prefecture (深圳), or for a
/// municipality the province (北京).
fn place_name(county: &shangyun_rules::codes::Region) -> String {
    let regions = RegionList::embedded();
    let parent = regions.parent(county);
    let name = parent.map_or(county.name(), |p| p.name());
    let trimmed = [
        "市",
        "地区",
        "盟",
        "自治州",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
        "省",
        "县",
    ]
    .iter()
    .find_map(|suffix| name.strip_suffix(suffix))
    .unwrap_or(name);
    // 自治州 names keep their ethnic prefix; long names are cut to a usual short form.
    let short: String = if trimmed.chars().count() > 4 {
        trimmed.chars().take(2).collect()
    } else {
        trimmed.to_string()
    };
    if short.chars().count() < 2 {
        name.to_string()
    } else {
        short
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

pub(crate) fn make(seed: u64, index: u64) -> (Enterprise, Vec<AnnualFigures>) {
    let t = tables();
    let mut r = Random::for_item(seed, index);

    let province = &t.provinces[r.weighted(&t.province_weights)];
    let county = province.counties[r.below(province.counties.len())];
    let (section, classes) = &t.sections[r.weighted(&t.section_weights)];
    let class = &classes[r.below(classes.len())];

    // Age: most SMEs are young; log-normal around 7 years, 1–40.
    let age = r.lognormal(7.0, 0.8).clamp(1.0, 40.0) as i32;
    let founded_year = LAST_YEAR - age + 1;
    let founded = NaiveDate::from_ymd_opt(founded_year, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new(r.below(365) as u64)))
        .unwrap_or_default();
    let modern = founded.year() >= 2016;

    let uscc = Uscc::compose('9', '1', county.code(), &org_body(index, modern))
        .map(|u| u.as_str().to_string())
        .unwrap_or_default();

    let place = place_name(county);
    let trade = r.pick(&TRADE_NAMES).copied().unwrap_or("华创");
    let word = r
        .pick(industry_words(*section, class))
        .copied()
        .unwrap_or("科技");
    let name = format!("{place}{trade}{word}有限公司");

    let operating_region = if r.chance(0.1) {
        let other = province.counties[r.below(province.counties.len())];
        (other.code() != county.code()).then(|| other.code().to_string())
    } else {
        None
    };
    let contact_name = r.chance(0.9).then(|| {
        format!(
            "{}{}",
            r.pick(&SURNAMES).copied().unwrap_or("王"),
            r.pick(&GIVEN).copied().unwrap_or("伟")
        )
    });
    let contact_phone = r.chance(0.85).then(|| {
        let prefix = [
            "138", "139", "137", "136", "150", "151", "158", "186", "188", "189",
        ];
        format!(
            "{}{:08}",
            r.pick(&prefix).copied().unwrap_or("138"),
            r.below(100_000_000)
        )
    });
    let contact_email = r.chance(0.4).then(|| format!("contact{index}@example.cn"));

    let enterprise = Enterprise {
        uscc: uscc.clone(),
        name,
        registered_region: county.code().to_string(),
        operating_region,
        industry: class.clone(),
        founded: Some(founded),
        contact_name,
        contact_phone,
        contact_email,
    };
    let figures = years(&mut r, &uscc, founded.year(), size_model(*section, class));
    (enterprise, figures)
}

/// Two or three consecutive years up to [`LAST_YEAR`] (fewer for a firm founded since),
/// grown backwards from the last year.
fn years(r: &mut Random, uscc: &str, founded_year: i32, m: SizeModel) -> Vec<AnnualFigures> {
    let wanted = if r.chance(0.5) { 3 } else { 2 };
    let first = (LAST_YEAR - wanted + 1).max(founded_year);
    let employees_last = r
        .lognormal(m.employees_median, m.employees_sigma)
        .clamp(1.0, 50_000.0);
    let revenue_last = employees_last * r.lognormal(m.revenue_per_employee, 0.6);
    let rd_intensity = if m.rd_intensity > 0.0 && r.chance(0.7) {
        r.lognormal(m.rd_intensity, 0.7).min(0.5)
    } else {
        0.0
    };
    let rd_share = if rd_intensity > 0.0 {
        r.lognormal(0.1, 0.5).min(0.6)
    } else {
        0.0
    };
    let asset_ratio = r.lognormal(0.8, 0.5);
    let margin = 0.05 + 0.08 * r.normal();
    let debt_ratio = (50.0 + 18.0 * r.normal()).clamp(5.0, 95.0);
    let main_share = 0.85 + 0.15 * r.unit();
    let ip_rate = rd_intensity * revenue_last / 200.0; // about one class I IP per 200 万元 of R&D

    let mut out = Vec::new();
    let (mut employees, mut revenue) = (employees_last, revenue_last);
    for year in (first..=LAST_YEAR).rev() {
        let employees_i = employees.round().max(1.0) as i64;
        let revenue_y = round2(revenue.max(0.01));
        let ip1 = (ip_rate * r.lognormal(1.0, 0.5)).floor() as i64;
        let figures = AnnualFigures {
            uscc: uscc.to_string(),
            year,
            employees: Some(employees_i),
            revenue: Some(revenue_y),
            main_business_revenue: Some(round2(revenue_y * main_share)),
            assets: Some(round2(revenue_y * asset_ratio)),
            rd_spend: Some(round2(revenue_y * rd_intensity)),
            rd_staff: Some(((employees_i as f64) * rd_share).floor() as i64),
            net_profit: Some(round2(revenue_y * (margin + 0.02 * r.normal()))),
            debt_ratio: Some(round2((debt_ratio + 3.0 * r.normal()).clamp(1.0, 99.0))),
            ip_class1: Some(ip1),
            ip_class1_high_value: Some((ip1 as f64 * 0.3 * r.unit()).floor() as i64),
            ip_class2: Some((ip_rate * 3.0 * r.lognormal(1.0, 0.6)).floor() as i64),
            energy_kwh: Some(round2(revenue_y * r.lognormal(m.kwh_per_wan, 0.5))),
        };
        out.push(figures);
        // One year back: undo a growth of about 8 % (±15 %) in revenue, 3 % in staff.
        revenue /= (1.08 + 0.15 * r.normal()).max(0.5);
        employees /= (1.03 + 0.08 * r.normal()).max(0.7);
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_bodies_are_unique_and_in_the_alphabet() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..50_000 {
            for modern in [true, false] {
                let body = org_body(i, modern);
                assert_eq!(body.len(), 8);
                assert!(body.bytes().all(|b| USCC_ALPHABET.contains(&b)), "{body}");
                assert!(seen.insert(body));
            }
        }
    }

    #[test]
    fn place_names_are_short() {
        let regions = RegionList::embedded();
        let nanshan = regions.find("440305");
        assert_eq!(nanshan.map(place_name).as_deref(), Some("深圳"));
        let dongcheng = regions.find("110101");
        assert_eq!(dongcheng.map(place_name).as_deref(), Some("北京"));
    }
}
