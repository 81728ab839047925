//! Paginated lists. CC takes a while to render a page of 5,000 resources, so once the first
//! page says how many there are, the others are read a few at a time instead of one by one.

use std::collections::HashSet;

use futures::{StreamExt, TryStreamExt, stream};
use serde::de::DeserializeOwned;
use url::Url;

use super::{CfClient, wire};
use crate::ClientError;

/// Pages read at once: enough to hide CC's render time, few enough that a huge foundation's
/// pages (about 9 MB of JSON each) do not pile up in memory.
const CONCURRENT_PAGES: usize = 4;

/// More pages than this (50 million resources at 5,000 a page) is not a real foundation.
const MAX_PAGES: u64 = 10_000;

impl CfClient {
    /// Lists every resource of a paginated endpoint, in CC's order. `path` must not carry
    /// `per_page`; it is added here. After the first page, pages 2..=`total_pages` are read
    /// concurrently when `next.href` numbers its page 2 and `total_pages` agrees with
    /// `total_results`; otherwise `next.href` is followed page by page.
    pub async fn list<T: DeserializeOwned>(&self, route: &'static str, path: &str) -> Result<Vec<T>, ClientError> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let first_url = self.url(route, &format!("{path}{separator}per_page={}", self.per_page))?;
        // Boxed: request futures are large, and every list of the crawl holds some at once.
        let first: wire::Page<T> = Box::pin(self.get_url(route, &first_url)).await?;
        let Some(next) = first.pagination.next.as_ref() else { return Ok(first.resources) };
        let next = self.same_origin(route, &next.href)?;
        let mut all = first.resources;
        if let Some(last) = self.numbered_pages(&first.pagination, &next) {
            all.reserve(usize::try_from(first.pagination.total_results.unwrap_or(0)).unwrap_or(0).min(1_000_000));
            let urls: Vec<Url> = (2..=last).map(|page| with_page(&next, page)).collect();
            let mut pages = stream::iter(urls)
                .map(|url| async move { Box::pin(self.get_url::<wire::Page<T>>(route, &url)).await })
                .buffered(CONCURRENT_PAGES);
            let mut read = 1;
            while let Some(page) = pages.try_next().await? {
                read += 1;
                // The last page must be the last one CC knows of; anything else means the
                // list changed shape under us, and a partial list would be a wrong answer.
                if (read == last) != page.pagination.next.is_none() {
                    return Err(self.protocol(route, "pagination changed while the pages were read"));
                }
                all.extend(page.resources);
            }
            return Ok(all);
        }
        Box::pin(self.follow_next(route, next, first_url, all)).await
    }

    /// The last page number, when the pages can be read by number.
    fn numbered_pages(&self, pagination: &wire::Pagination, next: &Url) -> Option<u64> {
        let pages = pagination.total_pages?;
        let expected = pagination.total_results?.div_ceil(u64::from(self.per_page)).max(1);
        (pages == expected && (2..=MAX_PAGES).contains(&pages) && page_number(next) == Some(2)).then_some(pages)
    }

    async fn follow_next<T: DeserializeOwned>(
        &self,
        route: &'static str,
        mut url: Url,
        first_url: Url,
        mut all: Vec<T>,
    ) -> Result<Vec<T>, ClientError> {
        let mut seen = HashSet::from([first_url.to_string()]);
        loop {
            if !seen.insert(url.to_string()) || seen.len() as u64 > MAX_PAGES {
                return Err(self.protocol(route, "pagination loops back to a page already read"));
            }
            let page: wire::Page<T> = self.get_url(route, &url).await?;
            all.extend(page.resources);
            match page.pagination.next {
                Some(next) => url = self.same_origin(route, &next.href)?,
                None => return Ok(all),
            }
        }
    }
}

fn page_number(url: &Url) -> Option<u64> {
    url.query_pairs().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok())
}

/// `url` with its `page` parameter set to `page`, every other parameter kept in order.
fn with_page(url: &Url, page: u64) -> Url {
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let value = if k == "page" { page.to_string() } else { v.into_owned() };
            (k.into_owned(), value)
        })
        .collect();
    let mut out = url.clone();
    out.query_pairs_mut().clear().extend_pairs(pairs);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_renumbered_keeping_every_other_parameter() {
        let next = Url::parse("https://api.example.com/v3/processes?embed=process_instances&page=2&per_page=5000").ok();
        let Some(next) = next else { panic!("test URL") };
        assert_eq!(page_number(&next), Some(2));
        assert_eq!(
            with_page(&next, 7).as_str(),
            "https://api.example.com/v3/processes?embed=process_instances&page=7&per_page=5000"
        );
        let unnumbered = Url::parse("https://api.example.com/v3/apps?per_page=5000").ok();
        assert_eq!(unnumbered.as_ref().and_then(page_number), None);
    }
}
