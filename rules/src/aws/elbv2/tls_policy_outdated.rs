use super::tls_policies::{minimum_tls, TlsVersion, CHECKED};
use super::{listeners_of, load_balancer_of};
use crate::declare_rule;
use crate::rule::{CheckContext, ParamDefault, ParamSpec, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every load balancer with an `HTTPS` (Application Load Balancer) or `TLS`
    /// (Network Load Balancer) listener whose security policy allows a TLS version older
    /// than `min_tls_version` (default 12, meaning TLS 1.2; 13 asks for TLS 1.3 only). The
    /// oldest version each of AWS's predefined policies negotiates comes from a table in
    /// soc2scan, dated, taken from AWS's documentation of ELB security policies:
    /// `ELBSecurityPolicy-2016-08` (the API's default), `-FS-2018-06`, `-TLS13-1-0-2021-06`
    /// and `-TLS-1-0-2015-04` allow TLS 1.0, the `…-1-1-…` policies TLS 1.1. A policy that
    /// is not in the table (one AWS added after it was written) is not evaluated, naming the
    /// policy — never passed. Load balancers without TLS listeners are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.7 expects data in transit to be protected with current encryption. TLS 1.0 and
    /// 1.1 are deprecated (RFC 8996): their cipher suites and handshakes have known
    /// weaknesses, and a client that can be talked down to them is no longer protected as
    /// auditors and PCI DSS expect.
    ///
    /// ## How to fix
    ///
    /// Choose a TLS 1.2-or-later policy: `ELBSecurityPolicy-TLS13-1-2-2021-06` (TLS 1.3
    /// and 1.2, AWS's recommendation), its `-Res-` variant, or a FIPS or post-quantum
    /// variant. Old clients that need TLS 1.0 show up in the access logs first
    /// (`ssl_protocol` field).
    ///
    /// ### Console
    ///
    /// EC2 → Load Balancers → choose the load balancer → Listeners and rules → select the
    /// HTTPS (or TLS) listener → Manage listener → Edit listener → Secure listener settings
    /// → Security policy: `ELBSecurityPolicy-TLS13-1-2-2021-06` → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws elbv2 modify-listener --listener-arn arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/50dc6c495c0c9188/0467ef3c8400ae65 \
    ///   --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_lb_listener" "https" {
    ///   load_balancer_arn = aws_lb.web.arn
    ///   port              = 443
    ///   protocol          = "HTTPS"
    ///   ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    ///   certificate_arn   = aws_acm_certificate.web.arn
    ///
    ///   default_action {
    ///     type             = "forward"
    ///     target_group_arn = aws_lb_target_group.web.arn
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.7 (protects information during transmission with current encryption).
    pub struct TlsPolicyOutdated {
        id: "aws-elbv2-tls-policy-outdated",
        title: "Load balancer TLS listener allows TLS older than 1.2",
        severity: High,
        criteria: ["CC6.7"],
        targets: [Elbv2LoadBalancer],
        also_reads: [Elbv2Listeners],
        params: [ParamSpec {
            name: "min_tls_version",
            description: "Oldest TLS version a listener's security policy may allow: 10, 11, 12 or 13 (TLS 1.0 … 1.3)",
            default: ParamDefault::Integer(12),
            min: 10,
            max: 13,
        }],
        reads: ["listeners.protocol", "listeners.ssl_policy"],
    }
}

impl Rule for TlsPolicyOutdated {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    /// Load balancers with an HTTPS or TLS listener, or whose listeners are not known.
    fn applies(&self, resource: &Resource) -> bool {
        match &resource.config {
            ResourceConfig::Elbv2LoadBalancer(lb) => lb
                .listeners
                .as_ref()
                .is_none_or(|listeners| listeners.iter().any(|l| l.terminates_tls())),
            _ => false,
        }
    }

    fn check(&self, resource: &Resource, ctx: &CheckContext<'_>) -> Verdict {
        let lb = match load_balancer_of(resource) {
            Ok(lb) => lb,
            Err(verdict) => return verdict,
        };
        let listeners = match listeners_of(resource, lb) {
            Ok(listeners) => listeners,
            Err(verdict) => return verdict,
        };
        let wanted = match ctx.params.integer("min_tls_version") {
            10 => TlsVersion::Tls10,
            11 => TlsVersion::Tls11,
            12 => TlsVersion::Tls12,
            _ => TlsVersion::Tls13,
        };
        let mut outdated = Vec::new();
        let mut unknown = Vec::new();
        for listener in listeners.iter().filter(|l| l.terminates_tls()) {
            let Some(policy) = listener.ssl_policy.as_deref() else {
                unknown.push(format!("{} reports no security policy", listener.label()));
                continue;
            };
            match minimum_tls(policy) {
                Some(version) if version < wanted => outdated.push(format!(
                    "{} uses {policy}, which allows {}",
                    listener.label(),
                    version.label()
                )),
                Some(_) => {}
                None => unknown.push(format!(
                    "{} uses {policy}, which is not in soc2scan's table of AWS's predefined \
                     security policies (checked {CHECKED})",
                    listener.label()
                )),
            }
        }
        if !outdated.is_empty() {
            return Verdict::Fail(format!(
                "load balancer {}: {}; expected security policies that allow {} or later \
                 (ELBSecurityPolicy-TLS13-1-2-2021-06)",
                resource.display_name(),
                outdated.join("; "),
                wanted.label()
            ));
        }
        if !unknown.is_empty() {
            return Verdict::NotEvaluated(format!(
                "the oldest TLS version of load balancer {} is not known: {}",
                resource.display_name(),
                unknown.join("; ")
            ));
        }
        Verdict::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{alb, lb, listener, of_type, redirecting, with};
    use crate::cases::{Case, Cases};
    use crate::rule::ParamValue;
    use soc2scan_model::Elbv2LoadBalancer;

    const MODERN: Option<&str> = Some("ELBSecurityPolicy-TLS13-1-2-2021-06");

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("TLS 1.2-or-later policies pass, on HTTPS and TLS listeners")
                    .pass(lb(with(
                        alb("web"),
                        vec![redirecting(80, "HTTPS"), listener(443, "HTTPS", MODERN)],
                    )))
                    .pass(lb(with(
                        of_type("mqtt", "network"),
                        vec![listener(
                            8883,
                            "TLS",
                            Some("ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04"),
                        )],
                    ))),
            )
            .case(
                Case::new(
                    "a policy allowing TLS 1.0 or 1.1 fails, naming listener, policy and version",
                )
                .fail(
                    lb(with(
                        alb("legacy"),
                        vec![listener(443, "HTTPS", Some("ELBSecurityPolicy-2016-08"))],
                    )),
                    &[
                        "legacy",
                        "HTTPS:443 uses ELBSecurityPolicy-2016-08, which allows TLS 1.0",
                        "TLS 1.2 or later",
                    ],
                )
                .fail(
                    lb(with(
                        of_type("broker", "network"),
                        vec![
                            listener(8883, "TLS", Some("ELBSecurityPolicy-TLS13-1-1-2021-06")),
                            listener(9000, "TLS", Some("ELBSecurityPolicy-NotYetKnown-2030-01")),
                        ],
                    )),
                    &["TLS:8883 uses ELBSecurityPolicy-TLS13-1-1-2021-06, which allows TLS 1.1"],
                ),
            )
            .case(
                Case::new("asking for TLS 1.3 fails a TLS 1.2 policy")
                    .fail(
                        lb(with(alb("strict"), vec![listener(443, "HTTPS", MODERN)])),
                        &["allows TLS 1.2", "TLS 1.3 or later"],
                    )
                    .param("min_tls_version", ParamValue::Integer(13)),
            )
            .case(
                Case::new("an unknown policy, a missing one or unread listeners are not evaluated")
                    .not_evaluated(
                        lb(with(
                            alb("future"),
                            vec![listener(
                                443,
                                "HTTPS",
                                Some("ELBSecurityPolicy-TLS13-1-2-2030-01"),
                            )],
                        )),
                        &[
                            "future",
                            "ELBSecurityPolicy-TLS13-1-2-2030-01",
                            "not in soc2scan's table",
                        ],
                    )
                    .not_evaluated(
                        lb(with(alb("bare"), vec![listener(443, "HTTPS", None)])),
                        &["HTTPS:443 reports no security policy"],
                    )
                    .not_evaluated(
                        lb(Elbv2LoadBalancer {
                            listeners: None,
                            ..alb("unread")
                        }),
                        &["listeners", "unread"],
                    ),
            )
            .case(
                Case::new("load balancers without TLS listeners are not judged")
                    .not_applicable(lb(with(
                        alb("plain"),
                        vec![listener(80, "HTTP", Some("ELBSecurityPolicy-2016-08"))],
                    )))
                    .not_applicable(lb(of_type("inspect", "gateway"))),
            )
    }
}
