//! The three metrics of the size rules: X 从业人员, Y 营业收入, Z 资产总额.

use serde::ser::SerializeSeq;
use serde::{Deserialize, Serialize, Serializer};

/// A size metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// X 从业人员, persons.
    Employees,
    /// Y 营业收入, 万元.
    Revenue,
    /// Z 资产总额, 万元.
    Assets,
}

impl Metric {
    /// All metrics in the standard's order (X, Y, Z).
    pub const ALL: [Metric; 3] = [Metric::Employees, Metric::Revenue, Metric::Assets];

    /// The standard's letter: X, Y, Z.
    pub fn symbol(self) -> char {
        match self {
            Self::Employees => 'X',
            Self::Revenue => 'Y',
            Self::Assets => 'Z',
        }
    }

    /// 从业人员 / 营业收入 / 资产总额.
    pub fn name_zh(self) -> &'static str {
        match self {
            Self::Employees => "从业人员",
            Self::Revenue => "营业收入",
            Self::Assets => "资产总额",
        }
    }

    /// English name.
    pub fn name_en(self) -> &'static str {
        match self {
            Self::Employees => "employees",
            Self::Revenue => "revenue",
            Self::Assets => "total assets",
        }
    }

    /// Unit as the standard writes it: 人 or 万元.
    pub fn unit_zh(self) -> &'static str {
        match self {
            Self::Employees => "人",
            Self::Revenue | Self::Assets => "万元",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Self::Employees => 1,
            Self::Revenue => 2,
            Self::Assets => 4,
        }
    }
}

/// A set of metrics (which a group needs, which are missing, which decided). `Copy`, no heap.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MetricSet(u8);

impl MetricSet {
    /// The empty set.
    pub const EMPTY: MetricSet = MetricSet(0);

    /// The set with `metric` added.
    #[must_use]
    pub fn with(self, metric: Metric) -> Self {
        Self(self.0 | metric.bit())
    }

    /// True if `metric` is in the set.
    pub fn contains(self, metric: Metric) -> bool {
        self.0 & metric.bit() != 0
    }

    /// True for the empty set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Number of metrics in the set.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The metrics in X, Y, Z order.
    pub fn iter(self) -> impl Iterator<Item = Metric> {
        Metric::ALL.into_iter().filter(move |m| self.contains(*m))
    }
}

impl FromIterator<Metric> for MetricSet {
    fn from_iter<I: IntoIterator<Item = Metric>>(iter: I) -> Self {
        iter.into_iter().fold(Self::EMPTY, Self::with)
    }
}

impl Serialize for MetricSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for m in self.iter() {
            seq.serialize_element(&m)?;
        }
        seq.end()
    }
}

/// What is known about an enterprise: any of the three metrics, in the standard's units.
///
/// ```
/// use shangyun_size::Metrics;
/// let m = Metrics { employees: Some(500), revenue_wan: Some(1500.0), ..Metrics::default() };
/// assert_eq!(m.revenue_wan, Some(1500.0));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Metrics {
    /// X 从业人员, persons (期末从业人员数; 年平均 where the NBS method applies).
    pub employees: Option<u32>,
    /// Y 营业收入, 万元 (10,000 yuan).
    pub revenue_wan: Option<f64>,
    /// Z 资产总额, 万元.
    pub assets_wan: Option<f64>,
}

impl Metrics {
    /// The value of `metric`, if known, as a number for comparison.
    pub fn get(&self, metric: Metric) -> Option<f64> {
        match metric {
            Metric::Employees => self.employees.map(f64::from),
            Metric::Revenue => self.revenue_wan,
            Metric::Assets => self.assets_wan,
        }
    }

    /// The metrics that are known.
    pub fn known(&self) -> MetricSet {
        Metric::ALL
            .into_iter()
            .filter(|m| self.get(*m).is_some())
            .collect()
    }
}
