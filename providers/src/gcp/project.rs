//! The default project and the identity of Application Default Credentials, found the way
//! the gcloud CLI and Google's client libraries find them — without any network call.
//!
//! Only the fields named here are read from credential files; private keys and refresh
//! tokens are never kept or printed.

use std::path::{Path, PathBuf};

/// Where a default project came from (for messages: "project acme-prod (from …)").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefaultProject {
    /// The project id.
    pub project: String,
    /// The environment variable or file it was read from.
    pub source: String,
}

/// Looks up the default project: `GOOGLE_CLOUD_PROJECT`, `GCLOUD_PROJECT`,
/// `CLOUDSDK_CORE_PROJECT`; the `project_id` (or `quota_project_id`) of the
/// `GOOGLE_APPLICATION_CREDENTIALS` file; the `quota_project_id` of gcloud's application
/// default credentials; the `project` of gcloud's active configuration.
pub fn default_project() -> Option<DefaultProject> {
    default_project_from(
        &|name| std::env::var(name).ok(),
        gcloud_config_dir().as_deref(),
    )
}

/// The service account e-mail of the credentials file ADC would use, if it is a service
/// account key (shown as the scan target's identity).
pub fn adc_identity() -> Option<String> {
    adc_identity_from(
        &|name| std::env::var(name).ok(),
        gcloud_config_dir().as_deref(),
    )
}

/// Where Application Default Credentials would come from, checked without waiting on the
/// network for long: `None` when there is no credentials file and no metadata server, so
/// that a scan fails at once with advice instead of retrying token fetches for a minute.
pub fn adc_source() -> Option<String> {
    let env = |name: &str| std::env::var(name).ok();
    if let Some(file) = credential_files(&env, gcloud_config_dir().as_deref())
        .into_iter()
        .find(|file| file.is_file())
    {
        return Some(file.display().to_string());
    }
    if let Some(host) = env("GCE_METADATA_HOST").filter(|h| !h.is_empty()) {
        return Some(format!("the metadata server at {host} (GCE_METADATA_HOST)"));
    }
    metadata_server_answers("169.254.169.254:80", std::time::Duration::from_millis(800))
        .then(|| "the metadata server".to_string())
}

/// Whether a Google metadata server answers at `address` (it sets `Metadata-Flavor:
/// Google`; other clouds' instance metadata services at the same address do not).
fn metadata_server_answers(address: &str, timeout: std::time::Duration) -> bool {
    use std::io::{Read, Write};
    let Ok(address) = address.parse::<std::net::SocketAddr>() else {
        return false;
    };
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(&address, timeout) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(timeout));
    let _ = stream.set_write_timeout(Some(timeout));
    let request = "GET /computeMetadata/v1/ HTTP/1.0\r\nHost: metadata.google.internal\r\nMetadata-Flavor: Google\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 2048];
    let mut read = 0;
    while read < head.len() {
        match stream.read(&mut head[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
        if head[..read].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&head[..read])
        .to_ascii_lowercase()
        .contains("metadata-flavor: google")
}

/// gcloud's configuration directory: `CLOUDSDK_CONFIG`, else `~/.config/gcloud`
/// (`%APPDATA%\gcloud` on Windows).
fn gcloud_config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("CLOUDSDK_CONFIG").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    if cfg!(windows) {
        return std::env::var_os("APPDATA").map(|d| PathBuf::from(d).join("gcloud"));
    }
    std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config").join("gcloud"))
}

type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

fn default_project_from(env: Env<'_>, gcloud_dir: Option<&Path>) -> Option<DefaultProject> {
    for variable in [
        "GOOGLE_CLOUD_PROJECT",
        "GCLOUD_PROJECT",
        "CLOUDSDK_CORE_PROJECT",
    ] {
        if let Some(project) = env(variable).filter(|p| !p.trim().is_empty()) {
            return Some(DefaultProject {
                project: project.trim().to_string(),
                source: variable.to_string(),
            });
        }
    }
    for file in credential_files(env, gcloud_dir) {
        let Some(json) = read_json(&file) else {
            continue;
        };
        for key in ["project_id", "quota_project_id"] {
            if let Some(project) = json.get(key).and_then(|v| v.as_str()) {
                if !project.is_empty() {
                    return Some(DefaultProject {
                        project: project.to_string(),
                        source: format!("{key} in {}", file.display()),
                    });
                }
            }
        }
    }
    let dir = gcloud_dir?;
    let active = std::fs::read_to_string(dir.join("active_config"))
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "default".to_string());
    let file = dir.join("configurations").join(format!("config_{active}"));
    let text = std::fs::read_to_string(&file).ok()?;
    let project = ini_value(&text, "core", "project")?;
    Some(DefaultProject {
        project,
        source: format!("[core] project in {}", file.display()),
    })
}

fn adc_identity_from(env: Env<'_>, gcloud_dir: Option<&Path>) -> Option<String> {
    let file = credential_files(env, gcloud_dir).into_iter().next()?;
    let json = read_json(&file)?;
    if json.get("type").and_then(|t| t.as_str()) != Some("service_account") {
        return None;
    }
    json.get("client_email")
        .and_then(|e| e.as_str())
        .map(str::to_string)
}

/// The credential files ADC reads, in order: `GOOGLE_APPLICATION_CREDENTIALS`, then
/// gcloud's `application_default_credentials.json`.
fn credential_files(env: Env<'_>, gcloud_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(path) = env("GOOGLE_APPLICATION_CREDENTIALS").filter(|p| !p.is_empty()) {
        files.push(PathBuf::from(path));
    }
    if let Some(dir) = gcloud_dir {
        files.push(dir.join("application_default_credentials.json"));
    }
    files
}

fn read_json(path: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read(path).ok()?;
    serde_json::from_slice(&text).ok()
}

/// `key = value` in `[section]` of an INI file (gcloud's configuration format).
fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.starts_with(';') || line.is_empty() {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_string();
            continue;
        }
        if current != section {
            continue;
        }
        if let Some((name, value)) = line.split_once('=') {
            if name.trim() == key && !value.trim().is_empty() {
                return Some(value.trim().to_string());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| vars.get(name).cloned()
    }

    #[test]
    fn environment_wins() {
        let dir = tempfile::tempdir().unwrap();
        let found = default_project_from(
            &env(&[
                ("CLOUDSDK_CORE_PROJECT", "b"),
                ("GOOGLE_CLOUD_PROJECT", "a"),
            ]),
            Some(dir.path()),
        )
        .unwrap();
        assert_eq!(found.project, "a");
        assert_eq!(found.source, "GOOGLE_CLOUD_PROJECT");
    }

    #[test]
    fn service_account_file_then_gcloud_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key.json");
        std::fs::write(
            &key,
            r#"{"type":"service_account","project_id":"from-key","client_email":"scan@from-key.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----canary"}"#,
        )
        .unwrap();
        let vars = [("GOOGLE_APPLICATION_CREDENTIALS", key.to_str().unwrap())];
        let found = default_project_from(&env(&vars), Some(dir.path())).unwrap();
        assert_eq!(found.project, "from-key");
        assert!(found.source.starts_with("project_id in "));
        assert_eq!(
            adc_identity_from(&env(&vars), Some(dir.path())).as_deref(),
            Some("scan@from-key.iam.gserviceaccount.com")
        );

        // Without the key: gcloud's active configuration.
        std::fs::create_dir_all(dir.path().join("configurations")).unwrap();
        std::fs::write(dir.path().join("active_config"), "work\n").unwrap();
        std::fs::write(
            dir.path().join("configurations/config_work"),
            "[core]\naccount = me@example.com\nproject = from-gcloud\n\n[compute]\nregion = x\n",
        )
        .unwrap();
        let found = default_project_from(&env(&[]), Some(dir.path())).unwrap();
        assert_eq!(found.project, "from-gcloud");
        assert_eq!(adc_identity_from(&env(&[]), Some(dir.path())), None);
    }

    #[test]
    fn user_adc_quota_project() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("application_default_credentials.json"),
            r#"{"type":"authorized_user","quota_project_id":"quota","refresh_token":"canary"}"#,
        )
        .unwrap();
        let found = default_project_from(&env(&[]), Some(dir.path())).unwrap();
        assert_eq!(found.project, "quota");
    }

    #[test]
    fn a_metadata_server_is_recognised_by_its_flavor_header() {
        use std::io::{Read, Write};
        let serve = |answer: &'static str| {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let address = listener.local_addr().unwrap().to_string();
            std::thread::spawn(move || {
                if let Ok((mut stream, _)) = listener.accept() {
                    let mut buffer = [0u8; 1024];
                    let _ = stream.read(&mut buffer);
                    let _ = stream.write_all(answer.as_bytes());
                }
            });
            address
        };
        let timeout = std::time::Duration::from_secs(2);
        let google = serve("HTTP/1.0 200 OK\r\nMetadata-Flavor: Google\r\n\r\nproject/\n");
        assert!(metadata_server_answers(&google, timeout));
        let other = serve("HTTP/1.0 200 OK\r\nServer: EC2ws\r\n\r\nlatest\n");
        assert!(!metadata_server_answers(&other, timeout));
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = closed.local_addr().unwrap().to_string();
        drop(closed);
        assert!(!metadata_server_answers(&address, timeout));
    }

    #[test]
    fn nothing_found() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(default_project_from(&env(&[]), Some(dir.path())), None);
        assert_eq!(default_project_from(&env(&[]), None), None);
    }
}
