//! Latency samples in an HDR histogram: percentiles without keeping every sample.

use std::time::Duration;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Highest latency recorded exactly: one hour, in microseconds; longer ones count as this.
const MAX_MICROS: u64 = 3_600_000_000;

/// Latencies in microseconds, three significant figures.
#[derive(Clone, Debug)]
pub struct Latencies(Histogram<u64>);

impl Default for Latencies {
    fn default() -> Self {
        Latencies::new()
    }
}

impl Latencies {
    /// An empty histogram.
    pub fn new() -> Latencies {
        Latencies(
            Histogram::new_with_bounds(1, MAX_MICROS, 3)
                .expect("constant bounds are valid: 1 <= low, high >= 2 * low, 3 figures"),
        )
    }

    /// Records one latency (below a microsecond counts as one).
    pub fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.0.saturating_record(micros.clamp(1, MAX_MICROS));
    }

    /// Adds every sample of `other`.
    pub fn merge(&mut self, other: &Latencies) {
        // Both have the same bounds, so no value is out of range.
        self.0
            .add(&other.0)
            .expect("histograms with the same bounds add");
    }

    /// Samples recorded.
    pub fn count(&self) -> u64 {
        self.0.len()
    }

    /// The latency at quantile `q` (0.5: median), in milliseconds; 0 when empty.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.0.value_at_quantile(q) as f64 / 1000.0
    }

    /// Mean latency in milliseconds; 0 when empty.
    pub fn mean_ms(&self) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.0.mean() / 1000.0
    }

    /// The longest latency in milliseconds; 0 when empty.
    pub fn max_ms(&self) -> f64 {
        if self.0.is_empty() {
            return 0.0;
        }
        self.0.max() as f64 / 1000.0
    }

    /// Count, median, 99th percentile and mean.
    pub fn stats(&self) -> LatencyStats {
        LatencyStats {
            queries: usize::try_from(self.count()).unwrap_or(usize::MAX),
            p50_ms: self.quantile_ms(0.50),
            p99_ms: self.quantile_ms(0.99),
            mean_ms: self.mean_ms(),
        }
    }
}

/// Latency percentiles of one engine or endpoint.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LatencyStats {
    /// Samples timed.
    pub queries: usize,
    /// Median latency in milliseconds.
    pub p50_ms: f64,
    /// 99th percentile latency in milliseconds.
    pub p99_ms: f64,
    /// Mean latency in milliseconds.
    pub mean_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_recorded_samples() {
        let mut latencies = Latencies::new();
        for ms in 1..=100 {
            latencies.record(Duration::from_millis(ms));
        }
        let stats = latencies.stats();
        assert_eq!(stats.queries, 100);
        // Three significant figures: within 0.1 % of the exact order statistic.
        assert!((stats.p50_ms - 50.0).abs() <= 0.05, "{}", stats.p50_ms);
        assert!((stats.p99_ms - 99.0).abs() <= 0.1, "{}", stats.p99_ms);
        assert!((stats.mean_ms - 50.5).abs() <= 0.1, "{}", stats.mean_ms);
        assert!((latencies.max_ms() - 100.0).abs() <= 0.1);
    }

    #[test]
    fn merged_histograms_count_every_sample_and_empty_ones_report_zero() {
        let mut a = Latencies::new();
        let mut b = Latencies::new();
        a.record(Duration::from_millis(2));
        b.record(Duration::from_millis(4));
        b.record(Duration::from_nanos(10));
        a.merge(&b);
        assert_eq!(a.count(), 3);
        let empty = Latencies::new().stats();
        assert_eq!((empty.queries, empty.p50_ms, empty.mean_ms), (0, 0.0, 0.0));
    }
}
