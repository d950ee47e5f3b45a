//! Mailbox-side symptoms of Offline IM: `drafts-buildup` (and `drafts-not-identified` when
//! folder statistics name no Drafts row), `federated-recipient`,
//! `offline-im-disabled` and (from policy exports) `autoarchiving-disabled`.
//!
//! The Drafts buildup is documented (offline messages failed to send and Drafts filled up;
//! Exchange on-premises; fixed in Click-to-Run builds from 6/14/2016). That the client's EWS
//! `CreateItem SaveOnly` + `SendItem` sequence is what leaves the drafts behind is inferred.

mod drafts;
mod drafts_unidentified;
mod events;
mod federated;
mod offline_im;
mod policy;

pub use offline_im::{
    apply_settings, MailboxOptions, MailboxSettings, OfflineImPatterns, SettingsError,
    OFFLINE_IM_PATTERNS,
};

use super::{Context, RuleFamily};
use crate::model::Finding;

pub struct MailboxRules;

/// How many sample items a finding's evidence lists.
const SAMPLE: usize = 6;

impl RuleFamily for MailboxRules {
    fn rules(&self) -> &'static [&'static str] {
        &[
            "drafts-buildup",
            "drafts-not-identified",
            "federated-recipient",
            "offline-im-disabled",
            "autoarchiving-disabled",
        ]
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Vec<Finding>) {
        drafts::drafts_buildup(ctx, out);
        drafts_unidentified::drafts_not_identified(ctx, out);
        federated::federated(ctx, out);
        policy::policies(ctx, out);
        policy::log_autoarchiving(ctx.model, out);
    }
}
