//! The built-in editions, embedded at compile time and parsed once.

use crate::answers::Answers;
use crate::assessment::Assessment;
use crate::edition::{Edition, EditionError};
use crate::score_bands::{ScoreBands, ScoreBandsError};
use crate::validation::{ValidationError, ValidationErrors};
use std::sync::OnceLock;
use thiserror::Error;

/// Questionnaire editions, oldest first; the last is the latest.
const INDEX_FILES: &[(&str, &str)] = &[(
    "digital-2024.toml",
    include_str!("../editions/digital-2024.toml"),
)];

/// Score-band editions (level from a total score only).
const SCORE_BAND_FILES: &[(&str, &str)] = &[(
    "digital-2022.toml",
    include_str!("../editions/digital-2022.toml"),
)];

/// An embedded data file failed its checks (a bug in this crate's data, caught by its tests).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DataError {
    /// A questionnaire edition was refused.
    #[error("embedded edition {file}: {source}")]
    Edition {
        /// The file name under `editions/`.
        file: &'static str,
        /// Why.
        source: EditionError,
    },
    /// A score-band edition was refused.
    #[error("embedded edition {file}: {source}")]
    ScoreBands {
        /// The file name under `editions/`.
        file: &'static str,
        /// Why.
        source: ScoreBandsError,
    },
    /// No questionnaire edition is embedded.
    #[error("no questionnaire edition is embedded")]
    NoEdition,
}

/// All built-in editions.
#[derive(Debug)]
pub struct Catalog {
    latest: Edition,
    older: Vec<Edition>,
    score_bands: Vec<ScoreBands>,
}

static CATALOG: OnceLock<Result<Catalog, DataError>> = OnceLock::new();

/// The built-in editions (parsed on first use).
///
/// ```
/// let catalog = shangyun_digital::catalog()?;
/// assert_eq!(catalog.latest().info().document_number, "工信厅企业〔2024〕56号");
/// assert!(catalog.score_bands("digital-2022").is_some());
/// # Ok::<(), shangyun_digital::DataError>(())
/// ```
pub fn catalog() -> Result<&'static Catalog, DataError> {
    CATALOG.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn load() -> Result<Catalog, DataError> {
    let mut editions = INDEX_FILES
        .iter()
        .map(|(file, text)| {
            Edition::from_toml(text).map_err(|source| DataError::Edition { file, source })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let latest = editions.pop().ok_or(DataError::NoEdition)?;
    let score_bands = SCORE_BAND_FILES
        .iter()
        .map(|(file, text)| {
            ScoreBands::from_toml(text).map_err(|source| DataError::ScoreBands { file, source })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Catalog {
        latest,
        older: editions,
        score_bands,
    })
}

impl Catalog {
    /// The newest questionnaire edition.
    pub fn latest(&self) -> &Edition {
        &self.latest
    }

    /// Every questionnaire edition, oldest first.
    pub fn editions(&self) -> impl Iterator<Item = &Edition> {
        self.older.iter().chain(std::iter::once(&self.latest))
    }

    /// A questionnaire edition by id.
    pub fn edition(&self, id: &str) -> Option<&Edition> {
        self.editions().find(|e| e.id() == id)
    }

    /// Every score-band edition.
    pub fn all_score_bands(&self) -> &[ScoreBands] {
        &self.score_bands
    }

    /// A score-band edition by id (`digital-2022`).
    pub fn score_bands(&self, id: &str) -> Option<&ScoreBands> {
        self.score_bands.iter().find(|b| b.info().id == id)
    }

    /// Scores answers with the edition they name.
    pub fn score(&self, answers: &Answers) -> Result<Assessment, ValidationErrors> {
        if let Some(edition) = self.edition(&answers.edition) {
            return edition.score(answers);
        }
        let error = if self.score_bands(&answers.edition).is_some() {
            ValidationError::ScoreOnlyEdition {
                edition: answers.edition.clone(),
            }
        } else {
            ValidationError::UnknownEdition {
                edition: answers.edition.clone(),
                known: self.editions().map(|e| e.id().to_owned()).collect(),
            }
        };
        Err(ValidationErrors {
            edition: answers.edition.clone(),
            errors: vec![error],
        })
    }
}
