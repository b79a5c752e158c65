import { describe, expect, it } from 'vitest';
import { InvalidUrlError, normaliseStartUrl } from '../../src/observe/url.js';

describe('normaliseStartUrl', () => {
  it.each([
    ['https://www.volgdorp.nl', 'https://www.volgdorp.nl/'],
    ['www.volgdorp.nl', 'https://www.volgdorp.nl/'],
    ['HTTPS://WWW.Volgdorp.NL/Pad?x=1#anker', 'https://www.volgdorp.nl/Pad?x=1'],
    ['http://intranet.gemeente.local:8080/', 'http://intranet.gemeente.local:8080/'],
    ['localhost:8443/x', 'https://localhost:8443/x'],
    ['  https://www.schoonstad.nl/  ', 'https://www.schoonstad.nl/'],
    ['https://bücher.de/', 'https://xn--bcher-kva.de/'],
    ['https://127.0.0.1:8443/', 'https://127.0.0.1:8443/'],
  ])('%s → %s', (input, out) => {
    expect(normaliseStartUrl(input)).toBe(out);
  });

  it.each([
    ['', /empty/],
    ['ftp://example.nl/', /not an http\(s\) URL/],
    ['javascript:alert(1)', /not an http\(s\) URL/],
    ['https://exa mple.nl', /spaces/],
    ['https://', /not a valid URL|no host/],
    ['https://user:pw@example.nl/', /credentials/],
    ['https://-bad-.nl/', /valid host name/],
    ['https://nodots/', /valid host name/],
    ['https://a..b.nl/', /valid host name/],
  ])('refuses %j', (input, message) => {
    expect(() => normaliseStartUrl(input)).toThrow(InvalidUrlError);
    expect(() => normaliseStartUrl(input)).toThrow(message);
  });
});
