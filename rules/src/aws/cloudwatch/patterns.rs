//! Which security events a CloudWatch Logs metric filter pattern catches.
//!
//! A JSON filter pattern (`{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }`)
//! is parsed into its disjunctive normal form: a list of clauses, each a set of conditions
//! that must all hold (`&&` binds tighter than `||`, as in CloudWatch Logs; parentheses,
//! whitespace, quoting of values and the order of terms do not matter). A condition is a
//! selector (`$.eventName`), an operator and a value; `!=` and `NOT EXISTS` conditions
//! exclude events, every other operator requires something of them.
//!
//! Each security event class of the CIS AWS Foundations Benchmark's monitoring section is
//! a list of required clauses (one per event name, in the benchmark's own pattern). A set
//! of filters catches a class when every required clause is caught by a clause of one of
//! the filters: one whose requirements are a subset of the required clause's (a filter may
//! be broader — leave out `$.eventSource`, say) and whose exclusions are among the
//! benchmark's own for that class (the v1.4 pattern for unauthorized calls leaves out
//! `delivery.logs.amazonaws.com` and `HeadBucket`; the root pattern leaves out AWS service
//! events). A filter that excludes anything else, or requires more, catches less than the
//! benchmark asks, and does not count. Patterns that are not JSON patterns (space-delimited
//! terms) catch nothing here.

use std::collections::BTreeSet;

/// One condition: selector, operator, value (`""` for `EXISTS`/`NOT EXISTS`).
pub(crate) type Condition = (String, String, String);

/// A clause: conditions that must all hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Clause {
    /// What an event must have.
    pub requires: BTreeSet<Condition>,
    /// What excludes an event (`!=`, `NOT EXISTS`).
    pub excludes: BTreeSet<Condition>,
}

/// The most clauses a pattern may expand to; past it the pattern counts as catching
/// nothing (no real filter comes near it).
const MAX_CLAUSES: usize = 512;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Word(String),
    Quoted(String),
    Operator(String),
}

fn tokenize(text: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' => {
                tokens.push(Token::Open);
                i += 1;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                tokens.push(Token::And);
                i += 2;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                tokens.push(Token::Or);
                i += 2;
            }
            '"' => {
                let mut value = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return None,
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => {
                            value.push(*chars.get(i + 1)?);
                            i += 2;
                        }
                        Some(&other) => {
                            value.push(other);
                            i += 1;
                        }
                    }
                }
                tokens.push(Token::Quoted(value));
            }
            '=' | '!' | '<' | '>' => {
                let mut op = c.to_string();
                if chars.get(i + 1) == Some(&'=') {
                    op.push('=');
                    i += 1;
                }
                if op == "!" {
                    return None;
                }
                tokens.push(Token::Operator(op));
                i += 1;
            }
            _ => {
                let mut word = String::new();
                while let Some(&w) = chars.get(i) {
                    if w.is_whitespace() || "()=!<>\"".contains(w) || (w == '&' || w == '|') {
                        break;
                    }
                    word.push(w);
                    i += 1;
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Some(tokens)
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    /// or := and ('||' and)*
    fn or(&mut self) -> Option<Vec<Clause>> {
        let mut clauses = self.and()?;
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            clauses.extend(self.and()?);
            if clauses.len() > MAX_CLAUSES {
                return None;
            }
        }
        Some(clauses)
    }

    /// and := term ('&&' term)*
    fn and(&mut self) -> Option<Vec<Clause>> {
        let mut clauses = self.term()?;
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            let right = self.term()?;
            let mut product = Vec::new();
            for left in &clauses {
                for r in &right {
                    let mut joined = left.clone();
                    joined.requires.extend(r.requires.iter().cloned());
                    joined.excludes.extend(r.excludes.iter().cloned());
                    product.push(joined);
                }
            }
            if product.len() > MAX_CLAUSES {
                return None;
            }
            clauses = product;
        }
        Some(clauses)
    }

    /// term := '(' or ')' | selector operator value | selector [NOT] EXISTS | selector IS value
    fn term(&mut self) -> Option<Vec<Clause>> {
        match self.next()? {
            Token::Open => {
                let inner = self.or()?;
                (self.next()? == Token::Close).then_some(inner)
            }
            Token::Word(selector) if selector.starts_with("$.") => {
                let mut clause = Clause::default();
                match self.next()? {
                    Token::Operator(op) => {
                        let value = match self.next()? {
                            Token::Word(v) | Token::Quoted(v) => v,
                            _ => return None,
                        };
                        let condition = (selector, op.clone(), value);
                        if op == "!=" {
                            clause.excludes.insert(condition);
                        } else {
                            clause.requires.insert(condition);
                        }
                    }
                    Token::Word(word) if word.eq_ignore_ascii_case("EXISTS") => {
                        clause
                            .requires
                            .insert((selector, "EXISTS".to_string(), String::new()));
                    }
                    Token::Word(word) if word.eq_ignore_ascii_case("NOT") => match self.next()? {
                        Token::Word(w) if w.eq_ignore_ascii_case("EXISTS") => {
                            clause.excludes.insert((
                                selector,
                                "NOT EXISTS".to_string(),
                                String::new(),
                            ));
                        }
                        _ => return None,
                    },
                    Token::Word(word) if word.eq_ignore_ascii_case("IS") => {
                        let value = match self.next()? {
                            Token::Word(v) => v.to_ascii_uppercase(),
                            _ => return None,
                        };
                        clause.requires.insert((selector, "IS".to_string(), value));
                    }
                    _ => return None,
                }
                Some(vec![clause])
            }
            _ => None,
        }
    }
}

/// The clauses of a JSON filter pattern, or `None` when it is not one this module reads.
pub(crate) fn clauses(pattern: &str) -> Option<Vec<Clause>> {
    let body = pattern.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut parser = Parser {
        tokens: tokenize(body)?,
        at: 0,
    };
    let clauses = parser.or()?;
    (parser.at == parser.tokens.len()).then_some(clauses)
}

/// A security event class of the CIS AWS Foundations Benchmark's monitoring section.
#[derive(Debug)]
pub(crate) struct EventClass {
    /// Its number in the benchmark's monitoring section (4.x in v1.4–v3.0).
    pub number: i64,
    /// What it is about.
    pub label: &'static str,
    /// The selector and value every required clause requires besides its own condition
    /// (`$.eventSource` = `iam.amazonaws.com`), if any.
    source: Option<&'static str>,
    /// One required clause per entry: (selector, value) conditions with `=`.
    events: &'static [&'static [(&'static str, &'static str)]],
    /// Conditions with `!=` or `NOT EXISTS` the required clauses themselves have.
    own_exclusions: &'static [(&'static str, &'static str, &'static str)],
    /// Exclusions a filter may add without losing the class.
    allowed_exclusions: &'static [(&'static str, &'static str, &'static str)],
}

macro_rules! names {
    ($($name:literal),+ $(,)?) => { &[$(&[("$.eventName", $name)]),+] };
}

/// Every class this module knows, by number.
pub(crate) const CLASSES: &[EventClass] = &[
    EventClass {
        number: 1,
        label: "unauthorized API calls",
        source: None,
        events: &[
            &[("$.errorCode", "*UnauthorizedOperation")],
            &[("$.errorCode", "AccessDenied*")],
        ],
        own_exclusions: &[],
        allowed_exclusions: &[
            ("$.sourceIPAddress", "!=", "delivery.logs.amazonaws.com"),
            ("$.eventName", "!=", "HeadBucket"),
        ],
    },
    EventClass {
        number: 2,
        label: "console sign-in without MFA",
        source: None,
        events: &[&[
            ("$.eventName", "ConsoleLogin"),
            ("$.userIdentity.type", "IAMUser"),
            ("$.responseElements.ConsoleLogin", "Success"),
        ]],
        own_exclusions: &[("$.additionalEventData.MFAUsed", "!=", "Yes")],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 3,
        label: "root account use",
        source: None,
        events: &[&[("$.userIdentity.type", "Root")]],
        own_exclusions: &[
            ("$.userIdentity.invokedBy", "NOT EXISTS", ""),
            ("$.eventType", "!=", "AwsServiceEvent"),
        ],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 4,
        label: "IAM policy changes",
        source: Some("iam.amazonaws.com"),
        events: names!(
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        ),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 5,
        label: "CloudTrail configuration changes",
        source: Some("cloudtrail.amazonaws.com"),
        events: names!(
            "CreateTrail",
            "UpdateTrail",
            "DeleteTrail",
            "StartLogging",
            "StopLogging"
        ),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 6,
        label: "console authentication failures",
        source: None,
        events: &[&[
            ("$.eventName", "ConsoleLogin"),
            ("$.errorMessage", "Failed authentication"),
        ]],
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 7,
        label: "disabling or scheduled deletion of KMS keys",
        source: Some("kms.amazonaws.com"),
        events: names!("DisableKey", "ScheduleKeyDeletion"),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 8,
        label: "S3 bucket policy changes",
        source: Some("s3.amazonaws.com"),
        events: names!(
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        ),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 9,
        label: "AWS Config configuration changes",
        source: Some("config.amazonaws.com"),
        events: names!(
            "StopConfigurationRecorder",
            "DeleteDeliveryChannel",
            "PutDeliveryChannel",
            "PutConfigurationRecorder",
        ),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 10,
        label: "security group changes",
        source: Some("ec2.amazonaws.com"),
        events: names!(
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        ),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 11,
        label: "network ACL changes",
        source: Some("ec2.amazonaws.com"),
        events: names!(
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        ),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 12,
        label: "network gateway changes",
        source: Some("ec2.amazonaws.com"),
        events: names!(
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        ),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 13,
        label: "route table changes",
        source: Some("ec2.amazonaws.com"),
        events: names!(
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        ),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 14,
        label: "VPC changes",
        source: Some("ec2.amazonaws.com"),
        events: names!(
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        ),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
    EventClass {
        number: 15,
        label: "AWS Organizations changes",
        source: Some("organizations.amazonaws.com"),
        events: names!(
            "AcceptHandshake",
            "AttachPolicy",
            "CreateAccount",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeclineHandshake",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DetachPolicy",
            "DisablePolicyType",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "MoveAccount",
            "RemoveAccountFromOrganization",
            "UpdatePolicy",
            "UpdateOrganizationalUnit",
        ),
        own_exclusions: &[],
        allowed_exclusions: &[],
    },
];

/// The class with this number.
pub(crate) fn class(number: i64) -> Option<&'static EventClass> {
    CLASSES.iter().find(|c| c.number == number)
}

fn condition(selector: &str, op: &str, value: &str) -> Condition {
    (selector.to_string(), op.to_string(), value.to_string())
}

impl EventClass {
    /// The clauses a set of filters must catch.
    fn required(&self) -> Vec<Clause> {
        self.events
            .iter()
            .map(|conditions| {
                let mut clause = Clause::default();
                for (selector, value) in conditions.iter() {
                    clause.requires.insert(condition(selector, "=", value));
                }
                if let Some(source) = self.source {
                    clause
                        .requires
                        .insert(condition("$.eventSource", "=", source));
                }
                for (selector, op, value) in self.own_exclusions {
                    clause.excludes.insert(condition(selector, op, value));
                }
                clause
            })
            .collect()
    }

    /// Whether these filter clauses (from every filter that counts) catch the class.
    pub(crate) fn caught_by(&self, filters: &[Clause]) -> bool {
        let allowed: BTreeSet<Condition> = self
            .allowed_exclusions
            .iter()
            .map(|(s, o, v)| condition(s, o, v))
            .collect();
        self.required().iter().all(|required| {
            filters.iter().any(|clause| {
                clause.requires.is_subset(&required.requires)
                    && clause
                        .excludes
                        .iter()
                        .all(|e| required.excludes.contains(e) || allowed.contains(e))
            })
        })
    }

    /// "root account use (CIS 4.3)".
    pub(crate) fn describe(&self) -> String {
        format!("{} (CIS 4.{})", self.label, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catches(number: i64, patterns: &[&str]) -> bool {
        let clauses: Vec<Clause> = patterns.iter().flat_map(|p| clauses(p).unwrap()).collect();
        class(number).unwrap().caught_by(&clauses)
    }

    #[test]
    fn the_benchmark_patterns_catch_their_classes() {
        let cis = [
            (1, r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#),
            (1, r#"{($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#),
            (2, r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#),
            (2, r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#),
            (3, r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#),
            (4, "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}"),
            (4, "{($.eventSource=iam.amazonaws.com) && (($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy))}"),
            (5, "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }"),
            (10, "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }"),
            (11, "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }"),
            (7, "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }"),
        ];
        for (number, pattern) in cis {
            assert!(catches(number, &[pattern]), "{number}: {pattern}");
        }
    }

    #[test]
    fn order_whitespace_quotes_and_splitting_do_not_matter() {
        assert!(catches(
            5,
            &[
                r#"{$.eventName="StopLogging"||$.eventName="StartLogging"||$.eventName=DeleteTrail||$.eventName=UpdateTrail||$.eventName=CreateTrail}"#
            ]
        ));
        assert!(catches(
            5,
            &[
                "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }",
                "{ ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
            ]
        ));
    }

    #[test]
    fn narrower_filters_do_not_count() {
        // One event left out.
        assert!(!catches(
            5,
            &["{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) }"]
        ));
        // An extra requirement.
        assert!(!catches(
            3,
            &[r#"{ $.userIdentity.type = "Root" && $.sourceIPAddress = "203.0.113.7" }"#]
        ));
        // An exclusion the benchmark does not make.
        assert!(!catches(
            3,
            &[r#"{ $.userIdentity.type = "Root" && $.eventName != "ConsoleLogin" }"#]
        ));
        // Not a JSON pattern.
        assert!(clauses("ConsoleLogin Root").is_none());
        assert!(clauses("{ $.eventName = ").is_none());
        assert!(clauses("{ ($.eventName = A }").is_none());
    }

    #[test]
    fn broader_filters_count() {
        assert!(catches(2, &[r#"{ $.eventName = "ConsoleLogin" }"#]));
        assert!(catches(3, &[r#"{ $.userIdentity.type = Root }"#]));
    }
}
