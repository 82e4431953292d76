//! One evaluation's view of the profile, as rules read it.

use crate::measure::{Measure, Value};
use crate::profile::EnterpriseProfile;

pub(crate) struct Inputs<'p> {
    pub profile: &'p EnterpriseProfile,
}

impl<'p> Inputs<'p> {
    pub fn new(profile: &'p EnterpriseProfile) -> Self {
        Inputs { profile }
    }

    pub fn get(&self, m: Measure) -> Value {
        m.value(self.profile)
    }
}
