import { describe, expect, it, vi } from 'vitest';
import { base64Url, challengeS256, createState, createVerifier, decodeBase64Url, webCrypto } from './pkce';

// RFC 7636 Appendix B: the 32 random octets, the verifier they encode to, and its S256 challenge.
const RFC_OCTETS = [
  116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132,
  141, 121,
];
const RFC_VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const RFC_CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 Appendix B', async () => {
    await expect(challengeS256(RFC_VERIFIER)).resolves.toBe(RFC_CHALLENGE);
  });

  it('encodes random octets as the verifier of RFC 7636 Appendix B', () => {
    const crypto = webCrypto();
    vi.spyOn(crypto, 'getRandomValues').mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
      (array as unknown as Uint8Array).set(RFC_OCTETS);
      return array;
    });
    expect(createVerifier(crypto)).toBe(RFC_VERIFIER);
  });

  it('makes 43-character verifiers of unreserved characters, different every time', () => {
    const verifiers = Array.from({ length: 200 }, () => createVerifier());
    for (const v of verifiers) {
      expect(v).toHaveLength(43);
      // RFC 7636 §4.1: 43–128 of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"; base64url uses a subset.
      expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    }
    expect(new Set(verifiers).size).toBe(verifiers.length);
  });

  it('makes random states', () => {
    const states = Array.from({ length: 50 }, () => createState());
    states.forEach((s) => expect(s).toMatch(/^[A-Za-z0-9_-]{22}$/));
    expect(new Set(states).size).toBe(states.length);
  });

  it('says why sign-in cannot work without Web Crypto (plain HTTP)', () => {
    expect(() => webCrypto({})).toThrow(/HTTPS/);
    expect(() => webCrypto({ crypto: { getRandomValues: () => null } as unknown as Crypto })).toThrow(/Web Crypto/);
  });
});

describe('base64url', () => {
  it('has no padding and uses the URL-safe alphabet', () => {
    expect(base64Url(new Uint8Array([251, 255]))).toBe('-_8');
    expect(base64Url(new Uint8Array([]))).toBe('');
  });

  it('decodes with or without padding, as UTF-8', () => {
    expect(decodeBase64Url('-_8')).toBe(new TextDecoder().decode(new Uint8Array([251, 255])));
    const text = '{"user_name":"zoë"}';
    expect(decodeBase64Url(base64Url(new TextEncoder().encode(text)))).toBe(text);
  });
});
