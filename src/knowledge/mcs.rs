//! Reasons of the MCS Disconnect Provider Ultimatum ([T.125] 7 Reason, as [MS-RDPBCGR] 2.2.2.3 uses it).

use super::{Basis, Entry, Layer, TableId};

const SRC: &str = "[T.125] Reason (DisconnectProviderUltimatum), [MS-RDPBCGR] 2.2.2.3";

const fn r(value: u32, name: &'static str, meaning: &'static str) -> Entry {
    Entry {
        table: TableId::McsReason,
        value,
        name,
        meaning,
        source: SRC,
        basis: Basis::Documented,
        layer: Some(Layer::Session),
        causes: &[],
        note: None,
    }
}

/// Sorted by value.
pub static MCS_REASONS: &[Entry] = &[
    r(0, "rn-domain-disconnected", "The MCS domain was torn down."),
    r(1, "rn-provider-initiated", "The server (the MCS provider) ended the connection itself."),
    r(2, "rn-token-purged", "A token was purged."),
    r(3, "rn-user-requested", "The other side asked to disconnect (what an RDP peer sends when it closes normally)."),
    r(4, "rn-channel-purged", "A channel was purged."),
];
