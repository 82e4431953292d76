//! From the flat data file to the nested model, refusing anything inconsistent: a typo in a
//! data file must fail loudly on load (and in the crate's tests), never score silently.

use super::raw::{RawEdition, RawKind, RawOption, RawQuestion};
use super::{
    Dimension, Direction, Edition, EditionInfo, OptionRole, Question, QuestionKind, QuestionOption,
    Subdimension,
};
use crate::points::Points;
use std::collections::HashSet;
use thiserror::Error;

/// Why an edition data file was refused.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum EditionError {
    /// Not valid TOML, or a field has the wrong type / an unknown name.
    #[error("edition data is not well-formed: {message}")]
    Parse {
        /// The parser's message, with line and column.
        message: String,
    },
    /// Two entries of one table share an id.
    #[error("duplicate {table} id `{id}`")]
    DuplicateId {
        /// Which table.
        table: &'static str,
        /// The id.
        id: String,
    },
    /// An entry refers to a parent that does not exist.
    #[error("{table} `{id}` refers to unknown {parent_table} `{parent}`")]
    UnknownParent {
        /// Which table.
        table: &'static str,
        /// The entry's id.
        id: String,
        /// The parent's table.
        parent_table: &'static str,
        /// The missing parent id.
        parent: String,
    },
    /// An entry has no children (a dimension without questions, an edition without scenes…).
    #[error("{table} `{id}` is empty")]
    Empty {
        /// Which table.
        table: &'static str,
        /// The entry's id.
        id: String,
    },
    /// A declared maximum differs from what its parts add up to.
    #[error("{table} `{id}` declares max {declared} but its parts add up to {computed}")]
    MaxMismatch {
        /// Which table.
        table: &'static str,
        /// The entry's id.
        id: String,
        /// The `max` written in the file.
        declared: Points,
        /// The sum (or, for single-choice, the best option).
        computed: Points,
    },
    /// A question's field does not fit its kind, or a required one is missing.
    #[error("question `{question}`: {problem}")]
    BadQuestion {
        /// The question id.
        question: String,
        /// What is wrong.
        problem: String,
    },
    /// The scene tables are inconsistent.
    #[error("scenes: {problem}")]
    BadScenes {
        /// What is wrong.
        problem: String,
    },
    /// The level table is inconsistent.
    #[error("levels: {problem}")]
    BadLevels {
        /// What is wrong.
        problem: String,
    },
}

pub(super) fn edition_from_toml(text: &str) -> Result<Edition, EditionError> {
    let raw: RawEdition = toml::from_str(text).map_err(|e| EditionError::Parse {
        message: e.to_string(),
    })?;
    unique("dimension", raw.dimensions.iter().map(|d| d.id.as_str()))?;
    unique(
        "subdimension",
        raw.subdimensions.iter().map(|s| s.id.as_str()),
    )?;
    unique("question", raw.questions.iter().map(|q| q.id.as_str()))?;
    unique(
        "scene_group",
        raw.scene_groups.iter().map(|g| g.id.as_str()),
    )?;
    unique("scene", raw.scenes.iter().map(|s| s.id.as_str()))?;

    for sub in &raw.subdimensions {
        if !raw.dimensions.iter().any(|d| d.id == sub.dimension) {
            return Err(unknown_parent(
                "subdimension",
                &sub.id,
                "dimension",
                &sub.dimension,
            ));
        }
    }
    for q in &raw.questions {
        if !raw.subdimensions.iter().any(|s| s.id == q.subdimension) {
            return Err(unknown_parent(
                "question",
                &q.id,
                "subdimension",
                &q.subdimension,
            ));
        }
    }

    let mut dimensions = Vec::with_capacity(raw.dimensions.len());
    for dim in &raw.dimensions {
        let mut subdimensions = Vec::new();
        for sub in raw.subdimensions.iter().filter(|s| s.dimension == dim.id) {
            let questions = raw
                .questions
                .iter()
                .filter(|q| q.subdimension == sub.id)
                .map(|q| build_question(q, raw.confidence))
                .collect::<Result<Vec<_>, _>>()?;
            let computed: Points = questions.iter().map(|q| q.max).sum();
            check_max(
                "subdimension",
                &sub.id,
                sub.max,
                computed,
                questions.is_empty(),
            )?;
            subdimensions.push(Subdimension {
                id: sub.id.clone(),
                zh: sub.zh.clone(),
                en: sub.en.clone(),
                max: sub.max,
                questions,
            });
        }
        let computed: Points = subdimensions.iter().map(|s| s.max).sum();
        check_max(
            "dimension",
            &dim.id,
            dim.max,
            computed,
            subdimensions.is_empty(),
        )?;
        dimensions.push(Dimension {
            id: dim.id.clone(),
            zh: dim.zh.clone(),
            en: dim.en.clone(),
            max: dim.max,
            subdimensions,
        });
    }
    let computed: Points = dimensions.iter().map(|d| d.max).sum();
    check_max(
        "edition",
        &raw.id,
        raw.max_score,
        computed,
        dimensions.is_empty(),
    )?;

    check_scenes(&raw)?;
    check_levels(&raw)?;

    Ok(Edition {
        info: EditionInfo {
            id: raw.id,
            title: raw.title,
            title_en: raw.title_en,
            document_number: raw.document_number,
            effective: raw.effective,
            confidence: raw.confidence,
            notes: raw.notes,
        },
        max_score: raw.max_score,
        dimensions,
        scene_levels: raw.scene_levels,
        scene_groups: raw.scene_groups,
        scenes: raw.scenes,
        levels: raw.levels,
    })
}

fn unique<'a>(table: &'static str, ids: impl Iterator<Item = &'a str>) -> Result<(), EditionError> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(EditionError::DuplicateId {
                table,
                id: id.to_owned(),
            });
        }
    }
    Ok(())
}

fn unknown_parent(
    table: &'static str,
    id: &str,
    parent_table: &'static str,
    parent: &str,
) -> EditionError {
    EditionError::UnknownParent {
        table,
        id: id.to_owned(),
        parent_table,
        parent: parent.to_owned(),
    }
}

fn check_max(
    table: &'static str,
    id: &str,
    declared: Points,
    computed: Points,
    empty: bool,
) -> Result<(), EditionError> {
    if empty {
        return Err(EditionError::Empty {
            table,
            id: id.to_owned(),
        });
    }
    if declared != computed {
        return Err(EditionError::MaxMismatch {
            table,
            id: id.to_owned(),
            declared,
            computed,
        });
    }
    Ok(())
}

fn bad(question: &RawQuestion, problem: impl Into<String>) -> EditionError {
    EditionError::BadQuestion {
        question: question.id.clone(),
        problem: problem.into(),
    }
}

fn build_question(
    q: &RawQuestion,
    default_confidence: crate::Confidence,
) -> Result<Question, EditionError> {
    unique("option", q.options.iter().map(|o| o.id.as_str())).map_err(|e| bad(q, e.to_string()))?;
    if q.options.is_empty() {
        return Err(bad(q, "has no options"));
    }
    for (field, present) in [
        ("unit", q.unit.is_some()),
        ("min_value", q.min_value.is_some()),
        ("max_value", q.max_value.is_some()),
    ] {
        let allowed = matches!(q.kind, RawKind::BandedNumber | RawKind::Comparison);
        if present && !allowed {
            return Err(bad(
                q,
                format!("`{field}` only fits banded_number or comparison"),
            ));
        }
    }
    if q.better.is_some() && q.kind != RawKind::Comparison {
        return Err(bad(q, "`better` only fits comparison"));
    }
    for value in [q.min_value, q.max_value].into_iter().flatten() {
        if !value.is_finite() {
            return Err(bad(q, "min_value/max_value must be finite"));
        }
    }
    if let (Some(min), Some(max)) = (q.min_value, q.max_value)
        && min >= max
    {
        return Err(bad(q, "min_value must be below max_value"));
    }
    let options = q
        .options
        .iter()
        .map(|o| build_option(q, o, default_confidence))
        .collect::<Result<Vec<_>, _>>()?;

    let best = options
        .iter()
        .map(|o| o.points)
        .max()
        .unwrap_or(Points::ZERO);
    let (kind, computed) = match q.kind {
        RawKind::Single => (QuestionKind::Single, best),
        RawKind::Multi => {
            let nones: Vec<&QuestionOption> = options
                .iter()
                .filter(|o| o.role == OptionRole::NoneOfThese)
                .collect();
            if nones.len() != 1 {
                return Err(bad(
                    q,
                    "a multi-select needs exactly one `none = true` option",
                ));
            }
            if nones.iter().any(|o| o.points != Points::ZERO) {
                return Err(bad(q, "the `none` option must score 0"));
            }
            if options.len() < 2 {
                return Err(bad(q, "a multi-select needs options besides `none`"));
            }
            (QuestionKind::Multi, options.iter().map(|o| o.points).sum())
        }
        RawKind::BandedNumber => {
            check_bands(q)?;
            let (Some(unit), Some(min_value), Some(max_value)) =
                (q.unit.clone(), q.min_value, q.max_value)
            else {
                return Err(bad(q, "banded_number needs unit, min_value and max_value"));
            };
            let kind = QuestionKind::BandedNumber {
                unit,
                min_value,
                max_value,
            };
            (kind, best)
        }
        RawKind::Comparison => {
            let (Some(better), Some(min_value)) = (q.better, q.min_value) else {
                return Err(bad(q, "comparison needs `better` and `min_value`"));
            };
            check_directions(q, better)?;
            let kind = QuestionKind::Comparison {
                better,
                unit: q.unit.clone(),
                min_value,
                max_value: q.max_value,
            };
            (kind, best)
        }
    };
    if computed != q.max {
        return Err(EditionError::MaxMismatch {
            table: "question",
            id: q.id.clone(),
            declared: q.max,
            computed,
        });
    }
    Ok(Question {
        id: q.id.clone(),
        zh: q.zh.clone(),
        en: q.en.clone(),
        max: q.max,
        kind,
        options,
        measurable: q.measurable,
        confidence: q.confidence.unwrap_or(default_confidence),
        note: q.note.clone(),
    })
}

fn build_option(
    q: &RawQuestion,
    o: &RawOption,
    default_confidence: crate::Confidence,
) -> Result<QuestionOption, EditionError> {
    let misplaced = |field: &str| {
        bad(
            q,
            format!(
                "option `{}`: `{field}` does not fit a {:?} question",
                o.id, q.kind
            ),
        )
    };
    let role = match q.kind {
        RawKind::Single => {
            if o.none {
                return Err(misplaced("none"));
            }
            OptionRole::Plain
        }
        RawKind::Multi if o.none => OptionRole::NoneOfThese,
        RawKind::Multi => OptionRole::Plain,
        RawKind::BandedNumber => {
            if o.none {
                return Err(misplaced("none"));
            }
            OptionRole::Band {
                above: o.above,
                up_to: o.up_to,
            }
        }
        RawKind::Comparison => {
            if o.none {
                return Err(misplaced("none"));
            }
            let Some(direction) = o.direction else {
                return Err(bad(q, format!("option `{}` needs a `direction`", o.id)));
            };
            OptionRole::Change { direction }
        }
    };
    if q.kind != RawKind::BandedNumber && (o.above.is_some() || o.up_to.is_some()) {
        return Err(misplaced("above/up_to"));
    }
    if q.kind != RawKind::Comparison && o.direction.is_some() {
        return Err(misplaced("direction"));
    }
    Ok(QuestionOption {
        id: o.id.clone(),
        zh: o.zh.clone(),
        en: o.en.clone(),
        points: o.points,
        role,
        confidence: o
            .confidence
            .unwrap_or(q.confidence.unwrap_or(default_confidence)),
        note: o.note.clone(),
    })
}

/// Bands must tile the number line: open below, open above, each `above` the previous `up_to`.
fn check_bands(q: &RawQuestion) -> Result<(), EditionError> {
    let last = q.options.len().saturating_sub(1);
    for (i, o) in q.options.iter().enumerate() {
        if (i == 0) != o.above.is_none() {
            return Err(bad(q, "only the first band has no `above`"));
        }
        if (i == last) != o.up_to.is_none() {
            return Err(bad(q, "only the last band has no `up_to`"));
        }
        if let (Some(a), Some(u)) = (o.above, o.up_to)
            && !(a.is_finite() && u.is_finite() && a < u)
        {
            return Err(bad(q, format!("band `{}` needs above < up_to", o.id)));
        }
        if i > 0 {
            let previous = q.options.get(i - 1).and_then(|p| p.up_to);
            if previous != o.above {
                return Err(bad(
                    q,
                    format!("band `{}` does not start where the previous ends", o.id),
                ));
            }
        }
    }
    Ok(())
}

/// One option per direction, and the improvement scores the most.
fn check_directions(q: &RawQuestion, better: Direction) -> Result<(), EditionError> {
    for direction in [Direction::Up, Direction::Same, Direction::Down] {
        let count = q
            .options
            .iter()
            .filter(|o| o.direction == Some(direction))
            .count();
        if count != 1 {
            return Err(bad(
                q,
                format!("needs exactly one option with direction {direction:?}"),
            ));
        }
    }
    let best = q.options.iter().map(|o| o.points).max();
    let better_points = q
        .options
        .iter()
        .find(|o| o.direction == Some(better))
        .map(|o| o.points);
    if best != better_points {
        return Err(bad(q, "the `better` direction must score the most"));
    }
    Ok(())
}

fn check_scenes(raw: &RawEdition) -> Result<(), EditionError> {
    let problem = |p: String| Err(EditionError::BadScenes { problem: p });
    if raw.scenes.is_empty() {
        return problem("no scenes".into());
    }
    for (i, level) in raw.scene_levels.iter().enumerate() {
        if usize::from(level.level) != i + 1 {
            return problem("scene levels must be 1, 2, 3, … in order".into());
        }
    }
    if raw.scene_levels.is_empty() {
        return problem("no scene levels".into());
    }
    for scene in &raw.scenes {
        if !raw.scene_groups.iter().any(|g| g.id == scene.group) {
            return Err(unknown_parent(
                "scene",
                &scene.id,
                "scene_group",
                &scene.group,
            ));
        }
    }
    Ok(())
}

fn check_levels(raw: &RawEdition) -> Result<(), EditionError> {
    let problem = |p: String| Err(EditionError::BadLevels { problem: p });
    let levels = &raw.levels.levels;
    if levels.is_empty() {
        return problem("no levels".into());
    }
    let top_scene_level = raw.scene_levels.len();
    let constraining = raw.scenes.iter().filter(|s| s.constraining).count();
    for (i, level) in levels.iter().enumerate() {
        if usize::from(level.rank) != i + 1 {
            return problem("ranks must be 1, 2, 3, … lowest first".into());
        }
        if level.scene_level == 0 || usize::from(level.scene_level) > top_scene_level {
            return problem(format!(
                "{}: scene_level {} is not a scene level",
                level.zh, level.scene_level
            ));
        }
        if level.min_scenes > raw.scenes.len() || level.min_constraining > constraining {
            return problem(format!(
                "{}: needs more scenes than the edition has",
                level.zh
            ));
        }
        if level.min_score > raw.max_score {
            return problem(format!("{}: min_score above max_score", level.zh));
        }
    }
    Ok(())
}
