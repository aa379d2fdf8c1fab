//! Charts drawn on the server: events per month as bars, in SVG (plotters' SVG backend), with a
//! title and a description screen readers read. Pages put the numbers beside them as a table;
//! no script draws anything.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::Error;

/// Past months' bars, and the current and coming months' (events planned, not yet held).
const PAST: RGBColor = RGBColor(0x2f, 0x5d, 0x8a);
const PLANNED: RGBColor = RGBColor(0x9d, 0xb9, 0xd5);

/// How big a chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartSize {
    /// With axes and month labels: the network's totals, an organization's insights.
    Full,
    /// Bars only, for a row of a table (its numbers are in the row beside it).
    Spark,
}

impl ChartSize {
    fn pixels(self) -> (u32, u32) {
        match self {
            // Small enough that its labels stay legible scaled to a phone's width.
            Self::Full => (480, 220),
            Self::Spark => (150, 32),
        }
    }
}

/// What a chart shows.
pub struct BarChart<'a> {
    /// Unique within a page: the title's and description's ids start with it.
    pub id: &'a str,
    pub title: &'a str,
    /// One label per bar ("Jan 2026").
    pub labels: &'a [String],
    pub values: &'a [u32],
    /// The first bar of the current month: it and the ones after are drawn lighter.
    pub planned_from: usize,
    pub size: ChartSize,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn drawing_failed<E: std::fmt::Debug>(err: E) -> Error {
    Error::Internal(format!("drawing a chart: {err:?}"))
}

impl BarChart<'_> {
    /// "Events per month. Jan 2026: 2, Feb 2026: 0, …": every number, for screen readers. A
    /// small chart in a table row points to the table that has them instead (a page lists
    /// twenty).
    pub fn description(&self) -> String {
        if self.size == ChartSize::Spark {
            return "Events per month, as bars; the numbers are in the table \"Events per month, as numbers\".".to_owned();
        }
        let numbers: Vec<String> = self
            .labels
            .iter()
            .zip(self.values)
            .map(|(label, value)| format!("{label}: {value}"))
            .collect();
        let mut text = format!("Events per month. {}.", numbers.join(", "));
        if let Some(first_planned) = self.labels.get(self.planned_from) {
            text.push_str(&format!(
                " Lighter bars, from {first_planned}, are the months to come."
            ));
        }
        text
    }

    /// The chart as an `<svg>` element that scales to its container.
    pub fn svg(&self) -> Result<String, Error> {
        let (width, height) = self.size.pixels();
        let mut drawn = String::new();
        {
            let root = SVGBackend::with_string(&mut drawn, (width, height)).into_drawing_area();
            match self.size {
                ChartSize::Full => self.draw_full(&root)?,
                ChartSize::Spark => self.draw_bars_only(&root)?,
            }
            root.present().map_err(drawing_failed)?;
        }
        // Our own opening tag: no fixed size, a role, and the title and description first.
        // plotters writes every default out (`opacity="1"`, `stroke="none"` on each bar): a
        // page of twenty charts is lighter without them.
        let body = drawn
            .split_once('>')
            .map_or("</svg>", |(_, body)| body)
            .trim_start()
            .replace(" opacity=\"1\"", "")
            .replace(" stroke=\"none\"", "")
            .replace("\n", "");
        let id = escape(self.id);
        Ok(format!(
            r#"<svg class="chart chart-{size}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}"#,
            size = match self.size {
                ChartSize::Full => "full",
                ChartSize::Spark => "spark",
            },
            title = escape(self.title),
            desc = escape(&self.description()),
        ))
    }

    fn max(&self) -> u32 {
        self.values.iter().copied().max().unwrap_or(0).max(1)
    }

    fn color(&self, index: usize) -> RGBColor {
        if index >= self.planned_from {
            PLANNED
        } else {
            PAST
        }
    }

    fn draw_bars_only(&self, root: &DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), Error> {
        let (width, height) = root.dim_in_pixel();
        let bars = i32::try_from(self.values.len().max(1)).unwrap_or(i32::MAX);
        let (width, height) = (
            i32::try_from(width).unwrap_or(0),
            i32::try_from(height).unwrap_or(0),
        );
        let step = width / bars;
        let max = i64::from(self.max());
        for (index, value) in self.values.iter().enumerate() {
            let x = i32::try_from(index).unwrap_or(0) * step;
            let bar = i32::try_from(i64::from(*value) * i64::from(height - 2) / max).unwrap_or(0);
            // A month without events still shows as a hairline, so the row reads as a timeline.
            let top = height - bar.max(1);
            root.draw(&Rectangle::new(
                [(x + 1, top), (x + step - 1, height)],
                self.color(index).filled(),
            ))
            .map_err(drawing_failed)?;
        }
        Ok(())
    }

    fn draw_full(&self, root: &DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), Error> {
        let bars = u32::try_from(self.values.len()).unwrap_or(0);
        let max = self.max();
        let mut chart = ChartBuilder::on(root)
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(36)
            .build_cartesian_2d(
                (0u32..bars.max(1)).into_segmented(),
                // Floats: plotters' integer axes overflow on some ranges (its key points
                // multiply by 10 until they fit).
                0f64..f64::from(max) * 1.125 + 1.0,
            )
            .map_err(drawing_failed)?;
        let labels = self.labels;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_max_light_lines(1)
            .x_labels(labels.len().max(1))
            .y_labels(5)
            .x_label_formatter(&|value| match value {
                SegmentValue::CenterOf(index) => usize::try_from(*index)
                    .ok()
                    .and_then(|index| labels.get(index))
                    .map(|label| label.split(' ').next().unwrap_or_default().to_owned())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .y_label_formatter(&|value| {
                // Whole numbers of events only.
                if value.fract() == 0.0 {
                    format!("{value:.0}")
                } else {
                    String::new()
                }
            })
            .label_style(("sans-serif", 12))
            .axis_desc_style(("sans-serif", 12))
            .draw()
            .map_err(drawing_failed)?;
        chart
            .draw_series(self.values.iter().enumerate().map(|(index, value)| {
                let x = u32::try_from(index).unwrap_or(0);
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(x), 0.0),
                        (SegmentValue::Exact(x + 1), f64::from(*value)),
                    ],
                    self.color(index).filled(),
                );
                bar.set_margin(0, 0, 3, 3);
                bar
            }))
            .map_err(drawing_failed)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("M{i} 2026")).collect()
    }

    #[test]
    fn a_chart_is_svg_with_its_title_description_and_one_bar_per_value() {
        let labels = labels(15);
        let values: Vec<u32> = (0..15).map(|i| i % 4).collect();
        for size in [ChartSize::Full, ChartSize::Spark] {
            let svg = BarChart {
                id: "chart-rust-berlin",
                title: "Rust <Berlin> & friends",
                labels: &labels,
                values: &values,
                planned_from: 12,
                size,
            }
            .svg()
            .expect("drawn");
            let document = roxmltree::Document::parse(&svg).expect("well-formed SVG");
            let root = document.root_element();
            assert_eq!(root.tag_name().name(), "svg");
            assert_eq!(root.attribute("role"), Some("img"));
            assert!(root.attribute("width").is_none(), "it scales");
            let title = root.children().find(|n| n.has_tag_name("title"));
            assert_eq!(
                title.and_then(|n| n.text()),
                Some("Rust <Berlin> & friends")
            );
            let desc = root
                .children()
                .find(|n| n.has_tag_name("desc"))
                .and_then(|n| n.text())
                .unwrap_or_default();
            match size {
                ChartSize::Full => assert!(desc.contains("M3 2026: 3"), "{desc}"),
                ChartSize::Spark => assert!(desc.contains("as numbers"), "{desc}"),
            }
            let planned = root
                .descendants()
                .filter(|n| n.has_tag_name("rect") && n.attribute("fill") == Some("#9DB9D5"))
                .count();
            assert_eq!(planned, 3, "{size:?}: the current and the next two months");
            assert!(svg.len() < 12_000, "{size:?}: {} bytes", svg.len());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_numbers_are_drawn_without_panicking(
            values in proptest::collection::vec(proptest::num::u32::ANY, 0..30),
            planned_from in 0usize..40,
        ) {
            let labels = labels(values.len());
            for size in [ChartSize::Full, ChartSize::Spark] {
                let svg = BarChart { id: "c", title: "t", labels: &labels, values: &values, planned_from, size }
                    .svg()
                    .expect("drawn");
                proptest::prop_assert!(roxmltree::Document::parse(&svg).is_ok());
            }
        }
    }
}
