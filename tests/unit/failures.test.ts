import { describe, expect, it } from 'vitest';
import { classifyFailure, httpStatusMessage, isTransient, retryDelayMs } from '../../src/scan/failures.js';

describe('classifyFailure', () => {
  it.each([
    ['net::ERR_NAME_NOT_RESOLVED at https://www.nergens.invalid/', 'dns'],
    ['page.goto: net::ERR_CERT_AUTHORITY_INVALID at https://x/', 'tls'],
    ['page.goto: net::ERR_SSL_PROTOCOL_ERROR at https://x/', 'tls'],
    ['page.goto: Timeout 30000ms exceeded.', 'timeout'],
    ['site deadline of 300000 ms passed', 'timeout'],
    ['page.goto: net::ERR_CONNECTION_RESET at https://x/', 'connection'],
    ['page.goto: net::ERR_EMPTY_RESPONSE at https://x/', 'connection'],
    ['page.goto: Target page, context or browser has been closed', 'browser-crash'],
    ['page.goto: Page crashed', 'page-crash'],
    ['page.goto: Navigation failed because page crashed!', 'page-crash'],
    ['page.evaluate: Target crashed', 'page-crash'],
    ['page.goto: net::ERR_TOO_MANY_REDIRECTS at https://x/', 'navigation'],
    ['page.goto: net::ERR_ABORTED at https://x/file.pdf', 'navigation'],
    ['net::ERR_INVALID_URL', 'bad-url'],
    [httpStatusMessage(503), 'http-status'],
  ])('%s → %s', (message, expected) => {
    expect(classifyFailure(message)).toBe(expected);
  });
});

describe('isTransient', () => {
  it('retries timeouts, dropped connections, crashes, 5xx, 429 and 408', () => {
    expect(isTransient('timeout')).toBe(true);
    expect(isTransient('connection')).toBe(true);
    expect(isTransient('browser-crash')).toBe(true);
    expect(isTransient('http-status', httpStatusMessage(500))).toBe(true);
    expect(isTransient('http-status', httpStatusMessage(503))).toBe(true);
    expect(isTransient('http-status', httpStatusMessage(429))).toBe(true);
    expect(isTransient('http-status', httpStatusMessage(408))).toBe(true);
  });

  it('never retries what fails the same way every time', () => {
    expect(isTransient('dns')).toBe(false);
    expect(isTransient('tls')).toBe(false);
    expect(isTransient('bad-url')).toBe(false);
    expect(isTransient('navigation')).toBe(false);
    expect(isTransient('http-status', httpStatusMessage(404))).toBe(false);
    expect(isTransient('http-status', httpStatusMessage(403))).toBe(false);
    expect(isTransient('http-status', 'no status')).toBe(false);
    expect(isTransient(undefined)).toBe(false);
    // A page that froze itself with a script will do it again; a crashed renderer gets one more try.
    expect(isTransient('page-crash')).toBe(true);
    const frozen = 'the page stopped responding: a script kept it busy (no answer within 10 s)';
    expect(classifyFailure(frozen)).toBe('timeout');
    expect(isTransient('timeout', frozen)).toBe(false);
    expect(classifyFailure('the start URL is not a web page but application/pdf')).toBe('navigation');
  });
});

describe('retryDelayMs', () => {
  it('doubles per attempt with at most 20% jitter either way', () => {
    expect(retryDelayMs(1, 1000, 0.5)).toBe(1000);
    expect(retryDelayMs(2, 1000, 0.5)).toBe(2000);
    expect(retryDelayMs(3, 1000, 0.5)).toBe(4000);
    expect(retryDelayMs(1, 1000, 0)).toBe(800);
    expect(retryDelayMs(1, 1000, 0.9999)).toBe(1200);
    expect(retryDelayMs(1, 0, 0.3)).toBe(0);
  });
});
