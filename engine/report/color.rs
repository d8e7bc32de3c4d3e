//! ANSI colour for terminal reports. The CLI decides whether colour is on
//! (stdout is a terminal and `NO_COLOR` is unset); reports only obey.

/// Colours a report may use; every method returns the text unchanged when
/// colour is off.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Palette {
    /// Whether to emit escape sequences.
    pub enabled: bool,
}

impl Palette {
    /// Returns a palette that colours when `enabled`.
    pub fn new(enabled: bool) -> Self {
        Palette { enabled }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Added lines: green.
    pub fn added(self, text: &str) -> String {
        self.paint("32", text)
    }

    /// Removed lines: red.
    pub fn removed(self, text: &str) -> String {
        self.paint("31", text)
    }

    /// Modified lines: yellow.
    pub fn modified(self, text: &str) -> String {
        self.paint("33", text)
    }

    /// Moved lines: cyan.
    pub fn moved(self, text: &str) -> String {
        self.paint("36", text)
    }

    /// Headings (device names): bold.
    pub fn heading(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// Context (section paths, bodies, notes): dim.
    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_means_plain_text() {
        assert_eq!(Palette::new(false).added("+ x"), "+ x");
        assert_eq!(Palette::new(true).added("+ x"), "\x1b[32m+ x\x1b[0m");
    }
}
