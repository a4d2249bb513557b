use super::{listeners_of, load_balancer_of};
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every internet-facing Application Load Balancer with an `HTTP` listener
    /// whose default action does not redirect to `HTTPS`: it forwards to targets, answers
    /// with a fixed response, or redirects to a plain-HTTP (or `#{protocol}`, the
    /// request's own) location. The action that counts is the last default action by
    /// `order` (authentication actions come first and hand the request on). A load
    /// balancer whose listeners are all `HTTPS`, or whose `HTTP` listeners all redirect to
    /// `HTTPS`, passes. Internal load balancers are not checked, nor Network and Gateway
    /// Load Balancers, which have no HTTP listeners. Listener rules beyond the default
    /// action are not read.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC6.7 expects data to be protected while it moves over public networks. A public
    /// HTTP listener that serves the application sends sessions, credentials and customer
    /// data in clear text across the internet; redirecting it to HTTPS keeps plain HTTP
    /// only for the first request, which carries nothing yet.
    ///
    /// ## How to fix
    ///
    /// Change the HTTP listener's default action to a redirect to HTTPS on port 443 with
    /// status `HTTP_301`, and serve the application from an HTTPS listener.
    ///
    /// ### Console
    ///
    /// EC2 → Load Balancers → choose the load balancer → Listeners and rules → select the
    /// HTTP:80 listener → Manage listener → Edit listener → Default actions: *Redirect to
    /// URL*, protocol HTTPS, port 443, status code 301 → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws elbv2 modify-listener --listener-arn arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2 \
    ///   --default-actions 'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_lb_listener" "http" {
    ///   load_balancer_arn = aws_lb.web.arn
    ///   port              = 80
    ///   protocol          = "HTTP"
    ///
    ///   default_action {
    ///     type = "redirect"
    ///     redirect {
    ///       protocol    = "HTTPS"
    ///       port        = "443"
    ///       status_code = "HTTP_301"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC6.7 (restricts the transmission of information to authorised parties and protects
    /// it during transmission).
    pub struct HttpNotRedirected {
        id: "aws-elbv2-http-not-redirected",
        title: "Internet-facing load balancer serves HTTP without redirecting to HTTPS",
        severity: Medium,
        criteria: ["CC6.7"],
        targets: [Elbv2LoadBalancer],
        also_reads: [Elbv2Listeners],
        params: [],
        reads: [
            "load_balancer_type",
            "scheme",
            "listeners.protocol",
            "listeners.default_actions",
        ],
    }
}

impl Rule for HttpNotRedirected {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    /// Application Load Balancers that are not known to be internal (an unknown type or
    /// scheme is judged, and is not evaluated).
    fn applies(&self, resource: &Resource) -> bool {
        let ResourceConfig::Elbv2LoadBalancer(lb) = &resource.config else {
            return false;
        };
        lb.load_balancer_type
            .as_deref()
            .is_none_or(|t| t == "application")
            && lb.internet_facing() != Some(false)
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let lb = match load_balancer_of(resource) {
            Ok(lb) => lb,
            Err(verdict) => return verdict,
        };
        if lb.load_balancer_type.is_none() || lb.scheme.is_none() {
            return Verdict::NotEvaluated(format!(
                "the type or scheme of load balancer {} is not known, so whether it is an \
                 internet-facing Application Load Balancer is unknown",
                resource.display_name()
            ));
        }
        let listeners = match listeners_of(resource, lb) {
            Ok(listeners) => listeners,
            Err(verdict) => return verdict,
        };
        let plain: Vec<String> = listeners
            .iter()
            .filter(|l| l.protocol.as_deref() == Some("HTTP"))
            .filter(|l| {
                !l.final_default_action()
                    .is_some_and(|a| a.redirects_to_https())
            })
            .map(|l| {
                let action = l
                    .final_default_action()
                    .map(|a| match a.redirect_protocol.as_deref() {
                        Some(protocol) if a.action_type == "redirect" => {
                            format!("redirects to {protocol}")
                        }
                        _ => a.action_type.clone(),
                    })
                    .unwrap_or_else(|| "no default action".to_string());
                format!("{} ({action})", l.label())
            })
            .collect();
        if plain.is_empty() {
            return Verdict::Pass;
        }
        Verdict::Fail(format!(
            "internet-facing load balancer {} serves plain HTTP on {}; expected every HTTP \
             listener's default action to redirect to HTTPS",
            resource.display_name(),
            plain.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{
        alb, fixed_response, internal, lb, listener, of_type, redirecting, with,
    };
    use crate::cases::{Case, Cases};
    use soc2scan_model::Elbv2LoadBalancer;

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("HTTPS only, or HTTP redirected to HTTPS, passes")
                    .pass(lb(with(
                        alb("web"),
                        vec![
                            redirecting(80, "HTTPS"),
                            listener(443, "HTTPS", Some("ELBSecurityPolicy-TLS13-1-2-2021-06")),
                        ],
                    )))
                    .pass(lb(with(
                        alb("api"),
                        vec![listener(
                            443,
                            "HTTPS",
                            Some("ELBSecurityPolicy-TLS13-1-2-2021-06"),
                        )],
                    ))),
            )
            .case(
                Case::new("an HTTP listener that forwards or redirects to HTTP fails, naming it")
                    .fail(
                        lb(with(alb("legacy"), vec![listener(80, "HTTP", None)])),
                        &["legacy", "HTTP:80 (forward)", "redirect to HTTPS"],
                    )
                    .fail(
                        lb(with(
                            alb("loop"),
                            vec![redirecting(80, "HTTP"), fixed_response(8080)],
                        )),
                        &["HTTP:80 (redirects to HTTP)", "HTTP:8080 (fixed-response)"],
                    ),
            )
            .case(
                Case::new("unknown listeners, type or scheme are not evaluated")
                    .not_evaluated(
                        lb(Elbv2LoadBalancer {
                            listeners: None,
                            ..alb("unread")
                        }),
                        &["listeners", "unread", "not collected"],
                    )
                    .not_evaluated(
                        lb(Elbv2LoadBalancer {
                            scheme: None,
                            ..with(alb("planned"), vec![listener(80, "HTTP", None)])
                        }),
                        &["planned", "scheme"],
                    ),
            )
            .case(
                Case::new("internal, network and gateway load balancers are not judged")
                    .not_applicable(lb(internal(with(
                        alb("intranet"),
                        vec![listener(80, "HTTP", None)],
                    ))))
                    .not_applicable(lb(with(
                        of_type("tcp", "network"),
                        vec![listener(80, "TCP", None)],
                    )))
                    .not_applicable(lb(of_type("inspect", "gateway"))),
            )
    }
}
