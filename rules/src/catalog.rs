//! The SOC 2 Trust Services Criteria that soc2scan maps to.
//!
//! Identifiers and grouping are the AICPA's 2017 Trust Services Criteria; the descriptions
//! are soc2scan's own one-line summaries. `automatable` says whether a configuration scanner
//! can produce evidence for the criterion at all: most of CC1–CC5 are about people,
//! governance and process, which no cloud API shows.

use serde::Serialize;
use std::fmt;

/// A Trust Services Criteria category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Security: the common criteria CC1–CC9, always in scope.
    Security,
    /// Availability: A1.
    Availability,
    /// Confidentiality: C1.
    Confidentiality,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 3] = [
        Category::Security,
        Category::Availability,
        Category::Confidentiality,
    ];

    /// Lower-case name (`security`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Security => "security",
            Category::Availability => "availability",
            Category::Confidentiality => "confidentiality",
        }
    }

    /// Parses a lower-case name.
    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Criterion {
    /// `CC6.1`, `A1.2`, `C1.1`.
    pub id: &'static str,
    /// Category.
    pub category: Category,
    /// Group within the category (`Logical and physical access controls`).
    pub group: &'static str,
    /// Short title.
    pub title: &'static str,
    /// One-line description.
    pub description: &'static str,
    /// Whether cloud configuration can evidence it (false: people/process only).
    pub automatable: bool,
}

const CE: &str = "Control environment";
const CI: &str = "Communication and information";
const RA: &str = "Risk assessment";
const MA: &str = "Monitoring activities";
const CA: &str = "Control activities";
const LA: &str = "Logical and physical access controls";
const SO: &str = "System operations";
const CM: &str = "Change management";
const RM: &str = "Risk mitigation";
const AV: &str = "Additional criteria for availability";
const CO: &str = "Additional criteria for confidentiality";

macro_rules! criteria {
    ($( $id:literal, $cat:ident, $group:ident, $auto:literal, $title:literal, $desc:literal; )+) => {
        /// Every criterion soc2scan knows, in catalog order.
        pub const CRITERIA: &[Criterion] = &[$(
            Criterion {
                id: $id,
                category: Category::$cat,
                group: $group,
                title: $title,
                description: $desc,
                automatable: $auto,
            },
        )+];
    };
}

criteria! {
    "CC1.1", Security, CE, false, "Integrity and ethics", "Leadership shows and expects integrity and ethical conduct.";
    "CC1.2", Security, CE, false, "Board oversight", "An independent board oversees how internal control is designed and run.";
    "CC1.3", Security, CE, false, "Structure and authority", "Management sets up reporting lines, authorities and responsibilities.";
    "CC1.4", Security, CE, false, "Competence", "The organization hires, trains and keeps people able to do their control duties.";
    "CC1.5", Security, CE, false, "Accountability", "People are held to account for the internal-control duties they carry.";
    "CC2.1", Security, CI, false, "Quality information", "The organization obtains or produces relevant, good-quality information to run its controls.";
    "CC2.2", Security, CI, false, "Internal communication", "Control objectives and responsibilities are communicated inside the organization.";
    "CC2.3", Security, CI, false, "External communication", "Matters that affect internal control are communicated with outside parties.";
    "CC3.1", Security, RA, false, "Clear objectives", "Objectives are stated clearly enough that the risks to them can be found.";
    "CC3.2", Security, RA, false, "Risk identification", "Risks to the objectives are identified and analysed to decide how to manage them.";
    "CC3.3", Security, RA, false, "Fraud risk", "The chance of fraud is considered when assessing risk.";
    "CC3.4", Security, RA, false, "Change in risk", "Changes that could affect internal control are identified and assessed.";
    "CC4.1", Security, MA, true, "Control evaluations", "Controls are evaluated, continuously or separately, to confirm they are present and working.";
    "CC4.2", Security, MA, false, "Deficiency follow-up", "Control deficiencies are reported in time to those who must fix them.";
    "CC5.1", Security, CA, false, "Risk-mitigating controls", "Control activities are chosen and built to bring risks down to acceptable levels.";
    "CC5.2", Security, CA, true, "Technology controls", "General controls over technology are chosen and built to support the objectives.";
    "CC5.3", Security, CA, false, "Policies and procedures", "Controls are deployed through written policies and the procedures that carry them out.";
    "CC6.1", Security, LA, true, "Logical access security", "Access to protected information assets is restricted by identification, authentication, access rules and encryption at rest.";
    "CC6.2", Security, LA, true, "User registration and removal", "Users are registered and authorized before they get credentials, and access no longer needed is removed.";
    "CC6.3", Security, LA, true, "Role-based, least-privilege access", "Access is granted, changed and removed by role, with least privilege and segregation of duties.";
    "CC6.4", Security, LA, false, "Physical access", "Physical access to facilities and protected assets is restricted.";
    "CC6.5", Security, LA, false, "Asset disposal", "Physical assets are disposed of only once their data can no longer be recovered.";
    "CC6.6", Security, LA, true, "Boundary protection", "The system is protected against threats from outside its boundary, such as exposed network services.";
    "CC6.7", Security, LA, true, "Data in transit", "Information is restricted and protected while transmitted, moved or removed.";
    "CC6.8", Security, LA, true, "Malicious software", "Unauthorized or malicious software is prevented or detected.";
    "CC7.1", Security, SO, true, "Configuration and vulnerability detection", "Configuration changes and new vulnerabilities are detected through monitoring.";
    "CC7.2", Security, SO, true, "Anomaly monitoring", "Components are logged and monitored for anomalies that may indicate attacks or errors.";
    "CC7.3", Security, SO, false, "Security event evaluation", "Security events are evaluated to decide whether they are incidents.";
    "CC7.4", Security, SO, false, "Incident response", "Incidents are handled by a defined response program.";
    "CC7.5", Security, SO, true, "Incident recovery", "The organization can recover from incidents, e.g. by restoring from backups.";
    "CC8.1", Security, CM, true, "Change management", "Changes to infrastructure and software are authorized, tested, approved and implemented in a controlled way.";
    "CC9.1", Security, RM, false, "Business disruption", "Risks of business disruption are identified and mitigated.";
    "CC9.2", Security, RM, false, "Vendor risk", "Risks from vendors and business partners are assessed and managed.";
    "A1.1", Availability, AV, true, "Capacity", "Capacity and usage are monitored so more can be planned before it is needed.";
    "A1.2", Availability, AV, true, "Backup and recovery infrastructure", "Environmental protections, backups and recovery infrastructure are in place and maintained.";
    "A1.3", Availability, AV, false, "Recovery testing", "Recovery plans are tested.";
    "C1.1", Confidentiality, CO, true, "Protect confidential information", "Confidential information is identified and protected.";
    "C1.2", Confidentiality, CO, true, "Dispose of confidential information", "Confidential information is disposed of as committed.";
}

/// Looks a criterion up by id (case-insensitive).
pub fn criterion(id: &str) -> Option<&'static Criterion> {
    CRITERIA
        .iter()
        .find(|c| c.id.eq_ignore_ascii_case(id.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_covers_cc_a_and_c_without_duplicates() {
        let ids: Vec<&str> = CRITERIA.iter().map(|c| c.id).collect();
        for expected in [
            "CC1.1", "CC5.3", "CC6.8", "CC7.5", "CC8.1", "CC9.2", "A1.1", "A1.3", "C1.1", "C1.2",
        ] {
            assert!(ids.contains(&expected), "{expected} missing");
        }
        assert_eq!(ids.len(), 38);
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
    }

    #[test]
    fn looks_up_case_insensitively() {
        assert_eq!(criterion("cc6.1").map(|c| c.id), Some("CC6.1"));
        assert!(criterion("CC10.1").is_none());
    }
}
