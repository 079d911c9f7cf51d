pub mod client_profiles;
pub mod tls_suites;
