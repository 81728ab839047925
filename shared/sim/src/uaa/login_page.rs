//! The HTML of the browser sign-in: the login form and the error page. Plain forms, no script.

use std::fmt::Write as _;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const STYLE: &str = "body{font-family:sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}\
label,input,button{display:block;width:100%;box-sizing:border-box}\
input{margin:.25rem 0 1rem;padding:.5rem}button{padding:.6rem}\
.error{color:#a40000;border:1px solid #a40000;padding:.5rem;margin-bottom:1rem}";

/// Escapes text for HTML element content and double- or single-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} — foundation-sim UAA</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        title = escape(title),
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html;charset=UTF-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    response
}

/// The sign-in form. `hidden` carries the authorization request to `POST /login.do`; the
/// username is kept after a failed attempt, the password never is.
pub(crate) fn login_form(status: StatusCode, hidden: &[(&str, &str)], username: &str, error: Option<&str>) -> Response {
    let mut body = String::from("<main>\n<h1>Sign in</h1>\n<p>Simulated Cloud Foundry UAA (fake users only).</p>\n");
    if let Some(error) = error {
        let _ = writeln!(body, "<p class=\"error\" role=\"alert\">{}</p>", escape(error));
    }
    body.push_str("<form method=\"post\" action=\"/login.do\" autocomplete=\"off\">\n");
    for (name, value) in hidden {
        let _ = writeln!(body, "<input type=\"hidden\" name=\"{}\" value=\"{}\">", escape(name), escape(value));
    }
    let _ = write!(
        body,
        "<label for=\"username\">Username</label>\n\
         <input id=\"username\" name=\"username\" type=\"text\" autocomplete=\"username\" required value=\"{}\">\n\
         <label for=\"password\">Password</label>\n\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\n\
         <button type=\"submit\">Sign in</button>\n</form>\n</main>\n",
        escape(username),
    );
    page(status, "Sign in", &body)
}

/// UAA's error page for requests it cannot redirect back (unknown client, bad redirect URI).
pub(crate) fn error_page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<main>\n<h1>Something went amiss.</h1>\n<p class=\"error\" role=\"alert\">{}</p>\n</main>\n",
        escape(message)
    );
    page(status, "Error", &body)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    async fn text(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[tokio::test]
    async fn form_has_labelled_inputs_hidden_fields_and_no_script() {
        let hidden = [("state", "s\"<1>"), ("client_id", "dash")];
        let response = login_form(StatusCode::UNAUTHORIZED, &hidden, "bob<", Some("Unable to verify"));
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let html = text(response).await;
        for needle in [
            "<label for=\"username\">",
            "<label for=\"password\">",
            "id=\"username\"",
            "id=\"password\"",
            ">Sign in</button>",
            "name=\"state\" value=\"s&quot;&lt;1&gt;\"",
            "value=\"bob&lt;\"",
            "Unable to verify",
        ] {
            assert!(html.contains(needle), "{needle} missing in {html}");
        }
        assert!(!html.contains("<script"));
    }
}
