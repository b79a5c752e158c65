import { describe, expect, it } from 'vitest';
import { refusalTook } from '../../src/classify/verdicts.js';
import { autoconsentClickRoles } from '../../src/consent/index.js';

// Which clicks made a refusal: tracking_after_reject may only accuse a site whose refusal took, and a
// refusal autoconsent completed must not be lost because its last button had an unusual label.

describe('autoconsentClickRoles', () => {
  it('keeps known labels and makes the last click of an opt-out the one that saved the refusal', () => {
    const viaSettings = [
      { text: 'Instellingen' },
      { text: '', toggle: true },
      { text: '', toggle: true },
      { text: 'Voorkeuren bevestigen' },
    ];
    expect(autoconsentClickRoles(viaSettings, 'reject')).toEqual(['settings', 'toggle-off', 'toggle-off', 'save']);
    expect(autoconsentClickRoles([{ text: 'Instellingen' }, { text: 'OK' }], 'reject')).toEqual(['settings', 'save']);
    expect(autoconsentClickRoles([{ text: 'Alles weigeren' }], 'reject')).toEqual(['reject']);
    expect(autoconsentClickRoles([{ text: 'Opslaan' }, { text: '', toggle: true }], 'reject').at(0)).toBe('save');
  });

  it('leaves opt-ins alone', () => {
    expect(autoconsentClickRoles([{ text: 'Alle cookies accepteren' }], 'accept')).toEqual(['accept']);
    expect(autoconsentClickRoles([{ text: '', toggle: true }], 'accept')).toEqual(['accept']);
  });
});

describe('refusalTook', () => {
  const click = (role: string) => ({ role });
  it('needs a reject or save click and a banner that went away', () => {
    expect(refusalTook({ action: 'reject', success: true, clicks: [click('reject')] })).toBe(true);
    expect(refusalTook({ action: 'reject', success: true, clicks: [click('settings'), click('toggle-off'), click('save')] })).toBe(true);
    expect(refusalTook({ action: 'reject', success: false, clicks: [click('reject')] })).toBe(false);
    expect(refusalTook({ action: 'reject', success: true, clicks: [click('settings')] })).toBe(false);
    expect(refusalTook({ action: 'accept', success: true, clicks: [click('accept')] })).toBe(false);
  });
});
