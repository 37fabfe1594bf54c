//! Settings: built-in defaults, overridden by `DOSSIER_*` environment variables, overridden by
//! flags. `Settings::validate` turns them into a `Config` or one sentence saying what is wrong.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, ValueEnum};

#[derive(Args, Debug, Clone)]
pub struct Settings {
    /// Address and port to listen on.
    #[arg(
        long,
        env = "DOSSIER_LISTEN",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: SocketAddr,

    /// Address people use to reach the portal, e.g. https://portal.firm.example
    /// [default: http://<listen>]
    #[arg(long, env = "DOSSIER_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,

    /// Folder for the SQLite database and the stored files; created if missing.
    #[arg(long, env = "DOSSIER_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Database: sqlite://path or postgres://user@host/db [default: sqlite in the data folder]
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,

    /// Most database connections to hold open.
    #[arg(
        long,
        env = "DOSSIER_DATABASE_MAX_CONNECTIONS",
        default_value_t = 16,
        global = true
    )]
    pub database_max_connections: u32,

    /// Where document bytes are kept.
    #[arg(long, env = "DOSSIER_STORAGE", value_enum, default_value_t = StorageKind::Fs, global = true)]
    pub storage: StorageKind,

    /// S3 endpoint URL, e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000
    #[arg(long, env = "DOSSIER_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,

    /// S3 bucket name.
    #[arg(long, env = "DOSSIER_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,

    /// S3 region.
    #[arg(
        long,
        env = "DOSSIER_S3_REGION",
        default_value = "us-east-1",
        global = true
    )]
    pub s3_region: String,

    /// S3 access key id.
    #[arg(
        long,
        env = "DOSSIER_S3_ACCESS_KEY_ID",
        hide_env_values = true,
        global = true
    )]
    pub s3_access_key_id: Option<String>,

    /// S3 secret access key.
    #[arg(
        long,
        env = "DOSSIER_S3_SECRET_ACCESS_KEY",
        hide_env_values = true,
        global = true
    )]
    pub s3_secret_access_key: Option<String>,

    /// Reverse proxies (comma-separated IPs) whose X-Forwarded-For names the real client.
    #[arg(
        long,
        env = "DOSSIER_TRUSTED_PROXIES",
        value_delimiter = ',',
        global = true
    )]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Outgoing mail server: smtp://host:587?tls=required (STARTTLS), smtps://host:465, or
    /// smtp://127.0.0.1:25 for a relay on this machine (no TLS); user:password@ before the host.
    #[arg(long, env = "DOSSIER_SMTP_URL", hide_env_values = true, global = true)]
    pub smtp_url: Option<String>,

    /// Sender of the portal's email [default: Dossier <dossier@<public host>>]
    #[arg(long, env = "DOSSIER_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,

    /// SMS gateway: a Twilio-compatible Messages endpoint
    /// (https://api.twilio.com/2010-04-01/Accounts/<sid>/Messages.json or another provider's).
    #[arg(long, env = "DOSSIER_SMS_URL", global = true)]
    pub sms_url: Option<String>,

    /// SMS gateway account (the user name of HTTP basic authentication).
    #[arg(long, env = "DOSSIER_SMS_ACCOUNT", global = true)]
    pub sms_account: Option<String>,

    /// SMS gateway token (the password of HTTP basic authentication).
    #[arg(long, env = "DOSSIER_SMS_TOKEN", hide_env_values = true, global = true)]
    pub sms_token: Option<String>,

    /// Sender number or name of the portal's text messages.
    #[arg(long, env = "DOSSIER_SMS_FROM", global = true)]
    pub sms_from: Option<String>,

    /// Accept Web Push endpoints on plain http and private addresses (a push service inside the
    /// network, or a test's). Off: only https on a public name, as browsers' push services are.
    #[arg(long, env = "DOSSIER_PUSH_ALLOW_LOCAL", global = true)]
    pub push_allow_local: bool,

    /// The key that seals TOTP secrets at rest: 64 hex digits. Every node of one portal needs
    /// the same key [default: <data-dir>/secret.key, created on first start]
    #[arg(
        long,
        env = "DOSSIER_SECRET_KEY",
        hide_env_values = true,
        global = true
    )]
    pub secret_key: Option<String>,

    /// Address for Prometheus metrics at /metrics, e.g. 127.0.0.1:9100; never the public
    /// address [default: off]
    #[arg(long, env = "DOSSIER_METRICS_LISTEN", global = true)]
    pub metrics_listen: Option<SocketAddr>,

    /// The firm's time zone (an IANA name such as Europe/London): times on pages shown before
    /// a person's browser has told the portal its own zone.
    #[arg(long, env = "DOSSIER_TIME_ZONE", default_value = "UTC", global = true)]
    pub time_zone: String,

    /// Log format: human-readable text or one JSON object per line.
    #[arg(long, env = "DOSSIER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StorageKind {
    /// Files on local disk, under <data-dir>/files.
    Fs,
    /// An S3-compatible object store.
    S3,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Settings after validation: everything here is known to be usable.
#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    /// Where /metrics is served; `None`: nowhere.
    pub metrics_listen: Option<SocketAddr>,
    pub public_url: String,
    pub https: bool,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    pub data_dir: PathBuf,
    pub database: DatabaseConfig,
    pub storage: StorageConfig,
    pub delivery: DeliveryConfig,
    /// `DOSSIER_SECRET_KEY`; `None`: the key file in the data folder.
    pub secret_key: Option<KeyBytes>,
    pub time_zone: chrono_tz::Tz,
}

/// A secret key given in the environment; never printed.
#[derive(Clone)]
pub struct KeyBytes(pub [u8; 32]);

impl std::fmt::Debug for KeyBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyBytes(…)")
    }
}

/// How email and text messages leave the portal; either may be missing.
#[derive(Clone, Default)]
pub struct DeliveryConfig {
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub sms: Option<SmsConfig>,
    pub push_allow_local: bool,
}

#[derive(Clone)]
pub struct SmsConfig {
    pub url: String,
    pub account: String,
    pub token: String,
    pub from: String,
}

impl std::fmt::Debug for DeliveryConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeliveryConfig")
            .field("email", &self.smtp_url.is_some())
            .field("mail_from", &self.mail_from)
            .field("sms", &self.sms.is_some())
            .field("push_allow_local", &self.push_allow_local)
            .finish()
    }
}

#[derive(Clone)]
pub struct DatabaseConfig {
    pub url: String,
    pub max_connections: u32,
}

impl DatabaseConfig {
    pub fn is_sqlite(&self) -> bool {
        self.url.starts_with("sqlite:")
    }
}

// The URL may hold a password: never print it.
impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.is_sqlite() {
            "sqlite"
        } else {
            "postgres"
        };
        f.debug_struct("DatabaseConfig")
            .field("kind", &kind)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub enum StorageConfig {
    Fs {
        root: PathBuf,
    },
    S3 {
        endpoint: String,
        bucket: String,
        region: String,
        access_key_id: String,
        secret_access_key: String,
    },
}

impl std::fmt::Debug for StorageConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Fs { root } => f.debug_struct("Fs").field("root", root).finish(),
            Self::S3 {
                endpoint,
                bucket,
                region,
                ..
            } => f
                .debug_struct("S3")
                .field("endpoint", endpoint)
                .field("bucket", bucket)
                .field("region", region)
                .finish_non_exhaustive(),
        }
    }
}

impl Settings {
    /// Checks every setting; the error is one sentence naming the setting and what to do.
    pub fn validate(&self) -> Result<Config, String> {
        let public_url = match &self.public_url {
            Some(raw) => parse_public_url(raw)?,
            None => format!("http://{}", self.listen),
        };
        let https = public_url.starts_with("https://");
        let data_dir = self.data_dir.clone();
        if data_dir.as_os_str().is_empty() {
            return Err(
                "DOSSIER_DATA_DIR is empty: give a folder such as /var/lib/dossier.".into(),
            );
        }
        let url = match &self.database_url {
            Some(url) if url.starts_with("sqlite:") => url.clone(),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                url::Url::parse(url).map_err(|e| {
                    format!("DATABASE_URL is not a valid PostgreSQL address ({e}); expected postgres://user:password@host:5432/dossier.")
                })?;
                url.clone()
            }
            Some(_) => {
                return Err("DATABASE_URL must start with sqlite:// or postgres:// (for example postgres://dossier@db.internal/dossier).".into());
            }
            None => format!(
                "sqlite://{}?mode=rwc",
                data_dir.join("dossier.db").display()
            ),
        };
        if self.database_max_connections == 0 {
            return Err("DOSSIER_DATABASE_MAX_CONNECTIONS must be at least 1.".into());
        }
        let storage = match self.storage {
            StorageKind::Fs => StorageConfig::Fs {
                root: data_dir.join("files"),
            },
            StorageKind::S3 => self.s3()?,
        };
        let delivery = self.delivery(&public_url)?;
        let secret_key = match self.secret_key.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(hex) => Some(KeyBytes(app::secrets::parse_key_hex(hex).ok_or(
                "DOSSIER_SECRET_KEY must be 64 hexadecimal digits (32 random bytes), \
                 such as the output of `openssl rand -hex 32`.",
            )?)),
        };
        if self
            .metrics_listen
            .is_some_and(|m| m.port() == self.listen.port())
        {
            return Err(format!(
                "DOSSIER_METRICS_LISTEN must be another port than DOSSIER_LISTEN ({}): metrics \
                 are never served to the public.",
                self.listen
            ));
        }
        let time_zone = self.time_zone.trim().parse().map_err(|_| {
            format!(
                "DOSSIER_TIME_ZONE must be a time zone's IANA name, such as Europe/London or \
                 America/New_York (not {:?}).",
                self.time_zone
            )
        })?;
        Ok(Config {
            time_zone,
            metrics_listen: self.metrics_listen,
            secret_key,
            delivery,
            listen: self.listen,
            public_url,
            https,
            trusted_proxies: self.trusted_proxies.clone(),
            data_dir,
            database: DatabaseConfig {
                url,
                max_connections: self.database_max_connections,
            },
            storage,
        })
    }

    fn delivery(&self, public_url: &str) -> Result<DeliveryConfig, String> {
        let smtp_url = match self.smtp_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => match url::Url::parse(raw) {
                Ok(u) if matches!(u.scheme(), "smtp" | "smtps") && u.host().is_some() => {
                    let tls = u
                        .query_pairs()
                        .find(|(k, _)| k == "tls")
                        .map(|(_, v)| v.into_owned());
                    let loopback = matches!(u.host(), Some(url::Host::Domain("localhost")))
                        || u.host_str()
                            .and_then(|h| {
                                h.trim_matches(['[', ']']).parse::<std::net::IpAddr>().ok()
                            })
                            .is_some_and(|ip| ip.is_loopback());
                    match (u.scheme(), tls.as_deref()) {
                        ("smtps", None) | ("smtp", Some("required" | "opportunistic")) => {}
                        ("smtp", None) if loopback => {}
                        ("smtp", None) => return Err("DOSSIER_SMTP_URL would send mail and passwords unencrypted to another machine: add ?tls=required (STARTTLS) or use smtps://.".into()),
                        _ => return Err("DOSSIER_SMTP_URL's tls= must be required or opportunistic.".into()),
                    }
                    Some(raw.to_string())
                }
                _ => {
                    return Err("DOSSIER_SMTP_URL must look like smtp://user:password@mail.firm.example:587?tls=required or smtps://mail.firm.example:465.".into());
                }
            },
        };
        let host = url::Url::parse(public_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| "localhost".into());
        let mail_from = match self.mail_from.as_deref().map(str::trim) {
            None | Some("") => format!("Dossier <dossier@{host}>"),
            Some(from) => {
                if from.parse::<lettre::message::Mailbox>().is_err() {
                    return Err(format!(
                        "DOSSIER_MAIL_FROM must be an address such as Dossier <portal@firm.example>, not '{from}'."
                    ));
                }
                from.to_string()
            }
        };
        let sms = match self.sms_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => {
                match url::Url::parse(raw) {
                    Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
                    _ => {
                        return Err(format!(
                            "DOSSIER_SMS_URL must be the gateway's http or https address, not '{raw}'."
                        ));
                    }
                }
                let need = |value: &Option<String>, name: &str| {
                    value
                        .clone()
                        .filter(|v| !v.trim().is_empty())
                        .ok_or_else(|| format!("{name} is required when DOSSIER_SMS_URL is set."))
                };
                Some(SmsConfig {
                    url: raw.to_string(),
                    account: need(&self.sms_account, "DOSSIER_SMS_ACCOUNT")?,
                    token: need(&self.sms_token, "DOSSIER_SMS_TOKEN")?,
                    from: need(&self.sms_from, "DOSSIER_SMS_FROM")?,
                })
            }
        };
        Ok(DeliveryConfig {
            smtp_url,
            mail_from,
            sms,
            push_allow_local: self.push_allow_local,
        })
    }

    fn s3(&self) -> Result<StorageConfig, String> {
        let need = |value: &Option<String>, name: &str| {
            value
                .clone()
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| format!("{name} is required when DOSSIER_STORAGE is s3."))
        };
        let endpoint = need(&self.s3_endpoint, "DOSSIER_S3_ENDPOINT")?;
        match url::Url::parse(&endpoint) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            _ => {
                return Err(format!(
                    "DOSSIER_S3_ENDPOINT must be an http or https address such as https://s3.eu-west-1.amazonaws.com, not '{endpoint}'."
                ));
            }
        }
        Ok(StorageConfig::S3 {
            endpoint,
            bucket: need(&self.s3_bucket, "DOSSIER_S3_BUCKET")?,
            region: self.s3_region.clone(),
            access_key_id: need(&self.s3_access_key_id, "DOSSIER_S3_ACCESS_KEY_ID")?,
            secret_access_key: need(&self.s3_secret_access_key, "DOSSIER_S3_SECRET_ACCESS_KEY")?,
        })
    }
}

/// The portal's origin, without a trailing slash.
fn parse_public_url(raw: &str) -> Result<String, String> {
    let refuse = || {
        format!(
            "DOSSIER_PUBLIC_URL must be the address people open, such as https://portal.firm.example, not '{raw}'."
        )
    };
    let url = url::Url::parse(raw.trim()).map_err(|_| refuse())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || !matches!(url.path(), "" | "/")
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
    {
        return Err(refuse());
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        settings: Settings,
    }

    fn validate(args: &[&str]) -> Result<Config, String> {
        let mut argv = vec!["dossier"];
        argv.extend_from_slice(args);
        Cli::try_parse_from(argv)
            .map_err(|e| e.to_string())?
            .settings
            .validate()
    }

    #[test]
    fn defaults_are_sqlite_and_local_disk_in_the_data_folder() {
        let config = validate(&["--data-dir", "/srv/dossier"]).expect("defaults are valid");
        assert_eq!(config.public_url, "http://127.0.0.1:3000");
        assert!(
            config
                .database
                .url
                .starts_with("sqlite:///srv/dossier/dossier.db")
        );
        assert!(
            matches!(config.storage, StorageConfig::Fs { ref root } if root.ends_with("files"))
        );
        assert!(!config.https);
        assert!(config.delivery.smtp_url.is_none() && config.delivery.sms.is_none());
        assert_eq!(config.delivery.mail_from, "Dossier <dossier@127.0.0.1>");
    }

    #[test]
    fn public_url_is_normalized_and_https_detected() {
        let config = validate(&["--public-url", "https://portal.firm.example/"]).expect("valid");
        assert_eq!(config.public_url, "https://portal.firm.example");
        assert!(config.https);
    }

    #[test]
    fn wrong_settings_get_one_sentence() {
        for (args, needle) in [
            (
                vec!["--public-url", "portal.firm.example"],
                "DOSSIER_PUBLIC_URL",
            ),
            (
                vec!["--public-url", "https://firm.example/portal?x=1"],
                "DOSSIER_PUBLIC_URL",
            ),
            (vec!["--database-url", "mysql://db/dossier"], "DATABASE_URL"),
            (vec!["--storage", "s3"], "DOSSIER_S3_ENDPOINT is required"),
            (
                vec!["--storage", "s3", "--s3-endpoint", "nowhere"],
                "DOSSIER_S3_ENDPOINT must be",
            ),
            (
                vec![
                    "--storage",
                    "s3",
                    "--s3-endpoint",
                    "http://127.0.0.1:9000",
                    "--s3-bucket",
                    "b",
                ],
                "DOSSIER_S3_ACCESS_KEY_ID is required",
            ),
            (vec!["--smtp-url", "mail.firm.example"], "DOSSIER_SMTP_URL"),
            (
                vec!["--smtp-url", "smtp://mail.firm.example:587"],
                "unencrypted",
            ),
            (vec!["--mail-from", "not an address"], "DOSSIER_MAIL_FROM"),
            (
                vec!["--sms-url", "https://sms.example/Messages.json"],
                "DOSSIER_SMS_ACCOUNT is required",
            ),
        ] {
            let err = validate(&args).expect_err("must be refused");
            assert!(err.contains(needle), "{args:?}: {err}");
            assert!(!err.contains('\n'), "one sentence, not a backtrace: {err}");
        }
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let config = validate(&[
            "--database-url",
            "postgres://dossier:hunter2@db/dossier",
            "--storage",
            "s3",
            "--s3-endpoint",
            "http://127.0.0.1:9000",
            "--s3-bucket",
            "files",
            "--s3-access-key-id",
            "AKIA",
            "--s3-secret-access-key",
            "topsecret",
            "--smtp-url",
            "smtp://portal:mailpass@mail.firm.example:587?tls=required",
            "--sms-url",
            "https://sms.example/Messages.json",
            "--sms-account",
            "AC1",
            "--sms-token",
            "smstoken",
            "--sms-from",
            "+15005550006",
        ])
        .expect("valid");
        let printed = format!("{config:?}");
        for secret in ["hunter2", "topsecret", "mailpass", "smstoken"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(printed.contains("email: true"), "{printed}");
    }
}
