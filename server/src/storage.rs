//! The one storage API: an OpenDAL operator on local disk or S3. Object keys are chosen by
//! Dossier (ids), never taken from user file names.

use opendal::{
    Operator,
    layers::{RetryLayer, TimeoutLayer},
    services,
};

use crate::config::StorageConfig;

pub async fn open(config: &StorageConfig) -> Result<Operator, String> {
    // OpenDAL's HTTP services (S3) need a transport installed once per process.
    opendal::install_default();
    let op = match config {
        StorageConfig::Fs { root } => {
            std::fs::create_dir_all(root).map_err(|e| {
                format!("Cannot create the storage folder {}: {e}.", root.display())
            })?;
            let root = root
                .canonicalize()
                .map_err(|e| format!("Cannot use the storage folder {}: {e}.", root.display()))?;
            // Writes land in a scratch folder first, then are renamed into place: a crash never
            // leaves a half-written file under its real key.
            let scratch = root.join(app::files::blobs::SCRATCH);
            std::fs::create_dir_all(&scratch).map_err(|e| {
                format!(
                    "Cannot create the storage folder {}: {e}.",
                    scratch.display()
                )
            })?;
            let builder = services::Fs::default()
                .root(&root.to_string_lossy())
                .atomic_write_dir(&scratch.to_string_lossy());
            Operator::new(builder)
        }
        StorageConfig::S3 {
            endpoint,
            bucket,
            region,
            access_key_id,
            secret_access_key,
        } => {
            let builder = services::S3::default()
                .endpoint(endpoint)
                .bucket(bucket)
                .region(region)
                .access_key_id(access_key_id)
                .secret_access_key(secret_access_key);
            Operator::new(builder)
        }
    }
    .map_err(|e| format!("Cannot set up document storage: {e}."))?;
    let op = op.layer(TimeoutLayer::new()).layer(RetryLayer::new());
    op.check()
        .await
        .map_err(|e| format!("Document storage does not answer: {e}."))?;
    Ok(op)
}
