use super::load_balancer_of;
use crate::declare_rule;
use crate::rule::{CheckContext, Rule, RuleMeta, Verdict};
use soc2scan_model::{Resource, ResourceConfig};

declare_rule! {
    /// ## What it checks
    ///
    /// Fails for every Application or Network Load Balancer whose access logs are off
    /// (`access_logs.s3.enabled` is `false`, AWS's default). Network Load Balancers write
    /// access logs only for their TLS listeners, but the setting is theirs and is judged
    /// the same way. Gateway Load Balancers have no access logs (they pass packets, not
    /// requests; VPC flow logs record them) and are not checked.
    ///
    /// ## Why it matters for SOC 2
    ///
    /// CC7.2 expects the system to be monitored for anomalies that could be attacks. A load
    /// balancer's access log is the record of every request that reached the application —
    /// client address, path, status, TLS protocol — and often the only one that survives an
    /// incident at the edge. Without it, probing, credential stuffing or data scraping
    /// through the load balancer cannot be investigated afterwards.
    ///
    /// ## How to fix
    ///
    /// Turn on access logs to an S3 bucket whose policy lets Elastic Load Balancing write
    /// to it (the bucket must be in the load balancer's region).
    ///
    /// ### Console
    ///
    /// EC2 → Load Balancers → choose the load balancer → Attributes → Edit → Monitoring:
    /// turn on *Access logs*, choose the S3 location → Save changes.
    ///
    /// ### CLI
    ///
    /// ```sh
    /// aws elbv2 modify-load-balancer-attributes --load-balancer-arn arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188 \
    ///   --attributes Key=access_logs.s3.enabled,Value=true Key=access_logs.s3.bucket,Value=acme-lb-logs
    /// ```
    ///
    /// ### Terraform
    ///
    /// ```hcl
    /// resource "aws_lb" "web" {
    ///   name               = "web"
    ///   load_balancer_type = "application"
    ///   subnets            = var.public_subnets
    ///
    ///   access_logs {
    ///     bucket  = aws_s3_bucket.lb_logs.id
    ///     prefix  = "web"
    ///     enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Criteria
    ///
    /// CC7.2 (monitors system components for anomalies indicative of malicious acts).
    pub struct AccessLoggingOff {
        id: "aws-elbv2-access-logging-off",
        title: "Load balancer access logs are off",
        severity: Low,
        criteria: ["CC7.2"],
        targets: [Elbv2LoadBalancer],
        also_reads: [Elbv2LoadBalancerAttributes],
        params: [],
        reads: ["load_balancer_type", "access_logs"],
    }
}

impl Rule for AccessLoggingOff {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    #[cfg(test)]
    fn cases(&self) -> crate::cases::Cases {
        tests::cases()
    }

    /// Every load balancer but the ones known to be Gateway Load Balancers.
    fn applies(&self, resource: &Resource) -> bool {
        matches!(&resource.config, ResourceConfig::Elbv2LoadBalancer(lb)
            if lb.load_balancer_type.as_deref() != Some("gateway"))
    }

    fn check(&self, resource: &Resource, _ctx: &CheckContext<'_>) -> Verdict {
        let lb = match load_balancer_of(resource) {
            Ok(lb) => lb,
            Err(verdict) => return verdict,
        };
        let Some(logs) = &lb.access_logs else {
            return Verdict::NotEvaluated(format!(
                "the attributes of load balancer {} were not collected, so whether it keeps \
                 access logs is unknown",
                resource.display_name()
            ));
        };
        if logs.enabled {
            return Verdict::Pass;
        }
        let kind = match lb.load_balancer_type.as_deref() {
            Some("network") => "network load balancer",
            Some("application") => "application load balancer",
            _ => "load balancer",
        };
        Verdict::Fail(format!(
            "{kind} {} does not write access logs; expected access_logs.s3.enabled = true \
             with a log bucket",
            resource.display_name()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{alb, lb, of_type};
    use crate::cases::{Case, Cases};
    use soc2scan_model::{Elbv2AccessLogs, Elbv2LoadBalancer};

    fn logs_off(lb: Elbv2LoadBalancer) -> Elbv2LoadBalancer {
        Elbv2LoadBalancer {
            access_logs: Some(Elbv2AccessLogs {
                enabled: false,
                bucket: None,
                prefix: None,
            }),
            ..lb
        }
    }

    pub(super) fn cases() -> Cases {
        Cases::new()
            .case(
                Case::new("access logs on pass, on application and network load balancers")
                    .pass(lb(alb("web")))
                    .pass(lb(of_type("mqtt", "network"))),
            )
            .case(
                Case::new("access logs off fail, naming the kind of load balancer")
                    .fail(
                        lb(logs_off(alb("legacy"))),
                        &[
                            "application load balancer legacy",
                            "access_logs.s3.enabled = true",
                        ],
                    )
                    .fail(
                        lb(logs_off(of_type("broker", "network"))),
                        &["network load balancer broker"],
                    ),
            )
            .case(
                Case::new("unread attributes are not evaluated").not_evaluated(
                    lb(Elbv2LoadBalancer {
                        access_logs: None,
                        ..alb("unread")
                    }),
                    &["attributes", "unread", "not collected"],
                ),
            )
            .case(
                Case::new("gateway load balancers have no access logs")
                    .not_applicable(lb(of_type("inspect", "gateway"))),
            )
    }
}
