//! Windows build numbers (the ProductBuild of an NTLM VERSION, [MS-NLMP] 2.2.2.10) and the release
//! they belong to. Sources: Microsoft's "Windows 10 release information", "Windows 11 release
//! information" and "Windows Server release information" pages; the pre-Windows 10 builds from the
//! RTM/service-pack builds Microsoft lists for those products. Client and server releases of one
//! build share a row.

use super::Basis;

#[derive(Debug, serde::Serialize)]
pub struct WindowsBuild {
    pub build: u32,
    pub release: &'static str,
    pub source: &'static str,
    pub basis: Basis,
}

const SRC: &str = "Microsoft: Windows 10/11 and Windows Server release information";

const fn b(build: u32, release: &'static str) -> WindowsBuild {
    WindowsBuild { build, release, source: SRC, basis: Basis::Documented }
}

/// Sorted by build.
pub static WINDOWS_BUILDS: &[WindowsBuild] = &[
    b(6001, "Windows Vista SP1 / Windows Server 2008"),
    b(6002, "Windows Vista SP2 / Windows Server 2008 SP2"),
    b(7600, "Windows 7 / Windows Server 2008 R2 (RTM)"),
    b(7601, "Windows 7 SP1 / Windows Server 2008 R2 SP1"),
    b(9200, "Windows 8 / Windows Server 2012"),
    b(9600, "Windows 8.1 / Windows Server 2012 R2"),
    b(10240, "Windows 10 1507"),
    b(10586, "Windows 10 1511"),
    b(14393, "Windows 10 1607 / Windows Server 2016"),
    b(15063, "Windows 10 1703"),
    b(16299, "Windows 10 1709"),
    b(17134, "Windows 10 1803"),
    b(17763, "Windows 10 1809 / Windows Server 2019"),
    b(18362, "Windows 10 1903"),
    b(18363, "Windows 10 1909"),
    b(19041, "Windows 10 2004"),
    b(19042, "Windows 10 20H2"),
    b(19043, "Windows 10 21H1"),
    b(19044, "Windows 10 21H2"),
    b(19045, "Windows 10 22H2"),
    b(20348, "Windows Server 2022"),
    b(22000, "Windows 11 21H2"),
    b(22621, "Windows 11 22H2"),
    b(22631, "Windows 11 23H2"),
    b(26100, "Windows 11 24H2 / Windows Server 2025"),
];

/// The release of a build number, when the table knows it.
pub fn release(build: u32) -> Option<&'static WindowsBuild> {
    WINDOWS_BUILDS.binary_search_by_key(&build, |w| w.build).ok().map(|i| &WINDOWS_BUILDS[i])
}

#[cfg(test)]
mod tests {
    #[test]
    fn sorted_and_found() {
        assert!(super::WINDOWS_BUILDS.windows(2).all(|w| w[0].build < w[1].build));
        assert_eq!(super::release(7601).unwrap().release, "Windows 7 SP1 / Windows Server 2008 R2 SP1");
        assert!(super::release(7602).is_none());
    }
}
