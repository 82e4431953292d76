//! The shape of the synthetic registry: how enterprises spread over provinces and industries,
//! how big they are per industry group, and the words their names are made of.
//!
//! The weights are rough, for realism in demos and benchmarks only — not statistics to quote.
//! Province weights follow the order of magnitude of registered enterprises per province
//! (广东, 江苏, 浙江, 山东 lead; 西藏, 青海, 宁夏 trail); 港澳台 are left out (no USCC there).

use crate::random::cumulative;
use shangyun_rules::codes::{IndustryLevel, IndustryList, Region, RegionLevel, RegionList};
use std::sync::OnceLock;

/// (province code, weight).
const PROVINCES: [(&str, f64); 31] = [
    ("440000", 14.0), // 广东
    ("320000", 11.0), // 江苏
    ("330000", 9.5),  // 浙江
    ("370000", 9.0),  // 山东
    ("410000", 5.0),  // 河南
    ("130000", 4.5),  // 河北
    ("510000", 4.5),  // 四川
    ("420000", 4.0),  // 湖北
    ("350000", 4.0),  // 福建
    ("340000", 4.0),  // 安徽
    ("430000", 3.5),  // 湖南
    ("310000", 3.0),  // 上海
    ("110000", 3.0),  // 北京
    ("210000", 2.2),  // 辽宁
    ("610000", 2.2),  // 陕西
    ("360000", 2.2),  // 江西
    ("500000", 2.2),  // 重庆
    ("450000", 2.0),  // 广西
    ("530000", 2.0),  // 云南
    ("140000", 1.8),  // 山西
    ("520000", 1.5),  // 贵州
    ("120000", 1.2),  // 天津
    ("150000", 1.1),  // 内蒙古
    ("230000", 1.1),  // 黑龙江
    ("220000", 1.0),  // 吉林
    ("650000", 1.0),  // 新疆
    ("620000", 0.9),  // 甘肃
    ("460000", 0.8),  // 海南
    ("640000", 0.3),  // 宁夏
    ("630000", 0.25), // 青海
    ("540000", 0.2),  // 西藏
];

/// (section, weight): manufacturing and trade dominate the SME population.
const SECTIONS: [(char, f64); 17] = [
    ('C', 0.34),
    ('F', 0.24),
    ('L', 0.08),
    ('I', 0.06),
    ('M', 0.05),
    ('E', 0.05),
    ('G', 0.04),
    ('H', 0.04),
    ('A', 0.03),
    ('K', 0.02),
    ('O', 0.015),
    ('R', 0.015),
    ('N', 0.01),
    ('B', 0.005),
    ('D', 0.005),
    ('P', 0.005),
    ('Q', 0.005),
];

/// How big enterprises of an industry group are: log-normal employees and revenue per
/// employee, R&D intensity and energy intensity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SizeModel {
    /// Median employees.
    pub(crate) employees_median: f64,
    /// Log-scale spread of employees.
    pub(crate) employees_sigma: f64,
    /// Median revenue per employee, 万元.
    pub(crate) revenue_per_employee: f64,
    /// Median R&D spend as a share of revenue (0 = none).
    pub(crate) rd_intensity: f64,
    /// Median energy use, kWh per 万元 of revenue.
    pub(crate) kwh_per_wan: f64,
}

const fn model(
    employees_median: f64,
    employees_sigma: f64,
    revenue_per_employee: f64,
    rd_intensity: f64,
    kwh_per_wan: f64,
) -> SizeModel {
    SizeModel {
        employees_median,
        employees_sigma,
        revenue_per_employee,
        rd_intensity,
        kwh_per_wan,
    }
}

/// The size model of an industry class (4 digits) in a section.
pub(crate) fn size_model(section: char, class: &str) -> SizeModel {
    match (section, class.get(..2).unwrap_or("")) {
        ('A', _) => model(6.0, 0.9, 40.0, 0.002, 150.0),
        ('B', _) => model(30.0, 1.0, 80.0, 0.005, 500.0),
        ('C', _) => model(22.0, 1.1, 60.0, 0.025, 300.0),
        ('D', _) => model(25.0, 1.0, 150.0, 0.005, 200.0),
        ('E', _) => model(20.0, 1.0, 80.0, 0.003, 30.0),
        ('F', "51") => model(6.0, 0.9, 250.0, 0.001, 10.0),
        ('F', _) => model(5.0, 0.8, 60.0, 0.0, 20.0),
        ('G', _) => model(12.0, 1.0, 40.0, 0.002, 80.0),
        ('H', _) => model(10.0, 0.8, 15.0, 0.0, 100.0),
        ('I', _) => model(12.0, 1.0, 35.0, 0.08, 20.0),
        ('K', _) => model(10.0, 1.0, 150.0, 0.0, 20.0),
        ('L', _) => model(6.0, 0.9, 40.0, 0.002, 10.0),
        ('M', _) => model(10.0, 0.9, 30.0, 0.06, 20.0),
        _ => model(8.0, 0.8, 20.0, 0.005, 30.0),
    }
}

/// The industry part of a company name.
pub(crate) fn industry_words(section: char, class: &str) -> &'static [&'static str] {
    let division: u32 = class.get(..2).and_then(|d| d.parse().ok()).unwrap_or(0);
    match section {
        'A' => &["农业科技", "生态农业", "种植专业", "养殖"],
        'B' => &["矿业", "石材"],
        'C' => match division {
            13..=16 => &["食品", "食品科技", "饮品"],
            17..=19 => &["纺织", "服饰", "鞋业"],
            20..=21 => &["木业", "家具"],
            22..=24 => &["纸业", "印务", "文体用品"],
            25..=26 => &["化工", "新材料"],
            27 => &["医药", "生物医药"],
            28..=29 => &["塑胶", "橡塑制品"],
            30..=31 => &["建材", "钢铁"],
            32..=33 => &["金属制品", "五金"],
            34..=35 => &["机械", "智能装备", "精密机械"],
            36..=37 => &["汽车零部件", "交通器材"],
            38 => &["电气", "电器"],
            39 => &["电子科技", "电子", "智能科技"],
            40 => &["仪器仪表", "检测设备"],
            _ => &["制造", "工贸"],
        },
        'D' => &["能源", "电力", "燃气"],
        'E' => &["建筑工程", "装饰工程", "建设"],
        'F' => match division {
            51 => &["贸易", "商贸", "供应链"],
            _ => &["商行", "超市", "百货"],
        },
        'G' => &["物流", "运输", "货运代理"],
        'H' => match division {
            61 => &["酒店", "宾馆"],
            _ => &["餐饮管理", "餐饮"],
        },
        'I' => match division {
            65 => &["软件", "信息技术", "数据科技"],
            _ => &["网络科技", "通信技术"],
        },
        'K' => &["房地产开发", "物业管理"],
        'L' => &["企业管理咨询", "租赁", "商务服务"],
        'M' => &["科技", "检测技术", "工程设计"],
        'N' => &["环保科技", "水务"],
        'O' => &["家政服务", "维修服务"],
        'P' => &["教育咨询", "培训"],
        'Q' => &["健康管理", "医疗服务"],
        'R' => &["文化传媒", "体育文化"],
        _ => &["服务"],
    }
}

/// 字号: the distinctive part of a name.
pub(crate) const TRADE_NAMES: [&str; 64] = [
    "华创",
    "鑫源",
    "恒达",
    "宏图",
    "星辰",
    "瑞丰",
    "金桥",
    "汇智",
    "永盛",
    "天诚",
    "中科",
    "新锐",
    "博远",
    "长青",
    "嘉禾",
    "东方",
    "九州",
    "启航",
    "锦程",
    "盛世",
    "正泰",
    "联合",
    "宇通",
    "明德",
    "鼎信",
    "凯旋",
    "海纳",
    "远景",
    "安达",
    "德润",
    "佳和",
    "华夏",
    "卓越",
    "聚力",
    "同创",
    "众望",
    "立信",
    "康宁",
    "广益",
    "兴隆",
    "信达",
    "泰和",
    "润泽",
    "万通",
    "精诚",
    "腾飞",
    "蓝海",
    "智远",
    "和合",
    "协力",
    "隆昌",
    "福瑞",
    "恒通",
    "翔宇",
    "弘毅",
    "晟达",
    "致远",
    "宝源",
    "鸿运",
    "春晖",
    "新纪元",
    "亿利",
    "美佳",
    "中天",
];

/// Common surnames (百家姓 order of frequency, roughly) and given-name characters.
pub(crate) const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
];
pub(crate) const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "华", "建国", "海燕", "志强", "晓东", "红梅",
];

/// A province with its county-level regions.
pub(crate) struct Province {
    pub(crate) counties: Vec<&'static Region>,
}

/// Everything the generator draws from, built once from the embedded code lists.
pub(crate) struct Tables {
    pub(crate) provinces: Vec<Province>,
    pub(crate) province_weights: Vec<f64>,
    /// Per section: the 4-digit classes and their codes as strings.
    pub(crate) sections: Vec<(char, Vec<String>)>,
    pub(crate) section_weights: Vec<f64>,
}

pub(crate) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(build)
}

fn build() -> Tables {
    let regions = RegionList::embedded();
    let mut provinces = Vec::new();
    let mut province_weights = Vec::new();
    for (code, weight) in PROVINCES {
        let prefix = &code[..2];
        let counties: Vec<&'static Region> = regions
            .iter()
            .filter(|r| {
                r.level() == RegionLevel::County && r.is_current() && r.code().starts_with(prefix)
            })
            .collect();
        if !counties.is_empty() {
            provinces.push(Province { counties });
            province_weights.push(weight);
        }
    }
    let industries = IndustryList::embedded();
    let mut sections = Vec::new();
    let mut section_weights = Vec::new();
    for (section, weight) in SECTIONS {
        let classes: Vec<String> = industries
            .iter()
            .filter(|n| n.level() == IndustryLevel::Class && n.section() == section)
            .map(|n| n.standard_code().to_string())
            .collect();
        if !classes.is_empty() {
            sections.push((section, classes));
            section_weights.push(weight);
        }
    }
    Tables {
        provinces,
        province_weights: cumulative(province_weights),
        sections,
        section_weights: cumulative(section_weights),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_province_and_section_has_codes() {
        let t = tables();
        assert_eq!(t.provinces.len(), PROVINCES.len());
        assert_eq!(t.sections.len(), SECTIONS.len());
        assert!(t.sections.iter().all(|(_, classes)| !classes.is_empty()));
        // Manufacturing alone has hundreds of classes to draw from.
        let manufacturing = t
            .sections
            .iter()
            .find(|(s, _)| *s == 'C')
            .map(|(_, c)| c.len());
        assert!(manufacturing.is_some_and(|n| n > 500), "{manufacturing:?}");
    }
}
