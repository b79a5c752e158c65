import { describe, expect, it } from 'vitest';
import { chooseSubpages } from '../../src/scan/subpages.js';

const start = 'https://www.volgdorp.nl/';

describe('chooseSubpages', () => {
  it('takes menu links first, then other links in document order', () => {
    const links = [
      { href: '/nieuws/1', inNav: false },
      { href: '/afval', inNav: true },
      { href: '/contact', inNav: true },
    ];
    expect(chooseSubpages(links, start, 2)).toEqual(['https://www.volgdorp.nl/afval', 'https://www.volgdorp.nl/contact']);
    expect(chooseSubpages(links, start, 3)[2]).toBe('https://www.volgdorp.nl/nieuws/1');
  });

  it('keeps to the same site, including its subdomains, and never leaves it', () => {
    const links = [
      { href: 'https://www.facebook.com/volgdorp', inNav: true },
      { href: 'https://volgdorp.nl.evil.com/', inNav: true },
      { href: 'https://loket.volgdorp.nl/afspraak', inNav: true },
    ];
    expect(chooseSubpages(links, start, 5)).toEqual(['https://loket.volgdorp.nl/afspraak']);
  });

  it('skips downloads, mail, phone, script links, the start page itself and duplicates', () => {
    const links = [
      { href: '/jaarverslag.pdf', inNav: true },
      { href: '/Begroting.XLSX', inNav: true },
      { href: 'mailto:info@volgdorp.nl', inNav: true },
      { href: 'tel:14 0123', inNav: true },
      { href: 'javascript:void(0)', inNav: true },
      { href: '#main', inNav: true },
      { href: '/', inNav: true },
      { href: '/afval#ophaaldagen', inNav: false },
      { href: '/afval', inNav: false },
      { href: 'http://[bad', inNav: false },
    ];
    expect(chooseSubpages(links, start, 5)).toEqual(['https://www.volgdorp.nl/afval']);
  });

  it('is deterministic and honours max 0', () => {
    const links = [{ href: '/a', inNav: false }, { href: '/b', inNav: true }];
    expect(chooseSubpages(links, start, 2)).toEqual(chooseSubpages([...links], start, 2));
    expect(chooseSubpages(links, start, 0)).toEqual([]);
  });
});
