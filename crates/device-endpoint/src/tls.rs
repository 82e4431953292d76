//! Optional TLS (MQTTS) with rustls on ring: a certificate chain and its private key from PEM
//! files. Devices authenticate with their MQTT credentials as over plain TCP.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

pub use tokio_rustls::TlsAcceptor;

/// A TLS acceptor for the certificate chain in `cert_pem` and the key in `key_pem`.
pub fn tls_acceptor(cert_pem: &Path, key_pem: &Path) -> Result<TlsAcceptor, String> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert_pem)
        .and_then(|it| it.collect::<Result<_, _>>())
        .map_err(|e| format!("certificates in {}: {e}", cert_pem.display()))?;
    if certs.is_empty() {
        return Err(format!("no certificate in {}", cert_pem.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key_pem)
        .map_err(|e| format!("private key in {}: {e}", key_pem.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("certificate and key: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
