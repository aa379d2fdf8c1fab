//! Where the map layout's tiles come from (`CONVENE_MAP_TILES`, a URL template with `{z}`, `{x}`
//! and `{y}`; `off` for none) and the credit they require (`CONVENE_MAP_ATTRIBUTION`). The
//! default is OpenStreetMap's standard tiles with their attribution. Without tiles (the setting
//! off, or the tile server out of reach) the map still draws its markers.

/// OpenStreetMap's standard tile layer (its tile usage policy asks for the attribution below).
pub const OPENSTREETMAP: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
pub const OPENSTREETMAP_ATTRIBUTION: &str = "© OpenStreetMap contributors";
pub const OPENSTREETMAP_COPYRIGHT: &str = "https://www.openstreetmap.org/copyright";
const TEMPLATE_MAX_CHARS: usize = 500;
const ATTRIBUTION_MAX_CHARS: usize = 300;

/// The tile layer a map draws, or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapTiles {
    /// `None`: markers on a plain background.
    pub template: Option<String>,
    /// Shown on the map (plain text) and linked to `credit_url` when set.
    pub attribution: String,
    pub credit_url: Option<String>,
}

impl Default for MapTiles {
    fn default() -> Self {
        Self {
            template: Some(OPENSTREETMAP.to_owned()),
            attribution: OPENSTREETMAP_ATTRIBUTION.to_owned(),
            credit_url: Some(OPENSTREETMAP_COPYRIGHT.to_owned()),
        }
    }
}

impl MapTiles {
    /// The settings as given (empty means the default). A refusal says what to write.
    pub fn parse(template: &str, attribution: &str) -> Result<Self, String> {
        let template = template.trim();
        let attribution = attribution.trim();
        if attribution.chars().count() > ATTRIBUTION_MAX_CHARS
            || attribution.chars().any(char::is_control)
        {
            return Err(format!(
                "the attribution is one line of at most {ATTRIBUTION_MAX_CHARS} characters"
            ));
        }
        match template {
            "" => Ok(Self {
                attribution: if attribution.is_empty() {
                    OPENSTREETMAP_ATTRIBUTION.to_owned()
                } else {
                    attribution.to_owned()
                },
                ..Self::default()
            }),
            "off" | "none" => Ok(Self {
                template: None,
                attribution: attribution.to_owned(),
                credit_url: None,
            }),
            template => {
                let url_like = template.replace(['{', '}'], "");
                let parsed = url::Url::parse(&url_like).map_err(|err| {
                    format!(
                        "{template:?} is not a URL template ({err}); write e.g. {OPENSTREETMAP}"
                    )
                })?;
                if !matches!(parsed.scheme(), "https" | "http")
                    || template.chars().count() > TEMPLATE_MAX_CHARS
                    || template.chars().any(|c| c.is_whitespace() || c == '"')
                    || !["{z}", "{x}", "{y}"]
                        .iter()
                        .all(|part| template.contains(part))
                {
                    return Err(format!(
                        "must be an http(s) URL of at most {TEMPLATE_MAX_CHARS} characters with {{z}}, {{x}} and {{y}}, e.g. {OPENSTREETMAP}, or off"
                    ));
                }
                if attribution.is_empty() {
                    return Err(
                        "other tiles than OpenStreetMap's need their credit in CONVENE_MAP_ATTRIBUTION"
                            .to_owned(),
                    );
                }
                Ok(Self {
                    template: Some(template.to_owned()),
                    attribution: attribution.to_owned(),
                    credit_url: None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn tiles_default_to_openstreetmap_with_its_credit() {
        let tiles = MapTiles::parse("", "").unwrap();
        assert_eq!(tiles, MapTiles::default());
        assert_eq!(tiles.template.as_deref(), Some(OPENSTREETMAP));
        let off = MapTiles::parse("off", "").unwrap();
        assert_eq!(off.template, None);
        let own =
            MapTiles::parse("https://tiles.example.org/{z}/{x}/{y}.png", "© Example").unwrap();
        assert_eq!(own.attribution, "© Example");
        for refused in [
            ("https://tiles.example.org/{z}/{x}.png", "© Example"),
            ("ftp://tiles.example.org/{z}/{x}/{y}.png", "© Example"),
            ("javascript:alert(1)//{z}{x}{y}", "x"),
            ("https://tiles.example.org/{z}/{x}/{y}.png", ""),
            (
                "https://tiles.example.org/{z}/{x}/{y}.png\" onload=\"x",
                "© Example",
            ),
            ("", "line\nbreak"),
        ] {
            assert!(
                MapTiles::parse(refused.0, refused.1).is_err(),
                "{refused:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn generated_settings_never_panic(template in "\\PC{0,80}", attribution in "\\PC{0,40}") {
            if let Ok(tiles) = MapTiles::parse(&template, &attribution)
                && let Some(template) = tiles.template {
                prop_assert!(template.starts_with("http"));
            }
        }
    }
}
