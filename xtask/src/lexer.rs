//! A small Rust tokenizer for the compliance checks.
//!
//! It is not a full Rust lexer: it only needs to be exact about what is *not* code — line, block
//! (nested) and doc comments, string literals (normal, byte, C, raw with any number of `#`), char
//! and byte literals (including `'"'` and `'\''`) and lifetimes — so that the rules, which match on
//! identifiers and punctuation, never fire on text inside a comment or a string. Every token
//! carries the 1-based line it starts on.

/// What a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword; raw identifiers (`r#type`) are stored without the `r#`.
    Ident,
    /// A lifetime or label such as `'a`; `text` excludes the quote.
    Lifetime,
    /// One punctuation character (`::` is two `:` tokens).
    Punct,
    /// A string literal of any flavour; `text` is the source text between the quotes, escapes
    /// left as written.
    Str,
    /// A char or byte literal; `text` is the source text between the quotes.
    Char,
    /// A numeric literal, suffix included.
    Number,
}

/// One token of Rust source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: Kind,
    /// Its text (see [`Kind`] for what is included).
    pub text: String,
    /// 1-based line where the token starts.
    pub line: usize,
}

impl Token {
    /// Is this the identifier (or keyword) `name`?
    pub fn is_ident(&self, name: &str) -> bool {
        self.kind == Kind::Ident && self.text == name
    }

    /// Is this the punctuation character `c`?
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.len() == c.len_utf8() && self.text.starts_with(c)
    }
}

/// Splits Rust source into tokens, dropping whitespace and comments. Never fails: unterminated
/// comments and literals run to the end of the input.
pub fn tokenize(src: &str) -> Vec<Token> {
    Lexer {
        chars: src.chars().collect(),
        pos: 0,
        line: 1,
        tokens: Vec::new(),
    }
    .run()
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    tokens: Vec<Token>,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    /// Moves one char forward, counting lines.
    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn push(&mut self, kind: Kind, text: String, line: usize) {
        self.tokens.push(Token { kind, text, line });
    }

    fn run(mut self) -> Vec<Token> {
        // A shebang line is not Rust code (but `#![attr]` is).
        if self.peek(0) == Some('#') && self.peek(1) == Some('!') && self.peek(2) != Some('[') {
            while let Some(c) = self.peek(0) {
                if c == '\n' {
                    break;
                }
                self.bump();
            }
        }
        while let Some(c) = self.peek(0) {
            let line = self.line;
            if c.is_whitespace() {
                self.bump();
            } else if c == '/' && self.peek(1) == Some('/') {
                while let Some(c) = self.peek(0) {
                    if c == '\n' {
                        break;
                    }
                    self.bump();
                }
            } else if c == '/' && self.peek(1) == Some('*') {
                self.block_comment();
            } else if c == '"' {
                self.bump();
                let text = self.quoted('"');
                self.push(Kind::Str, text, line);
            } else if c == '\'' {
                self.quote_or_lifetime(line);
            } else if let Some(hashes) = self.raw_string_prefix() {
                let text = self.raw_string(hashes);
                self.push(Kind::Str, text, line);
            } else if (c == 'b' || c == 'c') && self.peek(1) == Some('"') {
                self.bump();
                self.bump();
                let text = self.quoted('"');
                self.push(Kind::Str, text, line);
            } else if c == 'b' && self.peek(1) == Some('\'') {
                self.bump();
                self.bump();
                let text = self.quoted('\'');
                self.push(Kind::Char, text, line);
            } else if c == 'r'
                && self.peek(1) == Some('#')
                && self.peek(2).is_some_and(is_ident_start)
            {
                self.bump();
                self.bump();
                let text = self.ident();
                self.push(Kind::Ident, text, line);
            } else if is_ident_start(c) {
                let text = self.ident();
                self.push(Kind::Ident, text, line);
            } else if c.is_ascii_digit() {
                let text = self.number();
                self.push(Kind::Number, text, line);
            } else {
                self.bump();
                self.push(Kind::Punct, c.to_string(), line);
            }
        }
        self.tokens
    }

    fn block_comment(&mut self) {
        self.bump();
        self.bump();
        let mut depth = 1usize;
        while depth > 0 {
            match (self.peek(0), self.peek(1)) {
                (None, _) => break,
                (Some('/'), Some('*')) => {
                    self.bump();
                    self.bump();
                    depth += 1;
                }
                (Some('*'), Some('/')) => {
                    self.bump();
                    self.bump();
                    depth -= 1;
                }
                _ => {
                    self.bump();
                }
            }
        }
    }

    /// After the opening quote: reads up to the unescaped `close`, which is consumed.
    fn quoted(&mut self, close: char) -> String {
        let mut text = String::new();
        while let Some(c) = self.bump() {
            if c == '\\' {
                text.push(c);
                if let Some(escaped) = self.bump() {
                    text.push(escaped);
                }
            } else if c == close {
                break;
            } else {
                text.push(c);
            }
        }
        text
    }

    /// At `'`: a char literal (`'a'`, `'"'`, `'\''`, `'\u{1F600}'`) or a lifetime/label (`'a`).
    fn quote_or_lifetime(&mut self, line: usize) {
        let next = self.peek(1);
        let is_char = match next {
            Some('\\') => true,
            Some(_) => self.peek(2) == Some('\''),
            None => false,
        };
        self.bump();
        if is_char {
            let text = self.quoted('\'');
            self.push(Kind::Char, text, line);
        } else if next.is_some_and(is_ident_start) {
            let text = self.ident();
            self.push(Kind::Lifetime, text, line);
        } else {
            self.push(Kind::Punct, "'".to_owned(), line);
        }
    }

    /// If a raw string starts here (`r"`, `r#"`, `br##"`, `cr"` …), consumes the prefix and
    /// returns the number of `#`.
    fn raw_string_prefix(&mut self) -> Option<usize> {
        let mut i = match (self.peek(0), self.peek(1)) {
            (Some('r'), _) => 1,
            (Some('b' | 'c'), Some('r')) => 2,
            _ => return None,
        };
        let mut hashes = 0;
        while self.peek(i) == Some('#') {
            hashes += 1;
            i += 1;
        }
        if self.peek(i) != Some('"') {
            return None;
        }
        for _ in 0..=i {
            self.bump();
        }
        Some(hashes)
    }

    /// After the opening `"` of a raw string with `hashes` hashes.
    fn raw_string(&mut self, hashes: usize) -> String {
        let mut text = String::new();
        while let Some(c) = self.bump() {
            if c == '"' && (0..hashes).all(|i| self.peek(i) == Some('#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                break;
            }
            text.push(c);
        }
        text
    }

    fn ident(&mut self) -> String {
        let mut text = String::new();
        while let Some(c) = self.peek(0).filter(|&c| is_ident_continue(c)) {
            text.push(c);
            self.bump();
        }
        text
    }

    fn number(&mut self) -> String {
        let mut text = String::new();
        while let Some(c) = self.peek(0) {
            let fraction = c == '.' && self.peek(1).is_some_and(|d| d.is_ascii_digit());
            if !(is_ident_continue(c) || fraction) {
                break;
            }
            text.push(c);
            self.bump();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idents(src: &str) -> Vec<(String, usize)> {
        tokenize(src)
            .into_iter()
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| (t.text, t.line))
            .collect()
    }

    #[test]
    fn comments_are_dropped() {
        let src = "a // b c\n/* d /* nested e */ f */ g\n/// doc h\n//! inner i\n/** j */ k";
        assert_eq!(
            idents(src),
            vec![("a".into(), 1), ("g".into(), 2), ("k".into(), 5)]
        );
    }

    #[test]
    fn strings_are_single_tokens() {
        let toks = tokenize(r#"x("a // not \" a comment", b"y", c"z") w"#);
        let strs: Vec<_> = toks
            .iter()
            .filter(|t| t.kind == Kind::Str)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(strs, vec![r#"a // not \" a comment"#, "y", "z"]);
        assert_eq!(
            idents(r#"x("a // b", b"y") w"#),
            vec![("x".into(), 1), ("w".into(), 1)]
        );
    }

    #[test]
    fn raw_strings() {
        let src = "a r\"json!(x)\" b r#\"he said \"hi\" json!\"# c br##\"x\"# y\"## d\ne";
        assert_eq!(
            idents(src),
            vec![
                ("a".into(), 1),
                ("b".into(), 1),
                ("c".into(), 1),
                ("d".into(), 1),
                ("e".into(), 2)
            ]
        );
        let strs: Vec<_> = tokenize(src)
            .into_iter()
            .filter(|t| t.kind == Kind::Str)
            .map(|t| t.text)
            .collect();
        assert_eq!(strs, vec!["json!(x)", "he said \"hi\" json!", "x\"# y"]);
    }

    #[test]
    fn chars_and_lifetimes() {
        let src = "fn f<'a>(x: &'a str) { let q = '\"'; let e = '\\''; let u = '\\u{1F600}'; let b = b'\"'; 'outer: loop {} }\nafter";
        let toks = tokenize(src);
        let chars: Vec<_> = toks
            .iter()
            .filter(|t| t.kind == Kind::Char)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(chars, vec!["\"", "\\'", "\\u{1F600}", "\""]);
        let lifetimes: Vec<_> = toks
            .iter()
            .filter(|t| t.kind == Kind::Lifetime)
            .map(|t| t.text.as_str())
            .collect();
        assert_eq!(lifetimes, vec!["a", "a", "outer"]);
        assert!(toks.iter().all(|t| t.kind != Kind::Str));
        assert_eq!(
            toks.last().map(|t| (t.text.as_str(), t.line)),
            Some(("after", 2))
        );
    }

    #[test]
    fn raw_identifiers_and_numbers() {
        let toks = tokenize("r#type 1.5e3 0..2 x.0");
        let texts: Vec<_> = toks.iter().map(|t| (t.kind, t.text.as_str())).collect();
        assert_eq!(
            texts,
            vec![
                (Kind::Ident, "type"),
                (Kind::Number, "1.5e3"),
                (Kind::Number, "0"),
                (Kind::Punct, "."),
                (Kind::Punct, "."),
                (Kind::Number, "2"),
                (Kind::Ident, "x"),
                (Kind::Punct, "."),
                (Kind::Number, "0"),
            ]
        );
    }

    #[test]
    fn multiline_literals_count_lines() {
        let src = "a \"one\ntwo\" r#\"three\nfour\"# /* five\nsix */ b";
        assert_eq!(idents(src), vec![("a".into(), 1), ("b".into(), 4)]);
    }

    #[test]
    fn unterminated_input_does_not_hang() {
        assert_eq!(tokenize("a \"never closed").len(), 2);
        assert_eq!(tokenize("a /* never closed").len(), 1);
        assert_eq!(tokenize("a r#\"never closed").len(), 2);
        assert_eq!(tokenize("'").len(), 1);
    }
}
