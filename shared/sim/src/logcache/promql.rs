//! The PromQL subset Log Cache is asked for here: one instant-vector selector.

/// One label matcher. Log Cache compares every non-source_id matcher by equality, whatever
/// the operator, so the operator only matters for `source_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Matcher {
    pub(crate) label: String,
    pub(crate) op: String,
    pub(crate) value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Selector {
    pub(crate) metric: String,
    pub(crate) matchers: Vec<Matcher>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum QueryError {
    #[error("query does not request any source_ids")]
    NoSourceIds,
    #[error("parse error at char {at}: {message}")]
    Parse { at: usize, message: String },
    #[error("unsupported by the foundation simulator (only a single instant vector selector is): {0}")]
    Unsupported(String),
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.text[self.pos..].starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> String {
        let start = self.pos;
        while let Some(c) = self.peek() {
            let ok = c.is_ascii_alphanumeric() || c == '_' || c == ':';
            if !ok || (self.pos == start && c.is_ascii_digit()) {
                break;
            }
            self.pos += c.len_utf8();
        }
        self.text[start..self.pos].to_owned()
    }

    fn error(&self, message: &str) -> QueryError {
        QueryError::Parse { at: self.pos, message: message.to_owned() }
    }

    fn string(&mut self) -> Result<String, QueryError> {
        let Some(quote) = self.peek().filter(|c| *c == '"' || *c == '\'' || *c == '`') else {
            return Err(self.error("expected a quoted label value"));
        };
        self.pos += 1;
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.pos += c.len_utf8();
            if c == quote {
                return Ok(out);
            }
            if c == '\\' && quote != '`' {
                let Some(next) = self.peek() else { break };
                self.pos += next.len_utf8();
                out.push(match next {
                    'n' => '\n',
                    't' => '\t',
                    other => other,
                });
            } else {
                out.push(c);
            }
        }
        Err(self.error("unterminated string"))
    }
}

pub(crate) fn parse(query: &str) -> Result<Selector, QueryError> {
    let mut c = Cursor { text: query, pos: 0 };
    c.skip_ws();
    let metric = c.ident();
    c.skip_ws();
    if c.peek() == Some('(') {
        return Err(QueryError::Unsupported(format!("function or aggregation '{metric}'")));
    }
    let mut matchers = Vec::new();
    if c.eat("{") {
        loop {
            c.skip_ws();
            if c.eat("}") {
                break;
            }
            let label = c.ident();
            if label.is_empty() {
                return Err(c.error("expected a label name"));
            }
            c.skip_ws();
            let op = ["=~", "!~", "!=", "="]
                .into_iter()
                .find(|op| c.eat(op))
                .ok_or_else(|| c.error("expected a matcher operator"))?;
            c.skip_ws();
            let value = c.string()?;
            matchers.push(Matcher { label, op: op.to_owned(), value });
            c.skip_ws();
            if c.eat(",") {
                continue;
            }
            if c.eat("}") {
                break;
            }
            return Err(c.error("expected ',' or '}'"));
        }
    } else if metric.is_empty() {
        return Err(c.error("expected a metric name or selector"));
    }
    c.skip_ws();
    if c.pos < query.len() {
        let rest = &query[c.pos..];
        return Err(QueryError::Unsupported(format!("'{rest}' after the selector")));
    }
    let metric = match metric.is_empty() {
        true => matchers.iter().find(|m| m.label == "__name__").map(|m| m.value.clone()).unwrap_or_default(),
        false => metric,
    };
    let selector = Selector { metric, matchers };
    if selector.source_ids().is_empty() {
        return Err(QueryError::NoSourceIds);
    }
    Ok(selector)
}

impl Selector {
    /// `source_id="x"` or `source_id=~"a|b|c"` (split on `|`, never evaluated as a regex).
    pub(crate) fn source_ids(&self) -> Vec<&str> {
        self.matchers
            .iter()
            .filter(|m| m.label == "source_id" && (m.op == "=" || m.op == "=~"))
            .flat_map(|m| m.value.split('|'))
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Matchers other than source_id and the metric name, all compared by equality.
    pub(crate) fn other_matchers(&self) -> impl Iterator<Item = &Matcher> {
        self.matchers.iter().filter(|m| m.label != "source_id" && m.label != "__name__")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_selector_with_alternation() {
        let s = parse(r#"memory{source_id=~"a|b|c", deployment="cf-1"}"#).unwrap();
        assert_eq!(s.metric, "memory");
        assert_eq!(s.source_ids(), vec!["a", "b", "c"]);
        assert_eq!(s.other_matchers().count(), 1);
    }

    #[test]
    fn rejects_missing_source_id_and_functions() {
        assert_eq!(parse("CapacityTotalMemory").err(), Some(QueryError::NoSourceIds));
        assert_eq!(parse(r#"CapacityTotalMemory{job="x"}"#).err(), Some(QueryError::NoSourceIds));
        assert!(matches!(parse(r#"sum(memory{source_id="a"})"#), Err(QueryError::Unsupported(_))));
        assert!(matches!(parse(r#"memory{source_id="a"}[5m]"#), Err(QueryError::Unsupported(_))));
        assert!(matches!(parse(r#"memory{source_id="a""#), Err(QueryError::Parse { .. })));
    }
}
