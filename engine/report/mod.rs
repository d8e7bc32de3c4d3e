//! Values → text, JSON, Markdown, HTML, xlsx, JUnit and SARIF for people and
//! programs. Reports render; they decide nothing.
