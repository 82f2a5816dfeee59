//! Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, then the family's samples.

use std::fmt::Write;

use ajib_transport::{HistogramSnapshot, LATENCY_BUCKETS};

/// The `Content-Type` of what [`Exposition`] writes.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A metric family's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Only goes up (until a restart); its name ends in `_total`.
    Counter,
    /// Goes up and down.
    Gauge,
    /// Observations in cumulative `_bucket{le=..}` series, with `_sum` and `_count`.
    Histogram,
}

/// A page of metrics being written; every family's header comes before its samples.
#[derive(Debug, Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    /// Starts family `name`: its help line and type.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) {
        let kind = match kind {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        };
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.out, "# HELP {name} {help}");
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    /// One sample of a counter or gauge.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: u64) {
        self.line(name, labels, None, &value.to_string());
    }

    /// One sample with a fractional value.
    pub fn sample_f64(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.line(name, labels, None, &float(value));
    }

    /// The `_bucket`, `_sum` and `_count` series of one histogram.
    pub fn histogram(&mut self, name: &str, labels: &[(&str, &str)], snapshot: &HistogramSnapshot) {
        let bucket = format!("{name}_bucket");
        for (bound, count) in LATENCY_BUCKETS.iter().zip(snapshot.cumulative) {
            self.line(&bucket, labels, Some(&float(*bound)), &count.to_string());
        }
        self.line(&bucket, labels, Some("+Inf"), &snapshot.count.to_string());
        self.line(
            &format!("{name}_sum"),
            labels,
            None,
            &float(snapshot.sum_secs),
        );
        self.line(
            &format!("{name}_count"),
            labels,
            None,
            &snapshot.count.to_string(),
        );
    }

    /// The page written so far.
    #[must_use]
    pub fn finish(self) -> String {
        self.out
    }

    fn line(&mut self, name: &str, labels: &[(&str, &str)], le: Option<&str>, value: &str) {
        self.out.push_str(name);
        let mut pairs = labels
            .iter()
            .copied()
            .chain(le.map(|it| ("le", it)))
            .peekable();
        if pairs.peek().is_some() {
            self.out.push('{');
            for (idx, (label, value)) in pairs.enumerate() {
                if idx > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{label}=\"{}\"", escape_label(value));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {value}");
    }
}

/// A label value with `\`, `"` and newlines escaped.
fn escape_label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// A float as Prometheus reads it (Rust never writes an exponent, so `0.005` stays `0.005`).
fn float(value: f64) -> String {
    match value {
        v if v.is_nan() => "NaN".to_owned(),
        v if v == f64::INFINITY => "+Inf".to_owned(),
        v if v == f64::NEG_INFINITY => "-Inf".to_owned(),
        v => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_family_is_its_header_then_its_samples() {
        let mut page = Exposition::default();
        page.family("ajib_orders", Kind::Gauge, "Orders by status.");
        page.sample("ajib_orders", &[("status", "paid")], 3);
        page.sample("ajib_orders", &[("status", "a\"b\\c\nd")], 0);
        page.family("ajib_up", Kind::Gauge, "Always 1.");
        page.sample_f64("ajib_up", &[], 1.0);
        assert_eq!(
            page.finish(),
            "# HELP ajib_orders Orders by status.\n# TYPE ajib_orders gauge\n\
             ajib_orders{status=\"paid\"} 3\najib_orders{status=\"a\\\"b\\\\c\\nd\"} 0\n\
             # HELP ajib_up Always 1.\n# TYPE ajib_up gauge\najib_up 1\n"
        );
    }

    #[test]
    fn a_histogram_has_every_bucket_then_inf_sum_and_count() {
        let histogram = ajib_transport::Histogram::default();
        histogram.observe(std::time::Duration::from_millis(30));
        histogram.observe(std::time::Duration::from_secs(40));
        let mut page = Exposition::default();
        page.histogram("x_seconds", &[("op", "get")], &histogram.snapshot());
        let page = page.finish();
        let lines: Vec<&str> = page.lines().collect();
        assert_eq!(lines.len(), LATENCY_BUCKETS.len() + 3);
        assert_eq!(lines[0], "x_seconds_bucket{op=\"get\",le=\"0.005\"} 0");
        assert_eq!(lines[3], "x_seconds_bucket{op=\"get\",le=\"0.05\"} 1");
        assert_eq!(lines[12], "x_seconds_bucket{op=\"get\",le=\"30\"} 1");
        assert_eq!(lines[13], "x_seconds_bucket{op=\"get\",le=\"+Inf\"} 2");
        assert_eq!(lines[14], "x_seconds_sum{op=\"get\"} 40.03");
        assert_eq!(lines[15], "x_seconds_count{op=\"get\"} 2");
    }
}
