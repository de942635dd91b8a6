//! The kind types: what fdcount can count ([`Kind`]), one sample's values
//! ([`Counts`]) and the TCP states `-s` narrows to ([`States`]).

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
}

impl Kind {
    /// Every kind, in the order the help text lists them.
    pub const LIST: [Kind; 16] = [
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
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::LIST.into_iter().find(|k| k.name() == s)
    }

    /// Whether the kind is a count of file descriptors (not rss or threads).
    pub fn is_fd(self) -> bool {
        !matches!(self, Kind::Rss | Kind::Threads)
    }

    /// Whether `-s` narrows this kind.
    pub fn is_tcp(self) -> bool {
        matches!(self, Kind::Tcp | Kind::Tcp4 | Kind::Tcp6)
    }
}

/// One sample's values, indexed by [`Kind`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts([u64; 16]);

impl Counts {
    pub fn get(&self, k: Kind) -> u64 {
        self.0[k as usize]
    }

    pub(crate) fn add(&mut self, k: Kind, n: u64) {
        self.0[k as usize] += n;
    }

    pub(crate) fn set(&mut self, k: Kind, n: u64) {
        self.0[k as usize] = n;
    }

    /// Adds every value of `o` (summing processes for `-C`).
    pub fn accumulate(&mut self, o: &Counts) {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a += b;
        }
    }

    pub fn clear(&mut self) {
        self.0 = [0; 16];
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
