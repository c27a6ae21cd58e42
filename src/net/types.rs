//! Validated network values: protocols, port and ICMP type/code ranges, CIDRs, address sets.
//!
//! Raw text (rule fields, `--port 22`, `"8/-1"`) becomes these types at the edge; the engine
//! only ever sees them. A *service* is one (protocol, port) point encoded as
//! `protocol << 16 | port` (for ICMP the "port" is `type << 8 | code`), so a whole rule's
//! protocol and ports are one [`ServiceSet`].

use super::intervals::IntervalSet;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub type PortSet = IntervalSet<u16>;
pub type ServiceSet = IntervalSet<u32>;
pub type V4Set = IntervalSet<u32>;
pub type V6Set = IntervalSet<u128>;

/// The largest service key: protocol 255, port 65535.
pub const SERVICE_MAX: u32 = 0x00FF_FFFF;

/// An IP protocol as a security group or network ACL rule names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// `-1` / `all`: every protocol.
    All,
    /// Any other protocol number (never 1, 6, 17 or 58: those are the named variants).
    Number(u8),
}

impl Protocol {
    /// Parses `tcp`, `udp`, `icmp`, `icmpv6`, `all`, `-1` or a number 0–255
    /// (case-insensitive), as the EC2 API does.
    pub fn parse(s: &str) -> Result<Protocol, String> {
        let t = s.trim().to_ascii_lowercase();
        Ok(match t.as_str() {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "icmp" => Protocol::Icmp,
            "icmpv6" => Protocol::Icmpv6,
            "all" | "-1" => Protocol::All,
            _ => match t.parse::<u16>() {
                Ok(n) if n <= 255 => Protocol::from_number(n as u8),
                _ => {
                    return Err(format!(
                        "invalid protocol '{s}': expected tcp, udp, icmp, icmpv6, all, -1 or a protocol number 0-255"
                    ))
                }
            },
        })
    }

    pub fn from_number(n: u8) -> Protocol {
        match n {
            6 => Protocol::Tcp,
            17 => Protocol::Udp,
            1 => Protocol::Icmp,
            58 => Protocol::Icmpv6,
            n => Protocol::Number(n),
        }
    }

    /// The IANA number; `None` for `All`.
    pub fn number(self) -> Option<u8> {
        match self {
            Protocol::Tcp => Some(6),
            Protocol::Udp => Some(17),
            Protocol::Icmp => Some(1),
            Protocol::Icmpv6 => Some(58),
            Protocol::All => None,
            Protocol::Number(n) => Some(n),
        }
    }

    /// TCP and UDP carry ports; ICMP and ICMPv6 carry type/code; other protocols neither.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }

    pub fn is_icmp(self) -> bool {
        matches!(self, Protocol::Icmp | Protocol::Icmpv6)
    }

    /// The name the EC2 API stores in `IpProtocol`: tcp, udp, icmp, icmpv6, -1, or the number.
    pub fn api_name(self) -> String {
        match self {
            Protocol::Tcp => "tcp".into(),
            Protocol::Udp => "udp".into(),
            Protocol::Icmp => "icmp".into(),
            Protocol::Icmpv6 => "icmpv6".into(),
            Protocol::All => "-1".into(),
            Protocol::Number(n) => n.to_string(),
        }
    }

    /// The number as a network ACL entry stores it (`"6"`, `"-1"`).
    pub fn acl_name(self) -> String {
        match self.number() {
            Some(n) => n.to_string(),
            None => "-1".into(),
        }
    }
}

impl serde::Serialize for Protocol {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("all"),
            p => f.write_str(&p.api_name()),
        }
    }
}

/// The ports (or ICMP types/codes) a rule covers, as AWS stores them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ports {
    /// Every port / type / code (also what AWS stores for protocols without ports).
    All,
    /// TCP/UDP `from..=to`.
    Range(u16, u16),
    /// ICMP type and code; `None` = any (-1).
    Icmp(Option<u8>, Option<u8>),
}

impl Ports {
    /// Parses PORTS text (SPEC §6) for the given protocol: `22`, `1024-65535`, `all`,
    /// `-1`, or for ICMP `TYPE/CODE` with -1 for any. Ports of protocols without ports are
    /// ignored by AWS ("all ports are allowed whatever range is given"): they become `All`.
    pub fn parse(protocol: Protocol, text: Option<&str>) -> Result<Ports, String> {
        let Some(raw) = text else {
            return Ok(Ports::All);
        };
        let t = raw.trim();
        if t.eq_ignore_ascii_case("all") {
            return Ok(Ports::All);
        }
        match protocol {
            Protocol::Tcp | Protocol::Udp => {
                if t == "-1" {
                    return Ok(Ports::All);
                }
                let (a, b) = match t.split_once('-') {
                    Some((a, b)) => (a.trim(), b.trim()),
                    None => (t, t),
                };
                let lo = parse_port(a, raw)?;
                let hi = parse_port(b, raw)?;
                if lo > hi {
                    return Err(format!(
                        "invalid port range '{raw}': the first port is greater than the last"
                    ));
                }
                if lo == 0 && hi == 65535 {
                    Ok(Ports::All)
                } else {
                    Ok(Ports::Range(lo, hi))
                }
            }
            Protocol::Icmp | Protocol::Icmpv6 => {
                let (a, b) = match t.split_once('/') {
                    Some((a, b)) => (a.trim(), Some(b.trim())),
                    None => (t, None),
                };
                let ty = parse_icmp(a, raw)?;
                let code = match b {
                    Some(b) => parse_icmp(b, raw)?,
                    None => None,
                };
                if ty.is_none() && code.is_some() {
                    return Err(format!(
                        "invalid ICMP type/code '{raw}': all types (-1) requires all codes (-1)"
                    ));
                }
                Ok(match (ty, code) {
                    (None, _) => Ports::All,
                    (t, c) => Ports::Icmp(t, c),
                })
            }
            Protocol::All | Protocol::Number(_) => Ok(Ports::All),
        }
    }

    /// Builds from the API's `FromPort`/`ToPort` pair (`-1` meaning all for ICMP).
    pub fn from_api(protocol: Protocol, from: i64, to: i64) -> Result<Ports, String> {
        match protocol {
            Protocol::Tcp | Protocol::Udp => {
                if from == -1 && to == -1 {
                    return Ok(Ports::All);
                }
                if !(0..=65535).contains(&from) {
                    return Err(format!("TCP/UDP port ({from}) out of range"));
                }
                if !(0..=65535).contains(&to) {
                    return Err(format!("TCP/UDP port ({to}) out of range"));
                }
                if from > to {
                    return Err(format!(
                        "Invalid TCP/UDP port range: from port ({from}) is greater than to port ({to})"
                    ));
                }
                Ok(if from == 0 && to == 65535 {
                    Ports::All
                } else {
                    Ports::Range(from as u16, to as u16)
                })
            }
            Protocol::Icmp | Protocol::Icmpv6 => {
                let ty =
                    icmp_num(from).ok_or_else(|| format!("ICMP type ({from}) out of range"))?;
                let code = icmp_num(to).ok_or_else(|| format!("ICMP code ({to}) out of range"))?;
                match (ty, code) {
                    (None, None) => Ok(Ports::All),
                    (None, Some(_)) => Err(format!(
                        "ICMP code ({to}) is not allowed when all ICMP types (-1) are selected"
                    )),
                    (t, c) => Ok(Ports::Icmp(t, c)),
                }
            }
            Protocol::All | Protocol::Number(_) => Ok(Ports::All),
        }
    }

    /// `FromPort`/`ToPort` as the API returns them; `None` where the API omits them (`-1`
    /// protocol).
    pub fn api_pair(self, protocol: Protocol) -> Option<(i64, i64)> {
        match (protocol, self) {
            (Protocol::All, _) => None,
            (Protocol::Number(_), _) => None,
            (Protocol::Tcp | Protocol::Udp, Ports::All) => Some((0, 65535)),
            (_, Ports::All) => Some((-1, -1)),
            (_, Ports::Range(a, b)) => Some((a as i64, b as i64)),
            (_, Ports::Icmp(t, c)) => Some((
                t.map(|t| t as i64).unwrap_or(-1),
                c.map(|c| c as i64).unwrap_or(-1),
            )),
        }
    }

    /// The packet "port" values covered (TCP/UDP ports; ICMP `type << 8 | code`).
    pub fn port_set(self) -> PortSet {
        match self {
            Ports::All => PortSet::full(),
            Ports::Range(a, b) => PortSet::range(a, b),
            Ports::Icmp(None, _) => PortSet::full(),
            Ports::Icmp(Some(t), None) => PortSet::range((t as u16) << 8, (t as u16) << 8 | 0xFF),
            Ports::Icmp(Some(t), Some(c)) => PortSet::single((t as u16) << 8 | c as u16),
        }
    }

    /// Text for people: `22`, `1024-65535`, `all`, `8/0`, `8/any`.
    pub fn describe(self, protocol: Protocol) -> String {
        match (protocol, self) {
            (Protocol::All | Protocol::Number(_), _) => "all".into(),
            (_, Ports::All) => "all".into(),
            (_, Ports::Range(a, b)) if a == b => a.to_string(),
            (_, Ports::Range(a, b)) => format!("{a}-{b}"),
            (_, Ports::Icmp(t, c)) => format!(
                "{}/{}",
                t.map(|t| t.to_string()).unwrap_or("any".into()),
                c.map(|c| c.to_string()).unwrap_or("any".into())
            ),
        }
    }
}

fn parse_port(s: &str, raw: &str) -> Result<u16, String> {
    s.parse::<u16>()
        .map_err(|_| format!("invalid port '{raw}': expected a number 0-65535, N-M or all"))
}

fn parse_icmp(s: &str, raw: &str) -> Result<Option<u8>, String> {
    if s == "-1" || s.eq_ignore_ascii_case("any") {
        return Ok(None);
    }
    s.parse::<u8>().map(Some).map_err(|_| {
        format!("invalid ICMP type/code '{raw}': expected TYPE/CODE with numbers 0-255 or -1")
    })
}

fn icmp_num(n: i64) -> Option<Option<u8>> {
    match n {
        -1 => Some(None),
        0..=255 => Some(Some(n as u8)),
        _ => None,
    }
}

/// The services (protocol × ports) a rule covers.
pub fn service_set(protocol: Protocol, ports: Ports) -> ServiceSet {
    match protocol.number() {
        None => ServiceSet::range(0, SERVICE_MAX),
        Some(n) => {
            let base = (n as u32) << 16;
            let ps = if protocol.has_ports() || protocol.is_icmp() {
                ports.port_set()
            } else {
                PortSet::full()
            };
            ServiceSet::from_ranges(
                ps.ranges()
                    .iter()
                    .map(|&(a, b)| (base | a as u32, base | b as u32))
                    .collect(),
            )
        }
    }
}

/// Whether one packet (protocol number, port — ICMP `type << 8 | code`) is inside what
/// `service_set(protocol, ports)` covers, without building the set.
pub fn covers(protocol: Protocol, ports: Ports, proto: u8, port: u16) -> bool {
    match protocol.number() {
        None => true,
        Some(n) if n != proto => false,
        Some(_) if !(protocol.has_ports() || protocol.is_icmp()) => true,
        Some(_) => match ports {
            Ports::All | Ports::Icmp(None, _) => true,
            Ports::Range(a, b) => (a..=b).contains(&port),
            Ports::Icmp(Some(t), None) => port >> 8 == t as u16,
            Ports::Icmp(Some(t), Some(c)) => port == (t as u16) << 8 | c as u16,
        },
    }
}

/// The port set of protocol `proto` inside a service set.
pub fn ports_of(services: &ServiceSet, proto: u8) -> PortSet {
    let base = (proto as u32) << 16;
    let top = base | 0xFFFF;
    PortSet::from_ranges(
        services
            .ranges()
            .iter()
            .filter(|&&(a, b)| b >= base && a <= top)
            .map(|&(a, b)| ((a.max(base) - base) as u16, (b.min(top) - base) as u16))
            .collect(),
    )
}

/// A set of IPv4 and IPv6 addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddrSet {
    pub v4: V4Set,
    pub v6: V6Set,
}

impl AddrSet {
    pub fn empty() -> Self {
        Self::default()
    }

    pub fn from_net(net: IpNet) -> Self {
        let mut s = Self::empty();
        match net {
            IpNet::V4(n) => s.v4 = v4_range(n),
            IpNet::V6(n) => s.v6 = v6_range(n),
        }
        s
    }

    pub fn single(ip: IpAddr) -> Self {
        Self::from_net(IpNet::from(ip))
    }

    pub fn is_empty(&self) -> bool {
        self.v4.is_empty() && self.v6.is_empty()
    }

    pub fn union(&self, o: &Self) -> Self {
        AddrSet {
            v4: self.v4.union(&o.v4),
            v6: self.v6.union(&o.v6),
        }
    }

    pub fn intersection(&self, o: &Self) -> Self {
        AddrSet {
            v4: self.v4.intersection(&o.v4),
            v6: self.v6.intersection(&o.v6),
        }
    }

    pub fn difference(&self, o: &Self) -> Self {
        AddrSet {
            v4: self.v4.difference(&o.v4),
            v6: self.v6.difference(&o.v6),
        }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => self.v4.contains(u32::from(a)),
            IpAddr::V6(a) => self.v6.contains(u128::from(a)),
        }
    }

    /// The first address, IPv4 first.
    pub fn first(&self) -> Option<IpAddr> {
        self.v4
            .first()
            .map(|a| IpAddr::V4(Ipv4Addr::from(a)))
            .or_else(|| self.v6.first().map(|a| IpAddr::V6(Ipv6Addr::from(a))))
    }

    /// Every address outside the private, shared, loopback, link-local and multicast ranges
    /// (SPEC §4: what `internet` means).
    pub fn internet() -> Self {
        let mut not_public = V4Set::empty();
        for net in [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "224.0.0.0/3",
        ] {
            let n: Ipv4Net = net.parse().expect("constant CIDR");
            not_public = not_public.union(&v4_range(n));
        }
        AddrSet {
            v4: not_public.complement(),
            v6: V6Set::empty(),
        }
    }
}

pub fn v4_range(n: Ipv4Net) -> V4Set {
    V4Set::range(u32::from(n.network()), u32::from(n.broadcast()))
}

pub fn v6_range(n: Ipv6Net) -> V6Set {
    V6Set::range(u128::from(n.network()), u128::from(n.broadcast()))
}

/// Renders an IPv4 range as the fewest CIDRs (for explanations), at most `max` of them.
pub fn v4_range_to_cidrs(lo: u32, hi: u32, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = lo as u64;
    let end = hi as u64;
    while cur <= end && out.len() < max {
        let mut size = if cur == 0 {
            32
        } else {
            cur.trailing_zeros().min(32)
        };
        while size > 0 && cur + (1u64 << size) - 1 > end {
            size -= 1;
        }
        out.push(format!("{}/{}", Ipv4Addr::from(cur as u32), 32 - size));
        cur += 1u64 << size;
    }
    if cur <= end {
        out.push("…".into());
    }
    out
}

/// Parses a CIDR (`10.0.0.0/16`, `::/0`) or a single address (as /32 or /128), in canonical
/// (truncated) form. Host bits set are accepted as AWS does and cleared.
pub fn parse_cidr(s: &str) -> Result<IpNet, String> {
    let t = s.trim();
    if let Ok(n) = t.parse::<IpNet>() {
        return Ok(n.trunc());
    }
    if let Ok(a) = t.parse::<IpAddr>() {
        return Ok(IpNet::from(a));
    }
    Err(format!("CIDR block {t} is malformed"))
}

/// The operating system of a client, which decides its ephemeral ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Os {
    Linux,
    Windows,
}

/// Ephemeral (client) ports, as FACTS.md gives them (nacl-ephemeral-ports.html):
/// Linux 32768–61000, Windows Server 2008+ 49152–65535, unknown 1024–65535.
pub fn ephemeral_ports(os: Option<Os>) -> (u16, u16) {
    match os {
        Some(Os::Linux) => (32768, 61000),
        Some(Os::Windows) => (49152, 65535),
        None => (1024, 65535),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_names_and_numbers_normalise() {
        // FACTS: IpProtocol is tcp, udp, icmp, icmpv6, a number, or -1 (all).
        assert_eq!(Protocol::parse("6").unwrap(), Protocol::Tcp);
        assert_eq!(Protocol::parse("TCP").unwrap(), Protocol::Tcp);
        assert_eq!(Protocol::parse("-1").unwrap(), Protocol::All);
        assert_eq!(Protocol::parse("58").unwrap(), Protocol::Icmpv6);
        assert_eq!(Protocol::parse("47").unwrap(), Protocol::Number(47));
        assert!(Protocol::parse("256").is_err());
        assert!(Protocol::parse("tcpp").is_err());
    }

    #[test]
    fn protocols_without_ports_cover_every_port_whatever_the_range() {
        // FACTS: with -1 or a number other than 6/17/1/58, all ports are allowed whatever
        // range is given.
        let gre = service_set(Protocol::Number(47), Ports::Range(10, 20));
        assert!(gre.contains(47 << 16 | 5000));
        let all = service_set(Protocol::All, Ports::Range(22, 22));
        assert!(all.contains(6 << 16 | 80));
        assert!(all.contains(17 << 16 | 53));
    }

    #[test]
    fn icmp_type_and_code() {
        // FACTS: ICMP FromPort = type, ToPort = code, -1 = all; all types requires all codes.
        let echo = Ports::parse(Protocol::Icmp, Some("8/-1")).unwrap();
        let s = service_set(Protocol::Icmp, echo);
        assert!(s.contains(1 << 16 | 8 << 8));
        assert!(s.contains(1 << 16 | 8 << 8 | 3));
        assert!(!s.contains(1 << 16));
        assert!(Ports::parse(Protocol::Icmp, Some("-1/0")).is_err());
        assert!(Ports::from_api(Protocol::Icmp, -1, 0).is_err());
        assert_eq!(Ports::from_api(Protocol::Icmp, -1, -1).unwrap(), Ports::All);
    }

    #[test]
    fn covers_agrees_with_service_set() {
        let protos = [
            Protocol::Tcp,
            Protocol::Udp,
            Protocol::Icmp,
            Protocol::Icmpv6,
            Protocol::All,
            Protocol::Number(47),
        ];
        let ports = [
            Ports::All,
            Ports::Range(22, 22),
            Ports::Range(1024, 65535),
            Ports::Icmp(Some(8), None),
            Ports::Icmp(Some(8), Some(0)),
            Ports::Icmp(None, None),
        ];
        for p in protos {
            for q in ports {
                let set = service_set(p, q);
                for proto in [1u8, 6, 17, 47, 58] {
                    for port in [0u16, 22, 23, 1024, 2048, 2049, 65535] {
                        assert_eq!(
                            covers(p, q, proto, port),
                            set.contains((proto as u32) << 16 | port as u32),
                            "{p:?} {q:?} {proto} {port}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn port_ranges() {
        assert_eq!(
            Ports::parse(Protocol::Tcp, Some("22")).unwrap(),
            Ports::Range(22, 22)
        );
        assert_eq!(
            Ports::parse(Protocol::Tcp, Some("0-65535")).unwrap(),
            Ports::All
        );
        assert!(Ports::parse(Protocol::Tcp, Some("65536")).is_err());
        assert!(Ports::parse(Protocol::Tcp, Some("30-20")).is_err());
        // FACTS: InvalidPermission.Malformed — TCP/UDP port (-1) out of range.
        assert_eq!(
            Ports::from_api(Protocol::Tcp, -1, 22).unwrap_err(),
            "TCP/UDP port (-1) out of range"
        );
    }

    #[test]
    fn cidrs_are_canonical() {
        // FACTS: CIDRs are stored in canonical form.
        assert_eq!(
            parse_cidr("10.0.1.7/16").unwrap().to_string(),
            "10.0.0.0/16"
        );
        assert_eq!(parse_cidr("10.0.0.5").unwrap().to_string(), "10.0.0.5/32");
        assert_eq!(
            parse_cidr("10.0.0.0/33").unwrap_err(),
            "CIDR block 10.0.0.0/33 is malformed"
        );
    }

    #[test]
    fn internet_excludes_private_ranges() {
        let net = AddrSet::internet();
        for private in [
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "224.0.0.1",
        ] {
            assert!(!net.contains(private.parse().unwrap()), "{private}");
        }
        assert!(net.contains("8.8.8.8".parse().unwrap()));
        assert!(net.contains("203.0.113.9".parse().unwrap()));
    }

    #[test]
    fn ranges_render_as_cidrs() {
        assert_eq!(v4_range_to_cidrs(0, u32::MAX, 4), vec!["0.0.0.0/0"]);
        let lo = u32::from(Ipv4Addr::new(10, 0, 0, 0));
        assert_eq!(
            v4_range_to_cidrs(lo, lo + 2, 4),
            vec!["10.0.0.0/31", "10.0.0.2/32"]
        );
    }
}
