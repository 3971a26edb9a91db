import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { osSupported, versionNumbers } from './os-support.js';

describe('osSupported', () => {
  it('accepts the macOS versions Apple still patches', () => {
    assert.equal(osSupported({ platform: 'macos', name: 'macOS', version: '26.1' }), true);
    assert.equal(osSupported({ platform: 'macos', name: 'macOS', version: '15.7.2' }), true);
    assert.equal(osSupported({ platform: 'macos', name: 'macOS', version: '14.7.4' }), false);
    assert.equal(osSupported({ platform: 'macos', name: 'macOS', version: '10.15.7' }), false);
    assert.equal(osSupported({ platform: 'macos', name: 'macOS', version: null }), null);
  });

  it('tells Windows 10 and 11 apart by build, and editions by name', () => {
    const win = (name: string, version: string, build?: string) =>
      osSupported({ platform: 'windows', name, version, build });
    assert.equal(win('Microsoft Windows 10 Pro', '10.0.19045'), true, '22H2');
    assert.equal(win('Microsoft Windows 10 Pro', '10.0.19044', '19044'), false, '21H2');
    assert.equal(win('Microsoft Windows 10 Enterprise LTSC', '10.0.17763'), true);
    assert.equal(win('Microsoft Windows 11 Pro', '10.0.22631', '22631'), false, '23H2');
    assert.equal(win('Microsoft Windows 11 Pro', '10.0.26100'), false, '24H2 Home/Pro');
    assert.equal(win('Microsoft Windows 11 Enterprise', '10.0.26100'), true, '24H2 Enterprise');
    assert.equal(win('Microsoft Windows 11 Pro', '10.0.26200'), true, '25H2');
    assert.equal(win('Microsoft Windows 7 Professional', '6.1.7601'), false);
    assert.equal(win('Microsoft Windows Server 2022', '10.0.20348'), null);
    assert.equal(win('Windows 11', '24H2'), null);
  });

  it('knows Ubuntu LTS, Debian and RHEL-like releases, and nothing else', () => {
    const linux = (name: string, version: string, distro = '') =>
      osSupported({ platform: 'linux', name, version, distro });
    assert.equal(linux('Ubuntu', '24.04.3 LTS (Noble Numbat)'), true);
    assert.equal(linux('Ubuntu', '20.04.6 LTS (Focal Fossa)'), true, 'under ESM');
    assert.equal(linux('Ubuntu', '18.04.6 LTS (Bionic Beaver)'), false);
    assert.equal(linux('Ubuntu', '25.10 (Questing Quokka)'), null, 'interim release');
    assert.equal(linux('Debian GNU/Linux', '12 (bookworm)'), true);
    assert.equal(linux('Debian GNU/Linux', '11 (bullseye)'), false);
    assert.equal(linux('Rocky Linux', '9.4 (Blue Onyx)', 'rocky rhel'), true);
    assert.equal(linux('Fedora Linux', '41 (Workstation Edition)'), null);
    assert.equal(osSupported({ platform: 'other', name: 'iOS', version: '18.1' }), null);
  });

  it('reads the leading numbers of a version', () => {
    assert.deepEqual(versionNumbers('22.04.4 LTS (Jammy Jellyfish)'), [22, 4, 4]);
    assert.deepEqual(versionNumbers('10.0.19045.4291'), [10, 0, 19045, 4291]);
    assert.deepEqual(versionNumbers('beta'), []);
    assert.deepEqual(versionNumbers(null), []);
  });
});
