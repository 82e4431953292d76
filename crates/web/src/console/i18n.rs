//! The console's language: `?lang=en|zh` (remembered in a cookie), else the cookie, else
//! zh-CN.

use crate::access::{LANG_COOKIE, cookie};
use axum::extract::Request;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The request's language, and whether it was chosen by the query (to be remembered).
    pub fn of_request(request: &Request) -> (Lang, bool) {
        let from_query = request.uri().query().and_then(|q| {
            q.split('&').find_map(|pair| match pair {
                "lang=en" => Some(Lang::En),
                "lang=zh" | "lang=zh-CN" => Some(Lang::Zh),
                _ => None,
            })
        });
        if let Some(lang) = from_query {
            return (lang, true);
        }
        let remembered = cookie(request.headers(), LANG_COOKIE);
        (
            match remembered.as_deref() {
                Some("en") => Lang::En,
                _ => Lang::Zh,
            },
            false,
        )
    }

    /// The HTML `lang` and cookie value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Picks the text in this language.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The query value that selects this language.
    pub fn query_value(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
}
