//! tsplot's charts: the [`model`] of what is drawn, the [`ticks`] that label
//! it, and one [`Renderer`] per output format ([`ascii`] for the terminal,
//! [`svg`], [`html`]). A renderer turns the whole model into one string;
//! none of them prints.

pub mod ascii;
pub mod html;
pub mod model;
pub mod store;
pub mod svg;
pub mod ticks;

use std::path::Path;

pub use model::{Bounds, Chart, Mark, Series, MAX_SERIES};
pub use store::{Bucket, Store, MAX_BUCKETS};

use crate::time::zone::Zone;

/// A picture of the whole chart in one format.
pub trait Renderer {
    /// The chart as the format's text (braille lines, an SVG document, an
    /// HTML page).
    fn render(&self, chart: &Chart) -> String;
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Ascii,
    Svg,
    Html,
}

impl Format {
    /// The format a file name asks for: `.svg`, `.html`/`.htm`, or text.
    pub fn of_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(e) if e == "svg" => Format::Svg,
            Some(e) if e == "html" || e == "htm" => Format::Html,
            _ => Format::Ascii,
        }
    }
}

/// How to draw, whatever the format: sizes are characters for the terminal
/// and pixels for SVG (the HTML page fills its window).
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub width: u16,
    pub height: u16,
    pub color: bool,
    pub zone: Zone,
}

/// The renderer for `format`.
pub fn renderer(format: Format, style: Style) -> Box<dyn Renderer> {
    match format {
        Format::Ascii => Box::new(ascii::Options {
            width: style.width,
            height: style.height,
            color: style.color,
            zone: style.zone,
        }),
        Format::Svg => Box::new(svg::Options {
            width: u32::from(style.width),
            height: u32::from(style.height),
            zone: style.zone,
        }),
        Format::Html => Box::new(html::Options { zone: style.zone }),
    }
}
