//! rdp-doctor: finds out why a Remote Desktop connection fails.
