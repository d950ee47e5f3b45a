use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Which client wrote the folder, from where it sits on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ClientGen {
    /// `Office\16.0\Lync`: Skype for Business 2016 and later.
    #[serde(rename = "16.0")]
    Office16,
    /// `Office\15.0\Lync`: Lync 2013 / Skype for Business 2015.
    #[serde(rename = "15.0")]
    Office15,
    /// `Microsoft\Communicator`: Lync 2010.
    #[serde(rename = "2010")]
    Lync2010,
    #[serde(rename = "unknown")]
    Unknown,
}

impl ClientGen {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientGen::Office16 => "16.0",
            ClientGen::Office15 => "15.0",
            ClientGen::Lync2010 => "2010",
            ClientGen::Unknown => "unknown",
        }
    }

    /// How a person names it.
    pub fn label(self) -> &'static str {
        match self {
            ClientGen::Office16 => "Office 16.0",
            ClientGen::Office15 => "Office 15.0",
            ClientGen::Lync2010 => "Lync 2010",
            ClientGen::Unknown => "client unknown",
        }
    }
}

/// One signed-in account: a `sip_<address>` folder, with or without a History Spooler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Sign-in address from the folder name (`sip_jdoe@contoso.com` → `jdoe@contoso.com`).
    pub address: String,
    pub client: ClientGen,
    /// The profile folder under `Users`, when the path shows one.
    pub profile: Option<String>,
    /// The `sip_*` folder itself.
    pub dir: PathBuf,
    /// Its `History Spooler`, when there is one.
    pub spooler: Option<PathBuf>,
}

impl Account {
    /// The domain part of the sign-in address, lower-cased.
    pub fn domain(&self) -> Option<String> {
        self.address
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .filter(|d| !d.is_empty())
    }
}
