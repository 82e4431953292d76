//! Where in a payload a fault is, built as a chain on the stack and only written out as a
//! JSON path (`$[2].values`, `$["Device A"]`) when an error needs it: the success path
//! allocates nothing for locations.

#[derive(Debug, Clone, Copy)]
pub(crate) enum Loc<'a> {
    Root,
    Index(&'a Loc<'a>, usize),
    Member(&'a Loc<'a>, &'a str),
    Field(&'a Loc<'a>, &'static str),
}

impl Loc<'_> {
    pub(crate) fn render(&self) -> String {
        match self {
            Loc::Root => "$".to_owned(),
            Loc::Index(parent, i) => format!("{}[{i}]", parent.render()),
            Loc::Member(parent, name) => format!(
                "{}[{}]",
                parent.render(),
                serde_json::to_string(name).unwrap_or_default()
            ),
            Loc::Field(parent, field) => format!("{}.{field}", parent.render()),
        }
    }
}
