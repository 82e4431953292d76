//! Scoring a questionnaire against an edition: validate every answer (collecting all
//! problems), then add up points per question, 二级 and 一级 dimension, and grade the level.

use crate::answers::{Answer, AnswerValue, Answers, Source};
use crate::assessment::{
    Assessment, Caveat, CountedOption, DimensionScore, QuestionScore, SceneGrade, SubdimensionScore,
};
use crate::confidence::Confidence;
use crate::edition::{Direction, Edition, OptionRole, Question, QuestionKind, QuestionOption};
use crate::levels::GradedScene;
use crate::points::Points;
use crate::validation::{ValidationError, ValidationErrors};
use std::collections::HashSet;

impl Edition {
    /// Validates `answers` and scores them.
    ///
    /// All problems are collected before returning: unknown questions, options or scenes,
    /// "none" with other options, several options for a single choice, numbers out of range,
    /// every unanswered question and every missing scene.
    ///
    /// ```
    /// let edition = shangyun_digital::catalog()?.latest();
    /// let answers = shangyun_digital::Answers::new("digital-2024")
    ///     .with("network", ["industrial_5g"])
    ///     .with("no_such_question", "x");
    /// let problems = edition.score(&answers).unwrap_err();
    /// assert!(problems.errors.len() > 2); // the unknown question, then every unanswered one …
    /// # Ok::<(), shangyun_digital::DataError>(())
    /// ```
    pub fn score(&self, answers: &Answers) -> Result<Assessment, ValidationErrors> {
        let fail = |errors| ValidationErrors {
            edition: self.id().to_owned(),
            errors,
        };
        if answers.edition != self.id() {
            return Err(fail(vec![ValidationError::EditionMismatch {
                expected: self.id().to_owned(),
                found: answers.edition.clone(),
            }]));
        }
        let mut errors = Vec::new();
        for id in answers.answers.keys() {
            if self.question(id).is_none() {
                errors.push(ValidationError::UnknownQuestion {
                    question: id.clone(),
                });
            }
        }

        let mut dimensions = Vec::with_capacity(self.dimensions().len());
        for dim in self.dimensions() {
            let mut subdimensions = Vec::with_capacity(dim.subdimensions.len());
            for sub in &dim.subdimensions {
                let mut questions = Vec::with_capacity(sub.questions.len());
                for q in &sub.questions {
                    match score_question(q, answers.answers.get(&q.id)) {
                        Ok(score) => questions.push(score),
                        Err(mut problems) => errors.append(&mut problems),
                    }
                }
                subdimensions.push(SubdimensionScore {
                    id: sub.id.clone(),
                    zh: sub.zh.clone(),
                    en: sub.en.clone(),
                    points: questions.iter().map(|q| q.points).sum(),
                    max: sub.max,
                    questions,
                });
            }
            dimensions.push(DimensionScore {
                id: dim.id.clone(),
                zh: dim.zh.clone(),
                en: dim.en.clone(),
                points: subdimensions.iter().map(|s| s.points).sum(),
                max: dim.max,
                subdimensions,
            });
        }

        let scenes = self.grade_scenes(answers, &mut errors);
        if !errors.is_empty() {
            return Err(fail(errors));
        }

        let score: Points = dimensions.iter().map(|d| d.points).sum();
        let graded: Vec<GradedScene> = scenes
            .iter()
            .map(|s| GradedScene {
                level: s.level,
                constraining: s.constraining,
            })
            .collect();
        let level = self.levels().evaluate(score, &graded);
        let measured = dimensions
            .iter()
            .flat_map(|d| &d.subdimensions)
            .flat_map(|s| &s.questions)
            .filter(|q| q.answer.source == Source::Measured)
            .map(|q| q.id.clone())
            .collect();
        let caveats = self.caveats(&dimensions);
        Ok(Assessment {
            edition: self.info().clone(),
            score,
            max_score: self.max_score(),
            dimensions,
            scenes,
            level,
            measured,
            caveats,
        })
    }

    fn grade_scenes(
        &self,
        answers: &Answers,
        errors: &mut Vec<ValidationError>,
    ) -> Vec<SceneGrade> {
        for id in answers.scenes.keys() {
            if self.scene(id).is_none() {
                errors.push(ValidationError::UnknownScene { scene: id.clone() });
            }
        }
        // Scene levels are 1..=N, checked on load.
        let top = u8::try_from(self.scene_levels().len()).unwrap_or(u8::MAX);
        let mut grades = Vec::with_capacity(self.scenes().len());
        for scene in self.scenes() {
            let Some(Some(given)) = answers.scenes.get(&scene.id) else {
                errors.push(ValidationError::MissingScene {
                    scene: scene.id.clone(),
                });
                continue;
            };
            match u8::try_from(*given) {
                Ok(level) if (1..=top).contains(&level) => grades.push(SceneGrade {
                    id: scene.id.clone(),
                    zh: scene.zh.clone(),
                    en: scene.en.clone(),
                    group: scene.group.clone(),
                    constraining: scene.constraining,
                    level,
                }),
                _ => errors.push(ValidationError::SceneLevelOutOfRange {
                    scene: scene.id.clone(),
                    level: *given,
                    max: top,
                }),
            }
        }
        grades
    }

    /// The unsure parts that this result rests on.
    fn caveats(&self, dimensions: &[DimensionScore]) -> Vec<Caveat> {
        let mut caveats = Vec::new();
        for q in self.questions() {
            if q.confidence == Confidence::Unsure {
                caveats.push(Caveat {
                    subject: format!("question:{}", q.id),
                    confidence: q.confidence,
                    note: q.note.clone(),
                });
                continue;
            }
            let counted = dimensions
                .iter()
                .flat_map(|d| &d.subdimensions)
                .flat_map(|s| &s.questions)
                .filter(|s| s.id == q.id)
                .flat_map(|s| &s.counted);
            for c in counted {
                if let Some(o) = q
                    .option(&c.id)
                    .filter(|o| o.confidence == Confidence::Unsure)
                {
                    caveats.push(Caveat {
                        subject: format!("option:{}.{}", q.id, o.id),
                        confidence: o.confidence,
                        note: o.note.clone(),
                    });
                }
            }
        }
        for scene in self.scenes().iter().filter(|s| s.note.is_some()) {
            caveats.push(Caveat {
                subject: format!("scene:{}", scene.id),
                confidence: Confidence::Unsure,
                note: scene.note.clone(),
            });
        }
        if self.levels().confidence != Confidence::Firm {
            caveats.push(Caveat {
                subject: "levels".to_owned(),
                confidence: self.levels().confidence,
                note: self.levels().note.clone(),
            });
        }
        caveats
    }
}

fn score_question(
    q: &Question,
    answer: Option<&Answer>,
) -> Result<QuestionScore, Vec<ValidationError>> {
    let Some(answer) = answer else {
        return Err(vec![unanswered(q)]);
    };
    let Some(value) = &answer.value else {
        return Err(vec![unanswered(q)]);
    };
    let mut errors = Vec::new();
    if answer.source == Source::Measured && !q.measurable {
        errors.push(ValidationError::MeasuredNotAllowed {
            question: q.id.clone(),
        });
    }
    let counted = match (&q.kind, value) {
        (QuestionKind::Multi, AnswerValue::Option(id)) => ticked(q, std::slice::from_ref(id)),
        (QuestionKind::Multi, AnswerValue::Options(ids)) => ticked(q, ids),
        (
            QuestionKind::BandedNumber {
                min_value,
                max_value,
                ..
            },
            AnswerValue::Number(x),
        ) => in_range(q, "value", *x, *min_value, Some(*max_value))
            .and_then(|()| band_of(q, *x))
            .map(|o| vec![o]),
        (
            QuestionKind::Comparison {
                min_value,
                max_value,
                ..
            },
            AnswerValue::Comparison(pair),
        ) => {
            let before = in_range(q, "before", pair.before, *min_value, *max_value);
            let after = in_range(q, "after", pair.after, *min_value, *max_value);
            match (before, after) {
                (Ok(()), Ok(())) => {
                    direction_option(q, Direction::between(pair.before, pair.after))
                        .map(|o| vec![o])
                }
                (b, a) => Err([b.err(), a.err()].into_iter().flatten().flatten().collect()),
            }
        }
        (_, AnswerValue::Option(id)) => one_option(q, std::slice::from_ref(id)).map(|o| vec![o]),
        (_, AnswerValue::Options(ids)) => one_option(q, ids).map(|o| vec![o]),
        (kind, value) => Err(vec![ValidationError::WrongAnswerKind {
            question: q.id.clone(),
            expected: expected_shape(kind),
            found: shape_of(value),
        }]),
    };
    match counted {
        Ok(options) if errors.is_empty() => Ok(QuestionScore {
            id: q.id.clone(),
            zh: q.zh.clone(),
            en: q.en.clone(),
            kind: q.kind.name(),
            points: options.iter().map(|o| o.points).sum(),
            max: q.max,
            answer: answer.clone(),
            counted: options.into_iter().map(counted_option).collect(),
            confidence: q.confidence,
        }),
        Ok(_) => Err(errors),
        Err(mut problems) => {
            errors.append(&mut problems);
            Err(errors)
        }
    }
}

fn unanswered(q: &Question) -> ValidationError {
    ValidationError::Unanswered {
        question: q.id.clone(),
    }
}

fn counted_option(o: &QuestionOption) -> CountedOption {
    CountedOption {
        id: o.id.clone(),
        zh: o.zh.clone(),
        en: o.en.clone(),
        points: o.points,
    }
}

fn lookup<'q>(
    q: &'q Question,
    ids: &[String],
) -> Result<Vec<&'q QuestionOption>, Vec<ValidationError>> {
    let mut found = Vec::with_capacity(ids.len());
    let mut errors = Vec::new();
    for id in ids {
        match q.option(id) {
            Some(o) => found.push(o),
            None => errors.push(ValidationError::UnknownOption {
                question: q.id.clone(),
                option: id.clone(),
            }),
        }
    }
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

/// A multi-select: the ticked options in questionnaire order; "none" must stand alone.
fn ticked<'q>(
    q: &'q Question,
    ids: &[String],
) -> Result<Vec<&'q QuestionOption>, Vec<ValidationError>> {
    if ids.is_empty() {
        return Err(vec![ValidationError::EmptySelection {
            question: q.id.clone(),
        }]);
    }
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id.as_str()) {
            errors.push(ValidationError::DuplicateOption {
                question: q.id.clone(),
                option: id.clone(),
            });
        }
    }
    let found = match lookup(q, ids) {
        Ok(found) => found,
        Err(mut unknown) => {
            errors.append(&mut unknown);
            return Err(errors);
        }
    };
    if let Some(none) = found.iter().find(|o| o.role == OptionRole::NoneOfThese) {
        let others: Vec<String> = found
            .iter()
            .filter(|o| o.role != OptionRole::NoneOfThese)
            .map(|o| o.id.clone())
            .collect();
        if !others.is_empty() {
            errors.push(ValidationError::NoneWithOthers {
                question: q.id.clone(),
                none: none.id.clone(),
                others,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(q.options
        .iter()
        .filter(|o| seen.contains(o.id.as_str()))
        .collect())
}

/// A question that takes exactly one option id (single choice, or a band / direction by id).
fn one_option<'q>(
    q: &'q Question,
    ids: &[String],
) -> Result<&'q QuestionOption, Vec<ValidationError>> {
    match ids {
        [] => Err(vec![ValidationError::EmptySelection {
            question: q.id.clone(),
        }]),
        [id] => lookup(q, std::slice::from_ref(id))
            .and_then(|found| found.into_iter().next().ok_or_else(Vec::new)),
        several => {
            let mut errors = vec![ValidationError::SeveralOptions {
                question: q.id.clone(),
                options: several.to_vec(),
            }];
            if let Err(mut unknown) = lookup(q, several) {
                errors.append(&mut unknown);
            }
            Err(errors)
        }
    }
}

fn in_range(
    q: &Question,
    field: &'static str,
    value: f64,
    min: f64,
    max: Option<f64>,
) -> Result<(), Vec<ValidationError>> {
    // NaN fails both comparisons and is reported as out of range.
    let ok = value >= min && max.is_none_or(|m| value <= m);
    if ok {
        Ok(())
    } else {
        Err(vec![ValidationError::NumberOutOfRange {
            question: q.id.clone(),
            field,
            value,
            min,
            max,
        }])
    }
}

fn band_of(q: &Question, value: f64) -> Result<&QuestionOption, Vec<ValidationError>> {
    // Bands tile the number line (checked on load), so a value in range always has one.
    q.options
        .iter()
        .find(|o| o.role.band_contains(value))
        .ok_or_else(|| {
            vec![ValidationError::NumberOutOfRange {
                question: q.id.clone(),
                field: "value",
                value,
                min: f64::NEG_INFINITY,
                max: None,
            }]
        })
}

fn direction_option(
    q: &Question,
    direction: Direction,
) -> Result<&QuestionOption, Vec<ValidationError>> {
    // One option per direction (checked on load).
    q.options
        .iter()
        .find(|o| o.role == OptionRole::Change { direction })
        .ok_or_else(|| vec![unanswered(q)])
}

fn expected_shape(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::Single => "one option id",
        QuestionKind::Multi => "a list of option ids",
        QuestionKind::BandedNumber { .. } => "a number or a band's option id",
        QuestionKind::Comparison { .. } => "{before, after} or a direction's option id",
    }
}

fn shape_of(value: &AnswerValue) -> &'static str {
    match value {
        AnswerValue::Option(_) => "an option id",
        AnswerValue::Options(_) => "a list of option ids",
        AnswerValue::Number(_) => "a number",
        AnswerValue::Comparison(_) => "{before, after}",
    }
}
