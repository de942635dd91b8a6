//! The kind types: what fdcount can count ([`Kind`]), a column of output
//! ([`Col`]: a kind or a narrowed kind), one sample's values ([`Counts`])
//! and the TCP states `-s` narrows to ([`States`]).

use super::narrow::Narrow;

/// What fdcount can count. The discriminant indexes [`Counts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    All,
    File,
    Socket,
    Inet,
    Tcp,
    Tcp4,
    Tcp6,
    Udp,
    Udp4,
    Udp6,
    Unix,
    Pipe,
    Anon,
    Other,
    Rss,
    Threads,
    Limit,
    RssAnon,
    Swap,
}

impl Kind {
    /// Every kind, in the order the help text lists them.
    pub const LIST: [Kind; 19] = [
        Kind::All,
        Kind::File,
        Kind::Socket,
        Kind::Inet,
        Kind::Tcp,
        Kind::Tcp4,
        Kind::Tcp6,
        Kind::Udp,
        Kind::Udp4,
        Kind::Udp6,
        Kind::Unix,
        Kind::Pipe,
        Kind::Anon,
        Kind::Other,
        Kind::Rss,
        Kind::Threads,
        Kind::Limit,
        Kind::RssAnon,
        Kind::Swap,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::All => "all",
            Kind::File => "file",
            Kind::Socket => "socket",
            Kind::Inet => "inet",
            Kind::Tcp => "tcp",
            Kind::Tcp4 => "tcp4",
            Kind::Tcp6 => "tcp6",
            Kind::Udp => "udp",
            Kind::Udp4 => "udp4",
            Kind::Udp6 => "udp6",
            Kind::Unix => "unix",
            Kind::Pipe => "pipe",
            Kind::Anon => "anon",
            Kind::Other => "other",
            Kind::Rss => "rss",
            Kind::Threads => "threads",
            Kind::Limit => "limit",
            Kind::RssAnon => "rss-anon",
            Kind::Swap => "swap",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::LIST.into_iter().find(|k| k.name() == s)
    }

    /// Whether the kind is a count of file descriptors (not memory,
    /// threads or the fd limit).
    pub fn is_fd(self) -> bool {
        !matches!(
            self,
            Kind::Rss | Kind::Threads | Kind::Limit | Kind::RssAnon | Kind::Swap
        )
    }

    /// Whether counting it needs each socket's protocol, not only that
    /// it is a socket.
    pub fn needs_proto(self) -> bool {
        matches!(
            self,
            Kind::Inet
                | Kind::Tcp
                | Kind::Tcp4
                | Kind::Tcp6
                | Kind::Udp
                | Kind::Udp4
                | Kind::Udp6
                | Kind::Unix
        )
    }

    pub fn is_udp(self) -> bool {
        matches!(self, Kind::Udp | Kind::Udp4 | Kind::Udp6)
    }

    /// Whether `-s` narrows this kind.
    pub fn is_tcp(self) -> bool {
        matches!(self, Kind::Tcp | Kind::Tcp4 | Kind::Tcp6)
    }
}

/// A column of output: a kind, or a narrowed kind whose count sits at
/// `slot` of [`Counts`]'s narrowed values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Col {
    Kind(Kind),
    Narrow { slot: usize, narrow: Narrow },
}

impl Col {
    /// The column's name as the user gave it (`tcp`, `tcp:5432`).
    pub fn name(&self) -> &str {
        match self {
            Col::Kind(k) => k.name(),
            Col::Narrow { narrow, .. } => narrow.text(),
        }
    }

    /// Whether it counts file descriptors (needs the fd directory).
    pub fn is_fd(&self) -> bool {
        match self {
            Col::Kind(k) => k.is_fd(),
            Col::Narrow { .. } => true,
        }
    }

    /// Whether `-s` narrows it.
    pub fn is_tcp(&self) -> bool {
        match self {
            Col::Kind(k) => k.is_tcp(),
            Col::Narrow { narrow, .. } => narrow.is_tcp(),
        }
    }

    pub fn kind(&self) -> Option<Kind> {
        match self {
            Col::Kind(k) => Some(*k),
            Col::Narrow { .. } => None,
        }
    }
}

/// At most this many narrowed kinds in one `-k`.
pub const NARROW_MAX: usize = 16;

/// The value of `limit` when the soft limit is unlimited.
pub const UNLIMITED: u64 = u64::MAX;

/// TCP states are 1..=11; index 0 is unused.
pub(crate) const NSTATES: usize = 12;

/// One sample's values, indexed by [`Kind`] and narrowed-kind slot, with
/// the TCP kinds also kept by state (for one Prometheus sample per state).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counts {
    k: [u64; Kind::LIST.len()],
    n: [u64; NARROW_MAX],
    /// tcp, tcp4, tcp6 by state (filled when the tables were read).
    pub(crate) ks: [[u64; NSTATES]; 3],
    /// Narrowed tcp kinds by state.
    pub(crate) ns: [[u64; NSTATES]; NARROW_MAX],
}

impl Default for Counts {
    fn default() -> Counts {
        Counts {
            k: [0; Kind::LIST.len()],
            n: [0; NARROW_MAX],
            ks: [[0; NSTATES]; 3],
            ns: [[0; NSTATES]; NARROW_MAX],
        }
    }
}

impl Counts {
    pub fn get(&self, k: Kind) -> u64 {
        self.k[k as usize]
    }

    /// The value of a column; `None` for a limit that is unlimited.
    pub fn value(&self, c: &Col) -> Option<u64> {
        match c {
            Col::Kind(Kind::Limit) if self.get(Kind::Limit) == UNLIMITED => None,
            Col::Kind(k) => Some(self.get(*k)),
            Col::Narrow { slot, .. } => Some(self.n[*slot]),
        }
    }

    /// The count of a TCP column in state `st` (only meaningful with `-s`).
    pub fn by_state(&self, c: &Col, st: u8) -> u64 {
        let st = st as usize % NSTATES;
        match c {
            Col::Kind(Kind::Tcp) => self.ks[0][st],
            Col::Kind(Kind::Tcp4) => self.ks[1][st],
            Col::Kind(Kind::Tcp6) => self.ks[2][st],
            Col::Kind(_) => 0,
            Col::Narrow { slot, .. } => self.ns[*slot][st],
        }
    }

    pub(crate) fn add(&mut self, k: Kind, n: u64) {
        self.k[k as usize] += n;
    }

    pub(crate) fn set(&mut self, k: Kind, n: u64) {
        self.k[k as usize] = n;
    }

    pub(crate) fn add_narrow(&mut self, slot: usize, n: u64) {
        self.n[slot] += n;
    }

    /// Adds every value of `o` (summing processes for `-C`), but for the
    /// fd limit, where the tightest one is what a sum of fds runs into.
    pub fn accumulate(&mut self, o: &Counts) {
        let l = Kind::Limit as usize;
        // 0: no process accumulated yet (a soft limit of 0 opens nothing).
        let limit = match self.k[l] {
            0 => o.k[l],
            mine => mine.min(o.k[l]),
        };
        for (a, b) in self.k.iter_mut().zip(o.k) {
            *a = a.saturating_add(b);
        }
        self.k[l] = limit;
        for (a, b) in self.n.iter_mut().zip(o.n) {
            *a += b;
        }
        for (a, b) in self.ks.iter_mut().flatten().zip(o.ks.iter().flatten()) {
            *a += b;
        }
        for (a, b) in self.ns.iter_mut().flatten().zip(o.ns.iter().flatten()) {
            *a += b;
        }
    }

    pub fn clear(&mut self) {
        *self = Counts::default();
    }
}

/// The TCP states, numbered as in the kernel's `st` column.
pub const TCP_STATES: [(&str, u8); 11] = [
    ("established", 1),
    ("syn-sent", 2),
    ("syn-recv", 3),
    ("fin-wait1", 4),
    ("fin-wait2", 5),
    ("time-wait", 6),
    ("close", 7),
    ("close-wait", 8),
    ("last-ack", 9),
    ("listen", 10),
    ("closing", 11),
];

/// A set of TCP states for `-s`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct States(u16);

impl States {
    /// Parses one state name. Case, `_` for `-`, and the spellings of ss(8)
    /// and netstat (`fin-wait-1`, `syn-received`, `closed`, `listening`) are
    /// accepted.
    pub fn parse_one(s: &str) -> Option<u8> {
        let mut buf = [0u8; 16];
        let b = s.as_bytes();
        if b.len() > buf.len() {
            return None;
        }
        for (d, &c) in buf.iter_mut().zip(b) {
            *d = if c == b'_' {
                b'-'
            } else {
                c.to_ascii_lowercase()
            };
        }
        let norm = std::str::from_utf8(&buf[..b.len()]).ok()?;
        let norm = match norm {
            "fin-wait-1" => "fin-wait1",
            "fin-wait-2" => "fin-wait2",
            "syn-received" | "syn-rcvd" => "syn-recv",
            "closed" => "close",
            "listening" => "listen",
            "estab" => "established",
            other => other,
        };
        TCP_STATES
            .iter()
            .find(|(n, _)| *n == norm)
            .map(|&(_, st)| st)
    }

    pub fn insert(&mut self, st: u8) {
        self.0 |= 1 << st;
    }

    pub fn contains(self, st: u8) -> bool {
        st < 16 && self.0 & (1 << st) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The states' names, in kernel order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        TCP_STATES
            .iter()
            .filter(move |(_, st)| self.contains(*st))
            .map(|(n, _)| *n)
    }
}
