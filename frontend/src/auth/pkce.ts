// Proof Key for Code Exchange (RFC 7636) with the browser's Web Crypto: a random verifier, its
// S256 challenge, and the random `state` that ties a UAA answer to the sign-in that asked.

/** Bytes of randomness in a verifier: 32 bytes give the 43 characters RFC 7636 recommends. */
export const VERIFIER_BYTES = 32;
/** Bytes of randomness in `state`. */
export const STATE_BYTES = 16;

/** RFC 4648 §5 base64url without padding. */
export function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes base64url (padding optional) to text, as UTF-8. */
export function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Web Crypto, or an error that says why it is missing (it needs HTTPS or localhost). */
export function webCrypto(source: { crypto?: Crypto } = globalThis): Crypto {
  const crypto = source.crypto;
  if (!crypto?.subtle || typeof crypto.getRandomValues !== 'function') {
    throw new Error(
      'this browser offers no Web Crypto here: sign-in needs the dashboard on HTTPS (or on localhost) to compute the PKCE challenge',
    );
  }
  return crypto;
}

function randomToken(bytes: number, crypto: Crypto): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A code verifier: 43 characters of [A-Za-z0-9-_] (RFC 7636 §4.1 allows 43–128 unreserved). */
export function createVerifier(crypto: Crypto = webCrypto()): string {
  return randomToken(VERIFIER_BYTES, crypto);
}

/** A `state` value: 22 random base64url characters. */
export function createState(crypto: Crypto = webCrypto()): string {
  return randomToken(STATE_BYTES, crypto);
}

/** The S256 challenge: BASE64URL(SHA-256(ASCII(verifier))). */
export async function challengeS256(verifier: string, crypto: Crypto = webCrypto()): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}
