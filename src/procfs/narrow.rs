//! Narrowed kinds: `tcp:PORT` (either end on PORT), `tcp@ADDR` and
//! `tcp@ADDR:PORT` (the remote end), likewise for tcp4, tcp6, udp, udp4 and
//! udp6, and `file:GLOB` (regular files whose path matches). Parsing, with
//! the reason when a port, address or glob is invalid, and matching against
//! a socket of the tables or a file's path, without allocating.

use super::glob::Glob;
use super::kinds::Kind;
use super::tcp::Sock;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A narrowed kind, with the text it was given as (its column name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Narrow {
    text: String,
    pub(crate) sel: Sel,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Sel {
    /// Sockets of `proto` (one of the tcp and udp kinds) with `port` on
    /// either end, or whose remote end is `peer` (and `peer_port`).
    Net {
        proto: Kind,
        port: Option<u16>,
        peer: Option<IpAddr>,
        peer_port: Option<u16>,
    },
    File(Glob),
}

/// A socket's protocol and family as the sampler knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inet {
    Tcp4,
    Tcp6,
    Udp4,
    Udp6,
}

impl Inet {
    pub fn is_tcp(self) -> bool {
        matches!(self, Inet::Tcp4 | Inet::Tcp6)
    }

    pub fn is_v6(self) -> bool {
        matches!(self, Inet::Tcp6 | Inet::Udp6)
    }

    /// Whether kind `k` (tcp, tcp4, ..., udp6) takes in this protocol.
    pub fn in_kind(self, k: Kind) -> bool {
        match k {
            Kind::Tcp => self.is_tcp(),
            Kind::Udp => !self.is_tcp(),
            Kind::Tcp4 => self == Inet::Tcp4,
            Kind::Tcp6 => self == Inet::Tcp6,
            Kind::Udp4 => self == Inet::Udp4,
            Kind::Udp6 => self == Inet::Udp6,
            _ => false,
        }
    }
}

/// The remote address of a table socket, an IPv4-mapped IPv6 address as
/// its IPv4 form.
pub fn remote_ip(s: &Sock) -> IpAddr {
    if !s.v6 {
        let [a, b, c, d, ..] = s.remote;
        return IpAddr::V4(Ipv4Addr::new(a, b, c, d));
    }
    let v6 = Ipv6Addr::from(s.remote);
    match v6.to_ipv4_mapped() {
        Some(v4) => IpAddr::V4(v4),
        None => IpAddr::V6(v6),
    }
}

impl Narrow {
    /// Parses a narrowed kind; `Ok(None)` when `s` is not one (a plain kind
    /// or an unknown name), `Err` with a message naming what is invalid.
    pub fn parse(s: &str) -> Result<Option<Narrow>, String> {
        if let Some(g) = s.strip_prefix("file:") {
            let glob =
                Glob::new(g).map_err(|why| format!("invalid glob \"{g}\" in -k {s}: {why}"))?;
            return Ok(Some(Narrow {
                text: s.to_string(),
                sel: Sel::File(glob),
            }));
        }
        let Some(at) = s.find([':', '@']) else {
            return Ok(None);
        };
        let proto = match Kind::parse(&s[..at]) {
            Some(
                k @ (Kind::Tcp | Kind::Tcp4 | Kind::Tcp6 | Kind::Udp | Kind::Udp4 | Kind::Udp6),
            ) => k,
            _ => return Ok(None),
        };
        let rest = &s[at + 1..];
        let port = |p: &str| -> Result<u16, String> {
            match p.parse::<u16>() {
                Ok(n) if n > 0 && !p.starts_with('+') => Ok(n),
                _ => Err(format!(
                    "invalid port \"{p}\" in -k {s}: expected a number from 1 to 65535"
                )),
            }
        };
        let sel = if s.as_bytes()[at] == b':' {
            Sel::Net {
                proto,
                port: Some(port(rest)?),
                peer: None,
                peer_port: None,
            }
        } else {
            let bad = || {
                format!(
                    "invalid address \"{rest}\" in -k {s}: expected an IPv4 address, \
                     an IPv6 address in brackets, either with :PORT"
                )
            };
            let (addr, pp) = if let Some(v6) = rest.strip_prefix('[') {
                let close = v6.find(']').ok_or_else(bad)?;
                let a: Ipv6Addr = v6[..close].parse().map_err(|_| bad())?;
                let tail = &v6[close + 1..];
                let pp = match tail {
                    "" => None,
                    t => Some(port(t.strip_prefix(':').ok_or_else(bad)?)?),
                };
                // An IPv4-mapped peer is its IPv4 form, as sockets are matched.
                let ip = a.to_ipv4_mapped().map_or(IpAddr::V6(a), IpAddr::V4);
                (ip, pp)
            } else if rest.matches(':').count() > 1 {
                return Err(bad()); // IPv6 without brackets
            } else {
                let (a, pp) = match rest.split_once(':') {
                    Some((a, p)) => (a, Some(port(p)?)),
                    None => (rest, None),
                };
                let a: Ipv4Addr = a.parse().map_err(|_| bad())?;
                (IpAddr::V4(a), pp)
            };
            if matches!(proto, Kind::Tcp4 | Kind::Udp4) && addr.is_ipv6() {
                return Err(format!(
                    "invalid address \"{rest}\" in -k {s}: an IPv6 peer of an IPv4 socket"
                ));
            }
            Sel::Net {
                proto,
                port: None,
                peer: Some(addr),
                peer_port: pp,
            }
        };
        Ok(Some(Narrow {
            text: s.to_string(),
            sel,
        }))
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_tcp(&self) -> bool {
        matches!(&self.sel, Sel::Net { proto, .. } if matches!(proto, Kind::Tcp | Kind::Tcp4 | Kind::Tcp6))
    }

    /// The kind it narrows and the Prometheus label it becomes beside
    /// `kind=` (`port="5432"`, `peer="10.0.0.5"`, `glob="/var/log/*"`).
    pub fn label(&self) -> (Kind, &'static str, Label<'_>) {
        match &self.sel {
            Sel::File(_) => (Kind::File, "glob", Label::Glob(&self.text["file:".len()..])),
            Sel::Net {
                proto,
                port: Some(p),
                ..
            } => (*proto, "port", Label::Port(*p)),
            Sel::Net {
                proto,
                peer,
                peer_port,
                ..
            } => (
                *proto,
                "peer",
                Label::Peer(
                    peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
                    *peer_port,
                ),
            ),
        }
    }
}

/// A label value, written without allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label<'a> {
    Port(u16),
    Peer(IpAddr, Option<u16>),
    /// Text from the user: escape it for the exposition.
    Glob(&'a str),
}

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Label::Port(p) => write!(f, "{p}"),
            Label::Peer(IpAddr::V6(a), Some(p)) => write!(f, "[{a}]:{p}"),
            Label::Peer(a, Some(p)) => write!(f, "{a}:{p}"),
            Label::Peer(a, None) => write!(f, "{a}"),
            Label::Glob(g) => f.write_str(g),
        }
    }
}

impl Sel {
    /// Whether an inet socket of protocol `pr` with table entry `s` (None:
    /// in no table, so unbound) is in this narrowed kind.
    pub fn matches_sock(&self, pr: Inet, s: Option<&Sock>) -> bool {
        let Sel::Net {
            proto,
            port,
            peer,
            peer_port,
        } = self
        else {
            return false;
        };
        if !pr.in_kind(*proto) {
            return false;
        }
        let Some(s) = s else { return false };
        if let Some(p) = port {
            return s.lport == *p || s.rport == *p;
        }
        if let Some(a) = peer {
            if s.rport == 0 && s.remote == [0; 16] {
                return false; // not connected
            }
            if peer_port.is_some_and(|p| p != s.rport) {
                return false;
            }
            return remote_ip(s) == *a;
        }
        true
    }

    pub fn matches_path(&self, path: &[u8]) -> bool {
        match self {
            Sel::File(g) => g.matches(path),
            Sel::Net { .. } => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        Narrow::parse(s).unwrap_err()
    }

    #[test]
    fn parses_ports_peers_and_globs() {
        assert_eq!(Narrow::parse("tcp").unwrap(), None);
        assert_eq!(Narrow::parse("bogus:1").unwrap(), None);
        let n = Narrow::parse("tcp:5432").unwrap().unwrap();
        assert_eq!(n.text(), "tcp:5432");
        assert!(n.is_tcp());
        assert_eq!(n.label().1, "port");
        assert_eq!(n.label().2.to_string(), "5432");
        let n = Narrow::parse("tcp@10.0.0.5:5432").unwrap().unwrap();
        assert_eq!(n.label().2.to_string(), "10.0.0.5:5432");
        let n = Narrow::parse("tcp6@[::1]:80").unwrap().unwrap();
        assert_eq!(n.label().2.to_string(), "[::1]:80");
        let n = Narrow::parse("tcp@[::ffff:10.0.0.5]").unwrap().unwrap();
        assert_eq!(n.label().2.to_string(), "10.0.0.5");
        let n = Narrow::parse("udp4:53").unwrap().unwrap();
        assert!(!n.is_tcp());
        let n = Narrow::parse("file:/var/log/*").unwrap().unwrap();
        assert_eq!(n.label(), (Kind::File, "glob", Label::Glob("/var/log/*")));
    }

    #[test]
    fn invalid_ones_name_what_is_wrong() {
        assert!(err("tcp:0").contains("invalid port \"0\""));
        assert!(err("tcp:65536").contains("\"65536\""));
        assert!(err("tcp:http").contains("\"http\""));
        assert!(err("tcp:").contains("invalid port"));
        assert!(err("tcp@10.0.0").contains("invalid address \"10.0.0\""));
        assert!(err("tcp@::1").contains("invalid address"));
        assert!(err("tcp@[::1").contains("invalid address"));
        assert!(err("tcp@[::1]x").contains("invalid address"));
        assert!(err("tcp@1.2.3.4:x").contains("invalid port \"x\""));
        assert!(err("tcp4@[::1]").contains("IPv6"));
        assert!(err("file:[ab").contains("invalid glob \"[ab\""));
        assert!(err("file:").contains("invalid glob"));
    }

    #[test]
    fn matching_sockets() {
        let mut s = Sock {
            ino: 1,
            state: 1,
            v6: true,
            lport: 40000,
            rport: 5432,
            ..Sock::default()
        };
        s.remote[10] = 0xff;
        s.remote[11] = 0xff;
        s.remote[12..].copy_from_slice(&[10, 0, 0, 5]);
        let sel = |t: &str| Narrow::parse(t).unwrap().unwrap().sel;
        assert!(sel("tcp@10.0.0.5").matches_sock(Inet::Tcp6, Some(&s)));
        assert!(sel("tcp@10.0.0.5:5432").matches_sock(Inet::Tcp6, Some(&s)));
        assert!(!sel("tcp@10.0.0.5:5433").matches_sock(Inet::Tcp6, Some(&s)));
        assert!(!sel("tcp4@10.0.0.5").matches_sock(Inet::Tcp6, Some(&s)));
        assert!(sel("tcp:5432").matches_sock(Inet::Tcp6, Some(&s)));
        assert!(sel("tcp:40000").matches_sock(Inet::Tcp6, Some(&s)));
        assert!(!sel("udp:5432").matches_sock(Inet::Tcp6, Some(&s)));
        assert!(!sel("tcp:5432").matches_sock(Inet::Tcp6, None));
    }
}
