//! CC v3's strict query handling and the pagination envelope.

use std::collections::HashSet;

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::server::respond::{cf_bad_query, json};

pub(crate) const PER_PAGE_DEFAULT: usize = 50;
pub(crate) const PER_PAGE_MAX: usize = 5000;

#[derive(Debug)]
pub(crate) struct ListQuery {
    pub(crate) params: Vec<(String, String)>,
    pub(crate) page: usize,
    pub(crate) per_page: usize,
    pub(crate) order_by: String,
    pub(crate) descending: bool,
}

pub(crate) fn parse_params(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned().collect()
}

/// Rejects parameters CC would not accept, with CC's wording.
pub(crate) fn reject_unknown(params: &[(String, String)], valid: &[&str]) -> Result<(), Response> {
    let mut unknown: Vec<&str> = Vec::new();
    for (key, _) in params {
        // Relational filters such as `created_ats[gt]` validate by their base name.
        let base = key.split('[').next().unwrap_or(key);
        if !valid.contains(&base) && !unknown.contains(&key.as_str()) {
            unknown.push(key);
        }
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let quote = |items: &[&str]| items.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ");
    Err(cf_bad_query(&format!(
        "Unknown query parameter(s): {}. Valid parameters are: {}",
        quote(&unknown),
        quote(valid)
    )))
}

impl ListQuery {
    pub(crate) fn parse(raw: Option<&str>, valid: &[&str], order_fields: &[&str]) -> Result<Self, Response> {
        let params = parse_params(raw);
        reject_unknown(&params, valid)?;
        let mut query = ListQuery {
            params,
            page: 1,
            per_page: PER_PAGE_DEFAULT,
            order_by: "created_at".to_owned(),
            descending: false,
        };
        if let Some(page) = query.get("page") {
            query.page = page
                .parse::<usize>()
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| cf_bad_query("Page must be greater than 0"))?;
        }
        if let Some(per_page) = query.get("per_page") {
            query.per_page = per_page
                .parse::<usize>()
                .ok()
                .filter(|p| (1..=PER_PAGE_MAX).contains(p))
                .ok_or_else(|| cf_bad_query("Per page must be between 1 and 5000"))?;
        }
        if let Some(order) = query.get("order_by").map(str::to_owned) {
            let (descending, field) = match order.strip_prefix('-') {
                Some(f) => (true, f),
                None => (false, order.strip_prefix('+').unwrap_or(&order)),
            };
            if !order_fields.contains(&field) {
                let allowed = order_fields.iter().map(|f| format!("'{f}'")).collect::<Vec<_>>().join(", ");
                return Err(cf_bad_query(&format!("Order by can only be: {allowed}")));
            }
            query.order_by = field.to_owned();
            query.descending = descending;
        }
        Ok(query)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.params.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// A comma-separated filter as a set of values (None when absent).
    pub(crate) fn list(&self, key: &str) -> Option<HashSet<&str>> {
        self.get(key).map(|v| v.split(',').filter(|s| !s.is_empty()).collect())
    }

    /// Values of `include` / `embed`, validated against what the endpoint supports.
    pub(crate) fn options(&self, key: &str, allowed: &[&str]) -> Result<Vec<String>, Response> {
        let Some(raw) = self.get(key) else { return Ok(Vec::new()) };
        let mut out = Vec::new();
        for value in raw.split(',').filter(|s| !s.is_empty()) {
            if !allowed.contains(&value) {
                let valid = allowed.iter().map(|f| format!("'{f}'")).collect::<Vec<_>>().join(", ");
                let what = if key == "include" { "Invalid included resource" } else { "Invalid embedded resource" };
                return Err(cf_bad_query(&format!("{what}: '{value}'. Valid resources are: {valid}")));
            }
            out.push(value.to_owned());
        }
        Ok(out)
    }

    /// Rejects filters the simulator accepts as valid but does not evaluate.
    pub(crate) fn unsupported(&self, keys: &[&str]) -> Result<(), Response> {
        for (key, _) in &self.params {
            let base = key.split('[').next().unwrap_or(key);
            if keys.contains(&base) {
                return Err(cf_bad_query(&format!(
                    "'{base}' is valid but not implemented by the foundation simulator"
                )));
            }
        }
        Ok(())
    }

    fn href(&self, base: &str, page: usize) -> Value {
        let mut params: Vec<(&str, String)> = self
            .params
            .iter()
            .filter(|(k, _)| k != "page" && k != "per_page")
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        params.push(("page", page.to_string()));
        params.push(("per_page", self.per_page.to_string()));
        // Rails' Hash#to_query sorts keys.
        params.sort_by(|a, b| a.0.cmp(b.0));
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &params {
            serializer.append_pair(k, v);
        }
        json!({"href": format!("{base}?{}", serializer.finish())})
    }

    /// The page of `ids` this query asks for, with CC's pagination object.
    pub(crate) fn page_of<'a>(&self, base: &str, ids: &'a [u32]) -> (Value, &'a [u32]) {
        let total = ids.len();
        let total_pages = total.div_ceil(self.per_page).max(1);
        let start = (self.page - 1).saturating_mul(self.per_page).min(total);
        let end = (start + self.per_page).min(total);
        let pagination = json!({
            "total_results": total,
            "total_pages": total_pages,
            "first": self.href(base, 1),
            "last": self.href(base, total_pages),
            "next": if self.page < total_pages { self.href(base, self.page + 1) } else { Value::Null },
            "previous": if self.page > 1 { self.href(base, self.page - 1) } else { Value::Null },
        });
        (pagination, ids.get(start..end).unwrap_or(&[]))
    }
}

/// `{"pagination":…,"resources":[…]}` (+ `included`).
pub(crate) fn list_response(pagination: Value, resources: Vec<Value>, included: Option<Value>) -> Response {
    let mut body = json!({"pagination": pagination, "resources": resources});
    if let (Some(included), Some(map)) = (included, body.as_object_mut()) {
        map.insert("included".to_owned(), included);
    }
    json(StatusCode::OK, &body)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_repeat_the_query_sorted() {
        let q =
            ListQuery::parse(Some("space_guids=a,b&per_page=2"), &["page", "per_page", "space_guids"], &["created_at"])
                .unwrap();
        let ids = [1, 2, 3, 4, 5];
        let (pagination, page) = q.page_of("http://x/v3/apps", &ids);
        assert_eq!(page, &[1, 2]);
        assert_eq!(pagination["next"]["href"], "http://x/v3/apps?page=2&per_page=2&space_guids=a%2Cb");
        assert_eq!(pagination["total_pages"], 3);
        assert!(pagination["previous"].is_null());
    }

    #[test]
    fn unknown_and_out_of_range_params_are_rejected() {
        assert!(ListQuery::parse(Some("states=STARTED"), &["page"], &[]).is_err());
        assert!(ListQuery::parse(Some("per_page=5001"), &["per_page"], &[]).is_err());
        assert!(ListQuery::parse(Some("per_page=0"), &["per_page"], &[]).is_err());
        assert!(ListQuery::parse(Some("created_ats[gt]=x"), &["created_ats"], &[]).is_ok());
    }
}
