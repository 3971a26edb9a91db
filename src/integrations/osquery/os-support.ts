import type { DeviceData } from '../types.js';

/**
 * Whether an operating system version still gets security updates, from the vendors' published
 * support policies. Reviewed November 2026; review it whenever a vendor ships or retires a
 * release:
 * - Apple patches only the newest three macOS versions and ships a new one each September, when
 *   the oldest of the three stops getting updates (Ventura 13 stopped in 2025 with macOS 26;
 *   Sonoma 14 follows Apple's pattern in 2026 with macOS 27): raise `macosMajor` each autumn.
 * - Microsoft: Windows 10 ended in October 2025; its last release, 22H2 (build 19045), still
 *   gets updates under Extended Security Updates, which a device does not report, so it counts
 *   as supported until ESU ends (October 2028 at the latest). Windows 11 feature releases get 24
 *   months (Home, Pro) or 36 months (Enterprise, Education): raise the builds each October.
 * - Canonical supports every Ubuntu LTS for 5 years, 10 with Ubuntu Pro (ESM), which we count:
 *   20.04 is covered until 2030. Interim releases (9 months) are not in the table.
 * - Debian: 12 (bookworm) and later. RHEL and its rebuilds (Rocky, Alma): 8 and later.
 * Versions the table does not know (Windows Server, Fedora, interim Ubuntu, BSDs) give null.
 */
export const MINIMUM_OS = {
  macosMajor: 15,
  /** Windows 10 22H2, the only Windows 10 release with (extended) updates. */
  windows10Build: 19045,
  /** Windows 10 Enterprise LTSC 2019 (17763) and 2021 (19044) are supported into 2027–2029. */
  windows10LtscBuild: 17763,
  /** Windows 11 24H2 (26100) for Enterprise/Education; 25H2 (26200) for Home and Pro. */
  windows11EnterpriseBuild: 26100,
  windows11Build: 26200,
  ubuntuLtsMajor: 20,
  debianMajor: 12,
  rhelMajor: 8,
} as const;

/** Windows 11 starts at build 22000; both report version 10.0.x. */
const WINDOWS_11_FIRST_BUILD = 22000;

export interface OsDescription {
  platform: DeviceData['platform'];
  /** "macOS", "Microsoft Windows 11 Pro", "Ubuntu" … */
  name: string | null;
  /** "14.5", "10.0.26100", "22.04.4 LTS (Jammy Jellyfish)" … */
  version: string | null;
  /** Windows build number, when reported apart from the version. */
  build?: string | null;
  /** osquery's os_version.platform / platform_like ("ubuntu", "debian", "rhel"). */
  distro?: string | null;
}

export function osSupported(os: OsDescription): boolean | null {
  switch (os.platform) {
    case 'macos': {
      const [major] = versionNumbers(os.version);
      return major === undefined ? null : major >= MINIMUM_OS.macosMajor;
    }
    case 'windows':
      return windowsSupported(os);
    case 'linux':
      return linuxSupported(os);
    case 'other':
      return null;
  }
}

function windowsSupported(os: OsDescription): boolean | null {
  const name = (os.name ?? '').toLowerCase();
  if (name.includes('server')) return null;
  const [major, , third] = versionNumbers(os.version);
  // Windows 7 and 8 report 6.x; anything before 10 is long out of support.
  if (major !== undefined && major < 10) return false;
  const build = Number.parseInt(os.build ?? '', 10) || third;
  if (build === undefined) return null;
  if (build >= WINDOWS_11_FIRST_BUILD) {
    const enterprise = name.includes('enterprise') || name.includes('education');
    return build >= (enterprise ? MINIMUM_OS.windows11EnterpriseBuild : MINIMUM_OS.windows11Build);
  }
  if (name.includes('ltsc')) return build >= MINIMUM_OS.windows10LtscBuild;
  return build === MINIMUM_OS.windows10Build;
}

function linuxSupported(os: OsDescription): boolean | null {
  const text = `${os.name ?? ''} ${os.distro ?? ''}`.toLowerCase();
  const [major, minor] = versionNumbers(os.version);
  if (major === undefined) return null;
  if (text.includes('ubuntu')) {
    const lts = minor === 4 && major % 2 === 0;
    return lts ? major >= MINIMUM_OS.ubuntuLtsMajor : null;
  }
  if (text.includes('debian')) return major >= MINIMUM_OS.debianMajor;
  if (text.includes('red hat') || text.includes('rhel') || text.includes('rocky') || text.includes('alma')) {
    return major >= MINIMUM_OS.rhelMajor;
  }
  return null;
}

/** "22.04.4 LTS (Jammy Jellyfish)" → [22, 4, 4]; "10.0.19045.4291" → [10, 0, 19045, 4291]. */
export function versionNumbers(version: string | null | undefined): number[] {
  const match = /^\s*\d+(?:\.\d+)*/.exec(version ?? '');
  return match ? match[0].trim().split('.').map(Number) : [];
}
