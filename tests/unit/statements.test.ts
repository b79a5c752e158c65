import { describe, expect, it } from 'vitest';
import { statementCandidates } from '../../src/scan/statements.js';

// Which links of a page lead to its privacy or cookie statement, and in what order they are read.

const link = (href: string, text = '') => ({ href, text, inNav: false });
const START = 'https://www.gemeente.nl/';
const urls = (links: ReturnType<typeof link>[]) => statementCandidates(links, START).map((c) => c.url);

describe('statementCandidates', () => {
  it('takes links that are not valid percent-encoding (an old Latin-1 URL, a bare %) in its stride', () => {
    const links = [link('/actie-50%', 'Actie'), link('/caf%E9', 'Café'), link('/privacyverklaring%', 'Privacyverklaring'), { href: '/x', text: 42, inNav: false }];
    expect(urls(links as ReturnType<typeof link>[])).toEqual(['https://www.gemeente.nl/privacyverklaring%']);
  });

  it('privacy statements, then cookie statements, then pages just called "Privacy" or "Cookies"; exact names first', () => {
    const found = statementCandidates(
      [
        link('/afval', 'Afval'),
        link('/cookies', 'Cookies'),
        link('/nieuws/privacyverklaring-jeugdhulp', 'Nieuwe privacyverklaring jeugdhulp'),
        link('/over-ons/privacyverklaring', 'Privacyverklaring'),
        link('/p/12', 'Privacy statement'),
        link('/cookiebeleid', 'Lees meer'),
      ],
      START,
    );
    expect(found.map((c) => [c.url.replace(START, '/'), c.kind, c.exact])).toEqual([
      ['/over-ons/privacyverklaring', 'privacy', true],
      ['/p/12', 'privacy', true],
      ['/nieuws/privacyverklaring-jeugdhulp', 'privacy', false],
      ['/cookiebeleid', 'cookie', true],
      ['/cookies', 'general', true],
    ]);
  });

  it('one candidate per page (fragment, trailing slash and www. aside); statements elsewhere are marked, not dropped', () => {
    const found = statementCandidates(
      [
        link('https://privacy.gemeente.nl/privacyverklaring', 'Privacyverklaring'),
        link('/privacyverklaring#cookies', 'Privacyverklaring'),
        link('https://gemeente.nl/privacyverklaring/', 'privacyverklaring'),
        link('https://www.regio-samenwerking.nl/privacyverklaring', 'Privacyverklaring'),
        link('mailto:privacy@gemeente.nl', 'Privacy'),
        link('/docs/privacyverklaring.pdf', 'Privacyverklaring (pdf)'),
        link('/img/privacy.png', 'Privacy'),
      ],
      START,
    );
    expect(found.map((c) => [c.url, c.elsewhere])).toEqual([
      ['https://privacy.gemeente.nl/privacyverklaring', false],
      ['https://www.gemeente.nl/privacyverklaring', false],
      ['https://www.regio-samenwerking.nl/privacyverklaring', true],
      ['https://www.gemeente.nl/docs/privacyverklaring.pdf', false],
    ]);
  });

  it('does not take every link that mentions privacy or cookies for a statement', () => {
    expect(urls([link('/nieuws/1', 'Nieuwe regels voor privacy bij de gemeente')])).toEqual([]);
    expect(urls([link('/cookies-bakken', 'Koekjes bakken')])).toEqual([]);
    expect(statementCandidates([link('/x', 'Privacy')], 'not a url')).toEqual([]);
  });
});
