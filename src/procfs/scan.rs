//! The sampler: [`Scanner`] turns the kinds asked for into a plan, walks a
//! process's fd directory once per sample, and fills [`Counts`]. All its
//! scratch space is allocated when it is made, so a sample allocates
//! nothing.

use super::classify::{classify, sock_proto, Class, Devs, Proto};
use super::dents::{Dents, Stop};
use super::kinds::{Counts, Kind, States};
use super::tcp::{Net, Sock, AF_INET, AF_INET6, IPPROTO_TCP};
use super::{Proc, ProcError};
use std::ffi::CStr;

/// What a sample has to compute, derived from the kinds asked for.
#[derive(Clone, Copy, Debug, Default)]
struct Plan {
    /// Classify every fd (anything beyond `all`).
    scan: bool,
    /// Read sockets' protocol.
    proto: bool,
    all: bool,
    rss: bool,
    threads: bool,
}

/// The reusable state of sampling: scratch buffers allocated once and the
/// plan of what to compute. One `Scanner` samples any number of processes.
pub struct Scanner {
    plan: Plan,
    states: States,
    devs: Devs,
    /// getxattrat(2) works here (cleared on the first ENOSYS).
    xattrat: bool,
    pub(crate) net: Net,
    dents: Dents,
    /// Inodes of the TCP sockets seen this sample (v6 flag): matched against
    /// the state tables when `-s` is given.
    tcp: Vec<(u64, bool)>,
}

fn dir_error(e: Stop<ProcError>) -> ProcError {
    match e {
        Stop::By(e) => e,
        Stop::Sys(e) => ProcError::from_errno("fd directory", e.raw_os_error()),
    }
}

impl Scanner {
    /// A scanner for `kinds`; `states` narrows the tcp kinds (empty: all).
    pub fn new(kinds: &[Kind], states: States) -> Scanner {
        let any = |ks: &[Kind]| kinds.iter().any(|k| ks.contains(k));
        let scan = kinds.iter().any(|k| k.is_fd() && *k != Kind::All);
        let plan = Plan {
            scan,
            proto: any(&[
                Kind::Inet,
                Kind::Tcp,
                Kind::Tcp4,
                Kind::Tcp6,
                Kind::Udp,
                Kind::Udp4,
                Kind::Udp6,
                Kind::Unix,
            ]),
            all: kinds.contains(&Kind::All),
            rss: kinds.contains(&Kind::Rss),
            threads: kinds.contains(&Kind::Threads),
        };
        let want_tcp = !states.is_empty() && kinds.iter().any(|k| k.is_tcp());
        Scanner {
            plan,
            states: if want_tcp { states } else { States::default() },
            devs: if scan { Devs::learn() } else { Devs::BLIND },
            xattrat: true,
            net: Net::new(want_tcp),
            dents: Dents::default(),
            tcp: Vec::with_capacity(if want_tcp { 1024 } else { 0 }),
        }
    }

    /// One sample of `p` into `out` (overwritten).
    pub fn sample(&mut self, p: &Proc, out: &mut Counts) -> Result<(), ProcError> {
        out.clear();
        let mut maybe_gone = false;
        if self.plan.scan {
            self.scan(p, out)?;
            maybe_gone |= out.get(Kind::All) == 0;
        } else if self.plan.all {
            let n = self.count_all(p)?;
            out.set(Kind::All, n);
            maybe_gone |= n == 0;
        }
        if self.plan.rss {
            let kib = p.rss_kib()?;
            out.set(Kind::Rss, kib);
            maybe_gone |= kib == 0;
        }
        if self.plan.threads {
            let mut buf = [0u8; 1024];
            match p.threads_or_zombie(&mut buf)? {
                Some(n) => out.set(Kind::Threads, n),
                None => return Err(ProcError::Exited),
            }
        }
        // A live process with no fds and no memory is rare (kernel threads);
        // a zombie always looks like that, so only then is it worth a look.
        if maybe_gone && p.is_zombie()? {
            return Err(ProcError::Exited);
        }
        Ok(())
    }

    pub(crate) fn count_all(&mut self, p: &Proc) -> Result<u64, ProcError> {
        let st = rustix::fs::fstat(p.fd_dir())
            .map_err(|e| ProcError::from_errno("fd directory", e.raw_os_error()))?;
        if st.st_size > 0 {
            return Ok(st.st_size as u64);
        }
        // Before Linux 6.2 the size is always 0: count the entries.
        self.count_listed(p)
    }

    pub(crate) fn count_listed(&mut self, p: &Proc) -> Result<u64, ProcError> {
        let mut n = 0;
        self.dents
            .each(p.fd_dir(), |_| {
                n += 1;
                Ok(())
            })
            .map_err(dir_error)?;
        Ok(n)
    }

    fn scan(&mut self, p: &Proc, out: &mut Counts) -> Result<(), ProcError> {
        let dir = p.fd_dir();
        let plan = self.plan;
        let devs = self.devs;
        let want_states = !self.states.is_empty();
        let mut xattrat = self.xattrat;
        self.tcp.clear();
        let tcp = &mut self.tcp;
        let r = self.dents.each(dir, |name: &CStr| {
            let Some(class) = classify(dir, name, devs, p)? else {
                return Ok(()); // closed since the directory was read
            };
            let ino = match class {
                Class::Socket(ino) => ino,
                other => {
                    out.add(Kind::All, 1);
                    out.add(
                        match other {
                            Class::File => Kind::File,
                            Class::Pipe => Kind::Pipe,
                            Class::Anon => Kind::Anon,
                            _ => Kind::Other,
                        },
                        1,
                    );
                    return Ok(());
                }
            };
            let pr = if plan.proto {
                match sock_proto(dir, name, p, &mut xattrat)? {
                    Some(pr) => pr,
                    None => return Ok(()),
                }
            } else {
                Proto::Other
            };
            out.add(Kind::All, 1);
            out.add(Kind::Socket, 1);
            let (family, k) = match pr {
                Proto::Tcp4 => (Kind::Tcp, Kind::Tcp4),
                Proto::Tcp6 => (Kind::Tcp, Kind::Tcp6),
                Proto::Udp4 => (Kind::Udp, Kind::Udp4),
                Proto::Udp6 => (Kind::Udp, Kind::Udp6),
                Proto::OtherInet => (Kind::Inet, Kind::Inet),
                Proto::Unix => {
                    out.add(Kind::Unix, 1);
                    return Ok(());
                }
                Proto::Other => return Ok(()),
            };
            out.add(Kind::Inet, 1);
            if family != Kind::Inet {
                out.add(family, 1);
                out.add(k, 1);
            }
            if want_states && family == Kind::Tcp {
                tcp.push((ino, pr == Proto::Tcp6));
            }
            Ok(())
        });
        self.xattrat = xattrat;
        r.map_err(dir_error)?;
        if want_states {
            self.count_states(p, out)?;
        }
        Ok(())
    }

    /// Replaces the tcp counts by the counts of sockets in the wanted
    /// states, matching socket inodes against the target's TCP tables.
    fn count_states(&mut self, p: &Proc, out: &mut Counts) -> Result<(), ProcError> {
        self.tcp.sort_unstable();
        let n6 = self.tcp.iter().filter(|t| t.1).count() as u64;
        let n4 = self.tcp.len() as u64 - n6;
        let mut by_state = [[0u64; 16]; 2];
        let tcp = &self.tcp;
        // Each socket of the table, counted by state for each fd on it.
        let tally = |s: &Sock, by_state: &mut [[u64; 16]; 2]| -> u64 {
            let lo = tcp.partition_point(|t| t.0 < s.ino);
            let hi = tcp.partition_point(|t| t.0 <= s.ino);
            let n = tcp[lo..hi].iter().filter(|t| t.1 == s.v6).count() as u64;
            by_state[s.v6 as usize][(s.state & 15) as usize] += n;
            n
        };
        // sock_diag answers for our own network namespace only, and in a
        // fraction of the time the /proc tables take (they walk the whole
        // connection hash table on every read).
        let mut tables = true;
        if self.net.diag_for(p) {
            let r = (|| {
                if n4 > 0 {
                    self.net.dump(AF_INET, IPPROTO_TCP, |s| {
                        tally(s, &mut by_state);
                    })?;
                }
                if n6 > 0 {
                    self.net.dump(AF_INET6, IPPROTO_TCP, |s| {
                        tally(s, &mut by_state);
                    })?;
                }
                Ok::<(), rustix::io::Errno>(())
            })();
            match r {
                Ok(()) => tables = false,
                Err(_) => {
                    // Refused here (a sandbox): the tables from now on.
                    self.net.diag = None;
                    by_state = [[0; 16]; 2];
                }
            }
        }
        if tables {
            if n4 > 0 {
                self.net
                    .table(p, c"net/tcp", false, n4, |s| tally(s, &mut by_state))?;
            }
            if n6 > 0 {
                self.net
                    .table(p, c"net/tcp6", true, n6, |s| tally(s, &mut by_state))?;
            }
        }
        // Sockets in no table were never bound or connected, or are closed:
        // their state is CLOSE.
        let [mut in4, mut in6] = by_state;
        in4[7] += n4 - in4.iter().sum::<u64>();
        in6[7] += n6 - in6.iter().sum::<u64>();
        let pick = |t: &[u64; 16]| -> u64 {
            (0..16u8)
                .filter(|&s| self.states.contains(s))
                .map(|s| t[s as usize])
                .sum()
        };
        let (t4, t6) = (pick(&in4), pick(&in6));
        out.set(Kind::Tcp4, t4);
        out.set(Kind::Tcp6, t6);
        out.set(Kind::Tcp, t4 + t6);
        Ok(())
    }
}
