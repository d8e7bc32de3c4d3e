//! The filters a network template needs, under the names Ansible's
//! `ipaddr` family uses where one exists: `ipaddr(query)`, `ipv4`, `ipv6`,
//! `nthhost(n)`, `ipmath(n)`, plus `netmask`, `network`, `prefix` and
//! `wildcard` for the usual one-liners. IPv4 and IPv6 alike; addresses may
//! carry a prefix length (`10.0.0.1/24`) or a netmask (`10.0.0.1/255.255.255.0`).
//!
//! Unlike Ansible, a query on something that is not an address is an
//! error, not `false`: a config line must never read `ip address False`.
//! Only the bare validation forms (`x | ipaddr`, `x | ipv4`) give `false`.

use minijinja::{Environment, Error, ErrorKind, Value};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address with its prefix length (32/128 when none was given).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    bits: u128,
    prefix: u8,
    v6: bool,
}

impl IpNet {
    /// Parses `a.b.c.d`, `a.b.c.d/len`, `a.b.c.d/mask`, or the IPv6 forms.
    pub fn parse(text: &str) -> Option<IpNet> {
        let text = text.trim();
        let (address, length) = match text.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (text, None),
        };
        let (bits, v6) = match address.parse::<IpAddr>().ok()? {
            IpAddr::V4(a) => (u32::from(a) as u128, false),
            IpAddr::V6(a) => (u128::from(a), true),
        };
        let width = if v6 { 128 } else { 32 };
        let prefix = match length {
            None => width,
            Some(l) => match l.parse::<u8>() {
                Ok(p) if p <= width => p,
                Ok(_) => return None,
                Err(_) if !v6 => mask_length(u32::from(l.parse::<Ipv4Addr>().ok()?))?,
                Err(_) => return None,
            },
        };
        Some(IpNet { bits, prefix, v6 })
    }

    fn width(self) -> u8 {
        if self.v6 {
            128
        } else {
            32
        }
    }

    fn mask(self) -> u128 {
        let width = self.width();
        let all = if self.v6 { u128::MAX } else { u32::MAX as u128 };
        if self.prefix == 0 {
            0
        } else {
            (all << (width - self.prefix)) & all
        }
    }

    fn hostmask(self) -> u128 {
        let all = if self.v6 { u128::MAX } else { u32::MAX as u128 };
        !self.mask() & all
    }

    fn network_bits(self) -> u128 {
        self.bits & self.mask()
    }

    fn text(self, bits: u128) -> String {
        if self.v6 {
            Ipv6Addr::from(bits).to_string()
        } else {
            ipv4_text(bits as u32)
        }
    }

    /// Returns the address alone.
    pub fn address(self) -> String {
        self.text(self.bits)
    }

    /// Returns the network address.
    pub fn network(self) -> String {
        self.text(self.network_bits())
    }

    /// Returns the netmask (`255.255.255.0`).
    pub fn netmask(self) -> String {
        self.text(self.mask())
    }

    /// Returns the host mask, the wildcard of ACLs and OSPF (`0.0.0.255`).
    pub fn hostmask_text(self) -> String {
        self.text(self.hostmask())
    }

    /// Returns the `n`-th address of the network (negative counts back
    /// from the last), `None` outside it.
    pub fn nth(self, n: i64) -> Option<u128> {
        let size = self.hostmask();
        let offset = if n < 0 {
            size.checked_sub(u128::from(n.unsigned_abs() - 1))?
        } else {
            u128::from(n.unsigned_abs())
        };
        (offset <= size).then(|| self.network_bits() + offset)
    }
}

/// Returns `a.b.c.d`, as `Ipv4Addr`'s `Display` writes it, without going
/// through the formatter: templates print two addresses per line for every
/// device, and the formatter was a tenth of a compliance run.
fn ipv4_text(bits: u32) -> String {
    let mut out = String::with_capacity(15);
    for (i, octet) in bits.to_be_bytes().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        if octet >= 100 {
            out.push(char::from(b'0' + octet / 100));
        }
        if octet >= 10 {
            out.push(char::from(b'0' + octet / 10 % 10));
        }
        out.push(char::from(b'0' + octet % 10));
    }
    out
}

fn mask_length(mask: u32) -> Option<u8> {
    let ones = mask.leading_ones();
    (mask.checked_shl(ones).unwrap_or(0) == 0).then_some(ones as u8)
}

fn parsed(value: &str, filter: &str) -> Result<IpNet, Error> {
    IpNet::parse(value).ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("{filter}: `{value}` is not an IP address or network"),
        )
    })
}

/// Answers one `ipaddr` query on `net`.
fn query(net: IpNet, query: &Value, original: &str) -> Result<Value, Error> {
    if let Some(n) = query.as_i64() {
        let bits = net.nth(n).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("ipaddr({n}): {original} has no address {n}"),
            )
        })?;
        return Ok(Value::from(format!("{}/{}", net.text(bits), net.prefix)));
    }
    let name = query.as_str().unwrap_or_default();
    Ok(match name {
        "address" => Value::from(net.address()),
        "network" => Value::from(net.network()),
        "netmask" => Value::from(net.netmask()),
        "hostmask" | "wildcard" => Value::from(net.hostmask_text()),
        "prefix" => Value::from(net.prefix),
        "broadcast" => Value::from(net.text(net.network_bits() | net.hostmask())),
        "subnet" => Value::from(format!("{}/{}", net.network(), net.prefix)),
        "net" if net.bits == net.network_bits() => Value::from(original.trim().to_string()),
        "net" => Value::from(false),
        "size" => Value::from((net.hostmask() + 1).min(u64::MAX as u128) as u64),
        "host" if net.prefix == net.width() || net.bits != net.network_bits() => {
            Value::from(format!("{}/{}", net.address(), net.prefix))
        }
        "host" => Value::from(false),
        other => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "ipaddr: unknown query `{other}` (address, network, netmask, hostmask, wildcard, prefix, broadcast, subnet, net, host, size, or a number)"
                ),
            ))
        }
    })
}

fn ipaddr_version(value: String, q: Option<Value>, v6: Option<bool>) -> Result<Value, Error> {
    let net = IpNet::parse(&value).filter(|n| v6.is_none_or(|v| v == n.v6));
    match (net, q) {
        (None, None) => Ok(Value::from(false)),
        (Some(_), None) => Ok(Value::from(value)),
        (None, Some(_)) => Err(parsed(&value, "ipaddr").err().unwrap_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("`{value}` is not of the IP version asked for"),
            )
        })),
        (Some(net), Some(q)) => query(net, &q, &value),
    }
}

/// Adds the network filters to `env`.
pub fn register(env: &mut Environment<'static>) {
    env.add_filter("ipaddr", |v: String, q: Option<Value>| {
        ipaddr_version(v, q, None)
    });
    env.add_filter("ipv4", |v: String, q: Option<Value>| {
        ipaddr_version(v, q, Some(false))
    });
    env.add_filter("ipv6", |v: String, q: Option<Value>| {
        ipaddr_version(v, q, Some(true))
    });
    env.add_filter("nthhost", |v: String, n: i64| -> Result<Value, Error> {
        let net = parsed(&v, "nthhost")?;
        let bits = net.nth(n).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("nthhost({n}): {v} has no address {n}"),
            )
        })?;
        Ok(Value::from(net.text(bits)))
    });
    env.add_filter("ipmath", |v: String, n: i64| -> Result<Value, Error> {
        let net = parsed(&v, "ipmath")?;
        let all = if net.v6 { u128::MAX } else { u32::MAX as u128 };
        let bits = if n < 0 {
            net.bits.checked_sub(u128::from(n.unsigned_abs()))
        } else {
            net.bits
                .checked_add(u128::from(n.unsigned_abs()))
                .filter(|b| *b <= all)
        };
        let bits = bits.ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("ipmath({n}): {v} + {n} is outside the address space"),
            )
        })?;
        Ok(Value::from(net.text(bits)))
    });
    env.add_filter("netmask", |v: String| -> Result<Value, Error> {
        // A bare prefix length (`24`, `/24`) is the common sheet column.
        let trimmed = v.trim().trim_start_matches('/');
        let text = if trimmed.parse::<u8>().is_ok() {
            format!("0.0.0.0/{trimmed}")
        } else {
            v.clone()
        };
        Ok(Value::from(parsed(&text, "netmask")?.netmask()))
    });
    env.add_filter("network", |v: String| -> Result<Value, Error> {
        Ok(Value::from(parsed(&v, "network")?.network()))
    });
    env.add_filter("prefix", |v: String| -> Result<Value, Error> {
        Ok(Value::from(parsed(&v, "prefix")?.prefix))
    });
    env.add_filter("wildcard", |v: String| -> Result<Value, Error> {
        let trimmed = v.trim().trim_start_matches('/');
        let text = if trimmed.parse::<u8>().is_ok() {
            format!("0.0.0.0/{trimmed}")
        } else {
            v.clone()
        };
        Ok(Value::from(parsed(&text, "wildcard")?.hostmask_text()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str) -> Result<String, Error> {
        let mut env = Environment::new();
        register(&mut env);
        env.render_str(template, ())
    }

    // Expected values worked out by hand from RFC 4632 / RFC 4291 address
    // arithmetic and the Ansible ipaddr filter documentation's examples.
    #[test]
    fn ipv4_queries() {
        let cases = [
            ("{{ '10.1.2.3/24' | ipaddr('network') }}", "10.1.2.0"),
            ("{{ '10.1.2.3/24' | ipaddr('netmask') }}", "255.255.255.0"),
            ("{{ '10.1.2.3/24' | ipaddr('address') }}", "10.1.2.3"),
            ("{{ '10.1.2.3/24' | ipaddr('prefix') }}", "24"),
            ("{{ '10.1.2.3/24' | ipaddr('broadcast') }}", "10.1.2.255"),
            ("{{ '10.1.2.3/24' | ipaddr('hostmask') }}", "0.0.0.255"),
            ("{{ '10.1.2.3/24' | ipaddr('subnet') }}", "10.1.2.0/24"),
            ("{{ '10.1.2.0/24' | ipaddr(1) }}", "10.1.2.1/24"),
            ("{{ '10.1.2.0/24' | ipaddr(-2) }}", "10.1.2.254/24"),
            ("{{ '10.1.2.0/24' | nthhost(254) }}", "10.1.2.254"),
            ("{{ '192.168.0.0/255.255.252.0' | ipaddr('prefix') }}", "22"),
            ("{{ 26 | netmask }}", "255.255.255.192"),
            ("{{ '/0' | netmask }}", "0.0.0.0"),
            ("{{ '172.16.5.9/20' | network }}", "172.16.0.0"),
            ("{{ '172.16.5.9/20' | wildcard }}", "0.0.15.255"),
            ("{{ '10.0.0.255' | ipmath(1) }}", "10.0.1.0"),
            ("{{ 'web' | ipaddr }}", "False"),
            ("{{ '10.0.0.1' | ipv6 }}", "False"),
            ("{{ '10.0.0.1' | ipv4 }}", "10.0.0.1"),
        ];
        for (template, expected) in cases {
            assert_eq!(render(template).unwrap(), expected, "{template}");
        }
    }

    #[test]
    fn ipv6_queries() {
        assert_eq!(
            render("{{ '2001:db8::1/64' | ipaddr('network') }}").unwrap(),
            "2001:db8::"
        );
        assert_eq!(
            render("{{ '2001:db8::/64' | nthhost(16) }}").unwrap(),
            "2001:db8::10"
        );
        assert_eq!(
            render("{{ '2001:db8::/48' | ipaddr('netmask') }}").unwrap(),
            "ffff:ffff:ffff::"
        );
    }

    #[test]
    fn bad_input_is_an_error_not_false() {
        let err = render("{{ 'web' | ipaddr('network') }}").unwrap_err();
        assert!(
            err.to_string().contains("`web` is not an IP address"),
            "{err}"
        );
        assert!(render("{{ '10.0.0.0/30' | nthhost(4) }}").is_err());
        assert!(render("{{ '10.0.0.0/33' | network }}").is_err());
        assert!(render("{{ '10.0.0.0/255.0.255.0' | network }}").is_err());
        assert!(render("{{ '255.255.255.255' | ipmath(1) }}").is_err());
    }

    #[test]
    fn ipv4_text_writes_what_display_writes() {
        for bits in [
            0,
            1,
            9,
            10,
            99,
            100,
            255,
            0x0a00_0001,
            0xffff_ff00,
            u32::MAX,
        ] {
            assert_eq!(ipv4_text(bits), Ipv4Addr::from(bits).to_string());
        }
    }

    proptest::proptest! {
        #[test]
        fn ipv4_text_agrees_with_display(bits: u32) {
            proptest::prop_assert_eq!(ipv4_text(bits), Ipv4Addr::from(bits).to_string());
        }
    }
}
