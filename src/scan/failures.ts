export type FailureClass =
  | 'dns'
  | 'tls'
  | 'timeout'
  | 'http-status'
  | 'connection'
  | 'browser-crash'
  | 'page-crash'
  | 'navigation'
  | 'bad-url';

export const FAILURE_CLASSES: readonly FailureClass[] = [
  'dns', 'tls', 'timeout', 'http-status', 'connection', 'browser-crash', 'page-crash', 'navigation', 'bad-url',
];

/** Sorts a navigation error (Chromium's net::ERR_… names, Playwright's messages) into a failure class. */
export function classifyFailure(message: string): FailureClass {
  const m = message.toUpperCase();
  if (/^HTTP \d{3}\b/.test(m)) return 'http-status';
  if (/ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED|ERR_ADDRESS_UNREACHABLE.*DNS/.test(m)) return 'dns';
  if (/ERR_CERT_|ERR_SSL_|ERR_BAD_SSL|SSL_PROTOCOL|ERR_TLS/.test(m)) return 'tls';
  if (/TIMEOUT|TIMED_OUT|SITE DEADLINE|STOPPED RESPONDING/.test(m)) return 'timeout';
  // The page's renderer died (out of memory, killed): this site's page, not the whole browser.
  if (/PAGE CRASHED|TARGET CRASHED|RENDERER PROCESS DIED/.test(m)) return 'page-crash';
  if (/TARGET (PAGE, CONTEXT OR BROWSER )?(HAS BEEN )?CLOSED|BROWSER HAS DISCONNECTED|BROWSER CRASHED/.test(m))
    return 'browser-crash';
  if (/ERR_CONNECTION_|ERR_EMPTY_RESPONSE|ERR_SOCKET|ERR_NETWORK_CHANGED|ERR_ADDRESS_UNREACHABLE|ERR_INTERNET_DISCONNECTED/.test(m))
    return 'connection';
  if (/ERR_INVALID_URL|INVALID URL/.test(m)) return 'bad-url';
  return 'navigation';
}

/** The failure message for a start page that answered with an error status. */
export function httpStatusMessage(status: number): string {
  return `HTTP ${status} on the start page`;
}

/**
 * Whether trying again later may give a different answer. Timeouts, dropped connections, 5xx and 429
 * often pass; a crashed browser may have been brought down by another site sharing it. A name that
 * does not resolve, a bad certificate, a 4xx or a redirect loop will fail the same way: retrying them
 * only delays the night.
 */
export function isTransient(failureClass: string | undefined, message = ''): boolean {
  switch (failureClass) {
    case 'timeout':
      // A script that froze the page will freeze it again.
      return !/stopped responding/i.test(message);
    case 'connection':
    case 'browser-crash':
    // A renderer also dies when the machine is short of memory: once more is cheap.
    case 'page-crash':
      return true;
    case 'http-status': {
      const status = Number(/^HTTP (\d{3})/i.exec(message)?.[1]);
      return status >= 500 || status === 429 || status === 408;
    }
    default:
      return false;
  }
}

/**
 * Wait before retry number `attempt` (1 = the first retry): doubling from `baseMs`, with ±20% jitter
 * so sites that failed together (a shared host's hiccup) are not retried in lockstep. `random` in [0,1).
 */
export function retryDelayMs(attempt: number, baseMs: number, random: number = Math.random()): number {
  const exp = baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.round(exp * (0.8 + 0.4 * random));
}
