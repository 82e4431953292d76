//! Names of the profile's inputs, and a small set of them for "which data is missing".
//!
//! A bit set rather than a `Vec` keeps evaluation free of allocation: the names are turned
//! into a list only when a verdict actually needs them.

macro_rules! fields {
    ($($variant:ident => $name:literal,)*) => {
        /// One input of an [`EnterpriseProfile`](crate::EnterpriseProfile), named as in its JSON,
        /// plus `local_rules` for the provincial 特色化 rules file.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum Field {
            $($variant,)*
        }

        impl Field {
            /// Every field, in declaration order.
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];

            /// The field's name as it appears in the profile JSON.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Field::$variant => $name,)*
                }
            }
        }
    };
}

fields! {
    AsOf => "as_of",
    ProvinceCode => "province_code",
    Revenue => "revenue",
    RevenuePrev => "revenue_prev",
    RevenuePrev2 => "revenue_prev2",
    MainRevenue => "main_revenue",
    MainRevenuePrev => "main_revenue_prev",
    MainRevenuePrev2 => "main_revenue_prev2",
    RdSpend => "rd_spend",
    RdSpendPrev => "rd_spend_prev",
    RdStaff => "rd_staff",
    TotalStaff => "total_staff",
    IpHighValueClass1 => "ip_high_value_class1",
    IpSelfDevelopedClass1 => "ip_self_developed_class1",
    IpClass1 => "ip_class1",
    IpClass1TransferredRecent => "ip_class1_transferred_recent",
    IpClass2 => "ip_class2",
    DebtRatioPct => "debt_ratio_pct",
    NetProfit => "net_profit",
    NicheYears => "niche_years",
    StrategicEmergingProduct => "strategic_emerging_product",
    MainProductFields => "main_product_fields",
    DigitalLevel => "digital_level",
    QualityAward => "quality_award",
    QualityCertification => "quality_certification",
    OwnBrand => "own_brand",
    StandardParticipation => "standard_participation",
    RdInstitutionLevel => "rd_institution_level",
    Titles => "titles",
    Awards => "awards",
    EquityRaised2y => "equity_raised_2y",
    EquityRaised3y => "equity_raised_3y",
    NicheMarketSharePct => "niche_market_share_pct",
    NicheNationalRank => "niche_national_rank",
    NicheLeadingPosition => "niche_leading_position",
    DevelopmentScore => "development_score",
    DevelopmentScorePrev => "development_score_prev",
    ReReview => "re_review",
    IndependentLegalPerson => "independent_legal_person",
    IsSme => "is_sme",
    NotListedAbnormalOrDishonest => "not_listed_abnormal_or_dishonest",
    NoProhibitedProducts => "no_prohibited_products",
    NoMajorIncidents => "no_major_incidents",
    LocalValues => "local_values",
    LocalRules => "local_rules",
}

// The set below is a u64: fail the build if the list outgrows it.
const _: () = assert!(Field::ALL.len() <= 64);

/// A set of [`Field`]s (a bit set; copying it is free).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FieldSet(u64);

impl FieldSet {
    /// The empty set.
    pub const EMPTY: FieldSet = FieldSet(0);

    /// The set holding only `field`.
    pub const fn of(field: Field) -> FieldSet {
        FieldSet(1 << field as u32)
    }

    /// Both sets together.
    #[must_use]
    pub const fn union(self, other: FieldSet) -> FieldSet {
        FieldSet(self.0 | other.0)
    }

    /// Whether the set holds `field`.
    pub const fn contains(self, field: Field) -> bool {
        self.0 & (1 << field as u32) != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The fields in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Field> {
        Field::ALL
            .iter()
            .copied()
            .filter(move |f| self.contains(*f))
    }

    /// The fields' JSON names in declaration order.
    pub fn names(self) -> Vec<&'static str> {
        let mut names = Vec::with_capacity(self.0.count_ones() as usize);
        names.extend(self.iter().map(Field::name));
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_sets_round_trip() {
        let mut all = FieldSet::EMPTY;
        for f in Field::ALL {
            assert!(!all.contains(*f), "duplicate bit for {}", f.name());
            all = all.union(FieldSet::of(*f));
        }
        assert_eq!(all.names().len(), Field::ALL.len());
        let two = FieldSet::of(Field::Revenue).union(FieldSet::of(Field::LocalRules));
        assert_eq!(two.names(), vec!["revenue", "local_rules"]);
    }
}
