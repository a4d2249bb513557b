//! How the network rules read security group rules and network ACL entries: which traffic
//! an entry matches (protocol and port range) and whether its source is the internet.
//!
//! - **The internet** is any IPv4 or IPv6 range whose prefix length is 0: `0.0.0.0/0` or
//!   `::/0`. A narrower range is not the internet, however wide it is (`0.0.0.0/1` and
//!   `128.0.0.0/1` together cover every address but are each treated as a known range).
//! - **Protocols** are named as AWS names them, by name or by number: `-1` or `all` is all
//!   traffic on all ports; `tcp`/`6`, `udp`/`17`, `icmp`/`1` and `icmpv6`/`58` are the same
//!   protocol. Any other protocol (ESP, GRE, …) carries no ports.
//! - **Ports** are evaluated as ranges: a TCP rule on 0–65535 covers port 22. With TCP or
//!   UDP, a missing port or a port of `-1` means every port. ICMP never covers a port (its
//!   "ports" are ICMP types and codes).

use super::named;
use crate::rule::{ParamDefault, ParamSpec};
use ipnet::IpNet;
use soc2scan_model::{NetworkAclEntry, Resource, SecurityGroup, SecurityGroupRule};
use std::fmt;

/// The `admin_ports` parameter shared by the security group and network ACL rules.
pub const ADMIN_PORTS_PARAM: ParamSpec = ParamSpec {
    name: "admin_ports",
    description: "Remote administration ports that must not be open to the internet (22 is checked on TCP, other ports on TCP and UDP)",
    default: ParamDefault::IntegerList(&[22, 3389]),
    min: 0,
    max: 65535,
};

/// A protocol that carries ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Transport {
    /// TCP (protocol 6).
    Tcp,
    /// UDP (protocol 17).
    Udp,
}

impl Transport {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Udp => "udp",
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// TCP and UDP.
pub const TCP_AND_UDP: &[Transport] = &[Transport::Tcp, Transport::Udp];

/// The transports on which an administration port counts as exposed: SSH (22) runs over TCP
/// only; RDP (3389) also listens on UDP, and any other configured port is checked on both,
/// since the scanner cannot know which protocol its service uses.
pub fn admin_port_transports(port: u16) -> &'static [Transport] {
    match port {
        22 => &[Transport::Tcp],
        _ => TCP_AND_UDP,
    }
}

/// One port of one transport (`22/tcp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServicePort {
    /// The port.
    pub port: u16,
    /// Its transport.
    pub transport: Transport,
}

impl fmt::Display for ServicePort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.port, self.transport)
    }
}

/// The traffic a security group rule or network ACL entry matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Traffic {
    /// Every protocol on every port (`-1`).
    All,
    /// TCP or UDP on an inclusive port range.
    Ports {
        /// TCP or UDP.
        transport: Transport,
        /// First port.
        from: u16,
        /// Last port.
        to: u16,
    },
    /// A protocol without ports (ICMP, ICMPv6, ESP, …): it never covers a port.
    Portless {
        /// The protocol as written.
        protocol: String,
    },
}

impl Traffic {
    /// Reads a protocol name or number and a port range as AWS reports them.
    pub fn new(protocol: &str, from_port: Option<i32>, to_port: Option<i32>) -> Traffic {
        let ports = |transport| {
            let (from, to) = match (from_port, to_port) {
                (Some(from), Some(to)) if from != -1 && to != -1 => (port(from), port(to)),
                _ => (0, u16::MAX),
            };
            Traffic::Ports {
                transport,
                from,
                to,
            }
        };
        let protocol = protocol.trim().to_ascii_lowercase();
        match protocol.as_str() {
            "-1" | "all" => Traffic::All,
            "tcp" | "6" => ports(Transport::Tcp),
            "udp" | "17" => ports(Transport::Udp),
            "icmp" | "1" => Traffic::Portless {
                protocol: "icmp".to_string(),
            },
            "icmpv6" | "58" => Traffic::Portless {
                protocol: "icmpv6".to_string(),
            },
            _ => Traffic::Portless { protocol },
        }
    }

    /// The traffic of a security group rule.
    pub fn of_sg_rule(rule: &SecurityGroupRule) -> Traffic {
        Traffic::new(&rule.protocol, rule.from_port, rule.to_port)
    }

    /// The traffic of a network ACL entry.
    pub fn of_nacl_entry(entry: &NetworkAclEntry) -> Traffic {
        Traffic::new(
            &entry.protocol,
            entry.port_range.map(|range| range.from),
            entry.port_range.map(|range| range.to),
        )
    }

    /// Whether this traffic includes `port` over `transport`.
    pub fn covers(&self, service: ServicePort) -> bool {
        match self {
            Traffic::All => true,
            Traffic::Ports {
                transport,
                from,
                to,
            } => *transport == service.transport && (*from..=*to).contains(&service.port),
            Traffic::Portless { .. } => false,
        }
    }

    /// Whether this is all traffic, or TCP or UDP on every port (0–65535).
    pub fn is_all_ports(&self) -> bool {
        matches!(
            self,
            Traffic::All
                | Traffic::Ports {
                    from: 0,
                    to: u16::MAX,
                    ..
                }
        )
    }

    /// The ports among `ports` this traffic covers, each on the transports `transports_of`
    /// gives for it.
    pub fn covered(
        &self,
        ports: &[u16],
        transports_of: impl Fn(u16) -> &'static [Transport],
    ) -> Vec<ServicePort> {
        let mut covered: Vec<ServicePort> = ports
            .iter()
            .flat_map(|&port| {
                transports_of(port)
                    .iter()
                    .map(move |&transport| ServicePort { port, transport })
            })
            .filter(|service| self.covers(*service))
            .collect();
        covered.sort();
        covered.dedup();
        covered
    }
}

impl fmt::Display for Traffic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Traffic::All => f.write_str("all traffic"),
            Traffic::Ports {
                transport,
                from,
                to,
            } if from == to => write!(f, "{transport} port {from}"),
            Traffic::Ports {
                transport,
                from,
                to,
            } => write!(f, "{transport} ports {from}-{to}"),
            Traffic::Portless { protocol } => write!(f, "protocol {protocol}"),
        }
    }
}

fn port(value: i32) -> u16 {
    u16::try_from(value.clamp(0, i32::from(u16::MAX))).unwrap_or(u16::MAX)
}

/// Whether a range is the whole internet (prefix length 0: `0.0.0.0/0`, `::/0`).
pub fn is_internet(range: &IpNet) -> bool {
    range.prefix_len() == 0
}

/// IPv4 or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AddressFamily {
    /// IPv4.
    Ipv4,
    /// IPv6.
    Ipv6,
}

impl AddressFamily {
    /// Both families.
    pub const BOTH: [AddressFamily; 2] = [AddressFamily::Ipv4, AddressFamily::Ipv6];

    /// The family of a range.
    pub fn of(range: &IpNet) -> AddressFamily {
        match range {
            IpNet::V4(_) => AddressFamily::Ipv4,
            IpNet::V6(_) => AddressFamily::Ipv6,
        }
    }
}

/// The range of a network ACL entry in `family` if it is the internet.
pub fn nacl_internet_range(entry: &NetworkAclEntry, family: AddressFamily) -> Option<&IpNet> {
    [entry.cidr_block.as_ref(), entry.ipv6_cidr_block.as_ref()]
        .into_iter()
        .flatten()
        .find(|range| AddressFamily::of(range) == family && is_internet(range))
}

/// An inbound security group rule whose sources include the internet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIngress<'a> {
    /// What the rule lets in.
    pub traffic: Traffic,
    /// Its internet sources (`0.0.0.0/0`, `::/0`).
    pub sources: Vec<&'a IpNet>,
}

impl OpenIngress<'_> {
    /// `0.0.0.0/0, ::/0`.
    pub fn sources_text(&self) -> String {
        let sources: Vec<String> = self.sources.iter().map(ToString::to_string).collect();
        sources.join(", ")
    }
}

/// The inbound rules of a security group that admit traffic from the internet.
pub fn open_ingress(group: &SecurityGroup) -> impl Iterator<Item = OpenIngress<'_>> {
    group.ingress.iter().filter_map(|rule| {
        let sources: Vec<&IpNet> = rule
            .ipv4_ranges
            .iter()
            .chain(&rule.ipv6_ranges)
            .filter(|range| is_internet(range))
            .collect();
        (!sources.is_empty()).then(|| OpenIngress {
            traffic: Traffic::of_sg_rule(rule),
            sources,
        })
    })
}

/// How messages name a security group: `security group sg-1 named "web" in vpc-1`.
pub fn sg_subject(resource: &Resource, group: &SecurityGroup) -> String {
    let mut subject = format!("security group {}", named(resource));
    if group.group_name != resource.display_name() && group.group_name != group.group_id {
        subject.push_str(&format!(" named \"{}\"", group.group_name));
    }
    if let Some(vpc) = &group.vpc_id {
        subject.push_str(&format!(" in {vpc}"));
    }
    subject
}

/// A security group rule in words: `tcp port 22 from 10.0.0.0/8, sg-1` (`to` for outbound).
pub fn sg_rule_text(rule: &SecurityGroupRule, preposition: &str) -> String {
    let peers: Vec<String> = rule
        .ipv4_ranges
        .iter()
        .chain(&rule.ipv6_ranges)
        .map(ToString::to_string)
        .chain(rule.referenced_groups.iter().cloned())
        .chain(rule.prefix_list_ids.iter().cloned())
        .collect();
    let traffic = Traffic::of_sg_rule(rule);
    if peers.is_empty() {
        traffic.to_string()
    } else {
        format!("{traffic} {preposition} {}", peers.join(", "))
    }
}

/// A port-list parameter as ports, sorted and deduplicated (values outside 0–65535, which
/// parameter validation already refuses, are dropped).
pub fn port_list(values: &[i64]) -> Vec<u16> {
    let mut ports: Vec<u16> = values
        .iter()
        .filter_map(|&value| u16::try_from(value).ok())
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// The group's inbound rules from the internet that reach any of `ports`, one text per rule:
/// `tcp port 22 from 0.0.0.0/0 (covers 22/tcp)`.
pub fn internet_exposures(
    group: &SecurityGroup,
    ports: &[u16],
    transports_of: impl Fn(u16) -> &'static [Transport] + Copy,
) -> Vec<String> {
    open_ingress(group)
        .filter_map(|open| {
            let covered = open.traffic.covered(ports, transports_of);
            (!covered.is_empty()).then(|| {
                format!(
                    "{} from {} (covers {})",
                    open.traffic,
                    open.sources_text(),
                    services_text(&covered)
                )
            })
        })
        .collect()
}

/// How many items a message lists before it says "and N more": findings must stay readable
/// in a table row and a code-scanning alert.
const LISTED_ITEMS: usize = 6;

fn capped_list<T: ToString>(items: &[T]) -> String {
    let mut parts: Vec<String> = items.iter().take(LISTED_ITEMS).map(T::to_string).collect();
    if items.len() > LISTED_ITEMS {
        parts.push(format!("and {} more", items.len() - LISTED_ITEMS));
    }
    parts.join(", ")
}

/// `22, 3389` (long lists end in "and N more").
pub fn ports_text(ports: &[u16]) -> String {
    capped_list(ports)
}

/// `22/tcp, 3389/tcp` (long lists end in "and N more").
pub fn services_text(services: &[ServicePort]) -> String {
    capped_list(services)
}

#[cfg(test)]
mod tests {
    use super::*;
    use soc2scan_model::{NaclAction, PortRange};

    fn tcp(port: u16) -> ServicePort {
        ServicePort {
            port,
            transport: Transport::Tcp,
        }
    }

    fn udp(port: u16) -> ServicePort {
        ServicePort {
            port,
            transport: Transport::Udp,
        }
    }

    #[test]
    fn port_ranges_are_ranges() {
        let wide = Traffic::new("tcp", Some(0), Some(65535));
        assert!(wide.covers(tcp(22)));
        assert!(wide.is_all_ports());
        assert!(!wide.covers(udp(22)));
        let some = Traffic::new("tcp", Some(20), Some(23));
        assert!(some.covers(tcp(22)));
        assert!(!some.covers(tcp(24)));
        assert!(!some.is_all_ports());
        assert!(!Traffic::new("tcp", Some(80), Some(80)).covers(tcp(22)));
    }

    #[test]
    fn protocol_names_and_numbers_are_equivalent() {
        assert_eq!(
            Traffic::new("6", Some(22), Some(22)),
            Traffic::new("TCP", Some(22), Some(22))
        );
        assert_eq!(
            Traffic::new("17", Some(53), Some(53)),
            Traffic::new("udp", Some(53), Some(53))
        );
        assert_eq!(
            Traffic::new("1", None, None),
            Traffic::new("icmp", None, None)
        );
        assert_eq!(
            Traffic::new("58", Some(-1), Some(-1)),
            Traffic::new("icmpv6", None, None)
        );
        assert_eq!(Traffic::new("-1", None, None), Traffic::All);
        assert_eq!(Traffic::new("all", Some(22), Some(22)), Traffic::All);
    }

    #[test]
    fn all_traffic_covers_every_port_of_every_transport() {
        assert!(Traffic::All.covers(tcp(22)));
        assert!(Traffic::All.covers(udp(3389)));
        assert!(Traffic::All.is_all_ports());
    }

    #[test]
    fn missing_or_minus_one_ports_mean_all_ports_for_tcp_and_udp() {
        for traffic in [
            Traffic::new("tcp", None, None),
            Traffic::new("tcp", Some(-1), Some(-1)),
            Traffic::new("udp", Some(-1), None),
        ] {
            assert!(traffic.is_all_ports(), "{traffic}");
        }
        assert!(Traffic::new("tcp", None, None).covers(tcp(3389)));
    }

    #[test]
    fn icmp_and_other_protocols_never_cover_a_port() {
        // ICMP type 22 / code 22 is not port 22.
        let icmp = Traffic::new("icmp", Some(0), Some(65535));
        assert!(!icmp.covers(tcp(22)));
        assert!(!icmp.is_all_ports());
        assert!(!Traffic::new("icmpv6", None, None).covers(udp(3389)));
        assert!(!Traffic::new("50", None, None).covers(tcp(22)));
    }

    #[test]
    fn covered_lists_ports_per_transport() {
        let all = Traffic::All.covered(&[22, 3389], admin_port_transports);
        assert_eq!(all, vec![tcp(22), tcp(3389), udp(3389)]);
        let udp_only = Traffic::new("udp", None, None).covered(&[22, 3389], admin_port_transports);
        assert_eq!(udp_only, vec![udp(3389)]);
        assert_eq!(services_text(&all), "22/tcp, 3389/tcp, 3389/udp");
    }

    #[test]
    fn the_internet_is_a_zero_length_prefix_of_either_family() {
        for open in ["0.0.0.0/0", "::/0"] {
            assert!(is_internet(&open.parse().unwrap()), "{open}");
        }
        for known in ["10.0.0.0/8", "0.0.0.0/1", "2001:db8::/32", "203.0.113.7/32"] {
            assert!(!is_internet(&known.parse().unwrap()), "{known}");
        }
    }

    #[test]
    fn open_ingress_keeps_only_rules_with_internet_sources() {
        let rule = |ipv4: &[&str], ipv6: &[&str]| SecurityGroupRule {
            protocol: "tcp".to_string(),
            from_port: Some(22),
            to_port: Some(22),
            ipv4_ranges: ipv4.iter().map(|r| r.parse().unwrap()).collect(),
            ipv6_ranges: ipv6.iter().map(|r| r.parse().unwrap()).collect(),
            referenced_groups: vec![],
            prefix_list_ids: vec![],
        };
        let group = SecurityGroup {
            group_id: "sg-1".to_string(),
            group_name: "web".to_string(),
            vpc_id: None,
            is_default: false,
            ingress: vec![
                rule(&["10.0.0.0/8"], &[]),
                rule(&["10.0.0.0/8", "0.0.0.0/0"], &["::/0"]),
            ],
            egress: vec![rule(&["0.0.0.0/0"], &[])],
        };
        let open: Vec<OpenIngress<'_>> = open_ingress(&group).collect();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].sources_text(), "0.0.0.0/0, ::/0");
        assert_eq!(open[0].traffic.to_string(), "tcp port 22");
    }

    #[test]
    fn sg_rules_read_as_text() {
        let mut rule = SecurityGroupRule {
            protocol: "-1".to_string(),
            from_port: None,
            to_port: None,
            ipv4_ranges: vec!["10.0.0.0/8".parse().unwrap()],
            ipv6_ranges: vec!["::/0".parse().unwrap()],
            referenced_groups: vec!["sg-1".to_string()],
            prefix_list_ids: vec!["pl-1".to_string()],
        };
        assert_eq!(
            sg_rule_text(&rule, "from"),
            "all traffic from 10.0.0.0/8, ::/0, sg-1, pl-1"
        );
        rule.protocol = "udp".to_string();
        rule.from_port = Some(53);
        rule.to_port = Some(53);
        rule.ipv4_ranges.clear();
        rule.ipv6_ranges.clear();
        rule.referenced_groups.clear();
        rule.prefix_list_ids.clear();
        assert_eq!(sg_rule_text(&rule, "to"), "udp port 53");
    }

    #[test]
    fn nacl_entries_are_read_per_address_family() {
        let entry = NetworkAclEntry {
            rule_number: 100,
            egress: false,
            protocol: "6".to_string(),
            rule_action: NaclAction::Allow,
            cidr_block: None,
            ipv6_cidr_block: Some("::/0".parse().unwrap()),
            port_range: Some(PortRange { from: 0, to: 1024 }),
        };
        assert!(nacl_internet_range(&entry, AddressFamily::Ipv4).is_none());
        assert!(nacl_internet_range(&entry, AddressFamily::Ipv6).is_some());
        assert!(Traffic::of_nacl_entry(&entry).covers(tcp(22)));
        assert!(!Traffic::of_nacl_entry(&entry).covers(tcp(3389)));
    }

    #[test]
    fn port_lists_are_sorted_deduplicated_and_in_range() {
        assert_eq!(port_list(&[3389, 22, 22, -1, 70000]), vec![22, 3389]);
        assert_eq!(ports_text(&[22, 3389]), "22, 3389");
    }
}
