import { describe, expect, it } from 'vitest';
import { statementCandidates } from '../../src/scan/statements.js';

// Which links of a page lead to its privacy or cookie statement.

const link = (href: string, text = '') => ({ href, text, inNav: false });
const START = 'https://www.gemeente.nl/';

describe('statementCandidates', () => {
  it('finds statements by link text or URL, privacy statements before cookie statements', () => {
    const found = statementCandidates(
      [
        link('/afval', 'Afval'),
        link('/cookies', 'Cookies'),
        link('/over-ons/privacyverklaring', 'Privacyverklaring'),
        link('/p/12', 'Privacy statement'),
        link('/cookiebeleid', 'Lees meer'),
      ],
      START,
    );
    expect(found).toEqual([
      { url: 'https://www.gemeente.nl/over-ons/privacyverklaring', text: 'Privacyverklaring' },
      { url: 'https://www.gemeente.nl/p/12', text: 'Privacy statement' },
      { url: 'https://www.gemeente.nl/cookiebeleid', text: 'Lees meer' },
      { url: 'https://www.gemeente.nl/cookies', text: 'Cookies' },
    ]);
  });

  it('keeps to the site, http(s), no duplicates or fragments, and no downloads other than PDF', () => {
    const found = statementCandidates(
      [
        link('https://www.autoriteitpersoonsgegevens.nl/privacy', 'Privacy'),
        link('https://privacy.gemeente.nl/privacyverklaring', 'Privacyverklaring'),
        link('/privacyverklaring#cookies', 'Privacyverklaring'),
        link('/privacyverklaring', 'privacyverklaring'),
        link('mailto:privacy@gemeente.nl', 'Privacy'),
        link('/docs/privacyverklaring.docx', 'Privacyverklaring (Word)'),
        link('/docs/privacyverklaring.pdf', 'Privacyverklaring (pdf)'),
      ],
      START,
    );
    expect(found.map((f) => f.url)).toEqual([
      'https://privacy.gemeente.nl/privacyverklaring',
      'https://www.gemeente.nl/privacyverklaring',
      'https://www.gemeente.nl/docs/privacyverklaring.pdf',
    ]);
  });

  it('does not take every link with "privacy" in a sentence for a statement', () => {
    expect(statementCandidates([link('/nieuws/1', 'Nieuwe regels voor privacy bij de gemeente')], START)).toEqual([]);
    expect(statementCandidates([link('/cookies-bakken', 'Koekjes bakken')], START)).toEqual([]);
    expect(statementCandidates([link('/x', 'Privacy')], 'not a url')).toEqual([]);
  });
});
