/** console.pgpKey: keybase:<user> or base64 of a binary OpenPGP public key, told apart by the first packet's tag. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { firstPacketTag, pgpKeyProblem } from '../../src/config/pgp-key';
import { VALID_MINIMAL_CONFIG } from '../helpers/isolated-project';

/** The throwaway ed25519 public key of the minimal config (`gpg --export | base64`). */
const publicKey: string = parse(readFileSync(VALID_MINIMAL_CONFIG, 'utf8')).people[0].console.pgpKey;

test('packet tags in the old and the new header format', () => {
  expect(firstPacketTag(Uint8Array.of(0x98))).toBe(6); // old format, tag 6, one-octet length
  expect(firstPacketTag(Uint8Array.of(0x99))).toBe(6); // old format, tag 6, two-octet length
  expect(firstPacketTag(Uint8Array.of(0xc6))).toBe(6); // new format, tag 6
  expect(firstPacketTag(Uint8Array.of(0x94))).toBe(5); // old format, secret key
  expect(firstPacketTag(Uint8Array.of(0xc5))).toBe(5); // new format, secret key
  expect(firstPacketTag(Uint8Array.of(0x68))).toBeUndefined(); // bit 7 clear: not a packet ("h")
  expect(firstPacketTag(Uint8Array.of())).toBeUndefined();
});

test('a real exported public key is accepted, on one line or wrapped as base64 prints it', () => {
  expect(publicKey.startsWith('mDME')).toBe(true);
  expect(pgpKeyProblem(publicKey)).toBeUndefined();
  expect(pgpKeyProblem(publicKey.replace(/(.{76})/g, '$1\n'))).toBeUndefined();
  // A new-format public-key header is a public key too.
  expect(pgpKeyProblem(Buffer.from([0xc6, 0x33, 0x04]).toString('base64'))).toBeUndefined();
});

test.each([
  ['keybase:jin', undefined],
  ['keybase:Jin_Kim_2', undefined],
  ['keybase:j', 'not a valid Keybase username'],
  ['keybase:jin-kim', 'not a valid Keybase username'],
  ['keybase:seventeen_chars_xx', 'not a valid Keybase username'],
  ['-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDME\n-----END PGP PUBLIC KEY BLOCK-----', 'ASCII-armored'],
  ['jin@example.com', 'neither a Keybase name nor base64'],
  ['mDMEawR2rhY', 'neither a Keybase name nor base64'], // not a multiple of 4
  [Buffer.from('hello world').toString('base64'), 'base64 of not an OpenPGP packet'],
  [Buffer.from([0x94, 0x33, 0x04]).toString('base64'), 'an OpenPGP packet with tag 5'],
])('%j: %s', (value, problem) => {
  const found = pgpKeyProblem(value);
  if (problem === undefined) expect(found).toBeUndefined();
  else {
    expect(found).toContain(problem);
    expect(found).toContain('"keybase:<username>"');
    expect(found).toContain('base64 of a binary OpenPGP public key');
  }
});
