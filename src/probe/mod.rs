pub mod tls_scan;
