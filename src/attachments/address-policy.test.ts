import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAddress, classifyAddress, isAddressAllowed, type AddressCategory } from './address-policy.js';

const cases: [string, AddressCategory][] = [
  ['8.8.8.8', 'public'],
  ['93.184.215.14', 'public'],
  ['172.32.0.1', 'public'],
  ['10.0.0.1', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.169.254', 'link-local'],
  ['169.254.0.1', 'link-local'],
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['100.64.0.1', 'carrier-grade-nat'],
  ['100.127.255.255', 'carrier-grade-nat'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['2606:4700:4700::1111', 'public'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'link-local'],
  ['febf::1', 'link-local'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456::1', 'unique-local'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'reserved'],
  ['::7f00:1', 'reserved'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:a9fe:a9fe', 'link-local'],
  ['::ffff:8.8.8.8', 'public'],
  ['64:ff9b::10.0.0.1', 'private'],
  ['64:ff9b::a9fe:a9fe', 'link-local'],
  ['64:ff9b::808:808', 'public'],
  ['64:ff9b:1::a00:1', 'reserved'],
  ['2002:7f00:1::', 'loopback'],
  ['2002:c0a8:101::1', 'private'],
  ['2002:808:808::1', 'public'],
  ['not an address', 'invalid'],
  ['2130706433', 'invalid'],
  ['0x7f.1', 'invalid'],
];

describe('classifyAddress', () => {
  for (const [address, category] of cases) {
    it(`classifies ${address} as ${category}`, () => {
      assert.equal(classifyAddress(address), category);
    });
  }
});

describe('checkAddress', () => {
  it('allows only public addresses by default', () => {
    assert.equal(isAddressAllowed('8.8.8.8'), true);
    for (const address of ['10.0.0.1', '127.0.0.1', '169.254.169.254', '::1', 'fd00::1', '::ffff:127.0.0.1', '100.64.0.1']) {
      assert.equal(isAddressAllowed(address), false, address);
    }
  });

  it('opens private, loopback, link-local and CGNAT addresses with the switch, but never unspecified, multicast or reserved', () => {
    const policy = { allowPrivateAddresses: true };
    for (const address of ['10.0.0.1', '127.0.0.1', '::1', 'fd00::1', '169.254.169.254', '100.64.0.1', '::ffff:192.168.0.1']) {
      assert.equal(isAddressAllowed(address, policy), true, address);
    }
    for (const address of ['0.0.0.0', '::', '224.0.0.1', '255.255.255.255', '240.0.0.1', 'nonsense']) {
      assert.equal(isAddressAllowed(address, policy), false, address);
    }
  });

  it('lets an allowAddress exception pass exactly the addresses it names', () => {
    const policy = { allowAddress: (address: string) => address === '127.0.0.1' };
    assert.deepEqual(checkAddress('127.0.0.1', policy), { address: '127.0.0.1', category: 'loopback', allowed: true });
    assert.equal(isAddressAllowed('127.0.0.2', policy), false);
    assert.equal(isAddressAllowed('10.0.0.1', policy), false);
  });

  it('never lets the exception accept something that is not an address', () => {
    assert.equal(isAddressAllowed('localhost', { allowAddress: () => true }), false);
  });
});
