//! A small deterministic generator (splitmix64), so failures reproduce and
//! benchmarks feed the same data every run: the report tests and
//! examples/report-bench.rs (which includes this file) share it.
#![allow(dead_code)]

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box-Muller).
    pub fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// Roughly normal and cheaper: the sum of four uniforms, centred and
    /// scaled.
    pub fn noise(&mut self) -> f64 {
        let mut s = 0.0;
        for _ in 0..4 {
            s += self.uniform();
        }
        (s - 2.0) * 1.732
    }
}
