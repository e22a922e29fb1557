//! TLS for every HTTP client of this process.

/// Installs rustls's `ring` crypto provider for this process, once. reqwest is built
/// without a provider of its own (that would pull in a slow C build), so every HTTP
/// client — ours, and the tests' raw ones — calls this before it is built.
pub fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err means another provider is installed already, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
