/**
 * `console.pgpKey`: what Terraform's aws_iam_user_login_profile accepts, `keybase:<username>` or a base64-encoded
 * OpenPGP public key (binary, as `gpg --export <key> | base64` prints it; line breaks are fine, Go's decoder skips
 * them). Anything else fails only at apply, after the user was created, so it is refused here.
 */

/** Keybase usernames: 2-16 letters, digits and underscores. */
const KEYBASE = /^keybase:[A-Za-z0-9_]{2,16}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** OpenPGP packet tag of a public key (RFC 9580, section 5.5.1.1). */
const PUBLIC_KEY_TAG = 6;

export const PGP_KEY_FORMS =
  'either "keybase:<username>" (2-16 letters, digits, "_") or the base64 of a binary OpenPGP public key (gpg --export <key> | base64, no ASCII armor)';

/**
 * The tag of the first OpenPGP packet (RFC 9580, section 4.2): bit 7 is always set; bit 6 set is the new format
 * (tag in bits 5-0), clear the old one (tag in bits 5-2).
 */
export function firstPacketTag(bytes: Uint8Array): number | undefined {
  const header = bytes[0];
  if (header === undefined || (header & 0x80) === 0) return undefined;
  return header & 0x40 ? header & 0x3f : (header >> 2) & 0x0f;
}

/** Why the value is not a usable PGP key, or undefined if it is one. */
export function pgpKeyProblem(value: string): string | undefined {
  if (value.startsWith('keybase:')) {
    return KEYBASE.test(value) ? undefined : `not a valid Keybase username; must be ${PGP_KEY_FORMS}`;
  }
  if (value.includes('-----BEGIN PGP')) {
    return `an ASCII-armored key is not accepted; export it binary and base64-encode it: must be ${PGP_KEY_FORMS}`;
  }
  const base64 = value.replace(/\r?\n/g, '');
  if (!BASE64.test(base64) || base64.length % 4 !== 0)
    return `neither a Keybase name nor base64; must be ${PGP_KEY_FORMS}`;
  const tag = firstPacketTag(Buffer.from(base64, 'base64'));
  if (tag !== PUBLIC_KEY_TAG) {
    const found = tag === undefined ? 'not an OpenPGP packet' : `an OpenPGP packet with tag ${tag}`;
    return `base64 of ${found}, not of a public key (packet tag 6); must be ${PGP_KEY_FORMS}`;
  }
  return undefined;
}
