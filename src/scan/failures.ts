export type FailureClass =
  | 'dns'
  | 'tls'
  | 'timeout'
  | 'http-status'
  | 'connection'
  | 'browser-crash'
  | 'navigation'
  | 'bad-url';

/** Sorts a navigation error (Chromium's net::ERR_… names, Playwright's messages) into a failure class. */
export function classifyFailure(message: string): FailureClass {
  const m = message.toUpperCase();
  if (/ERR_NAME_NOT_RESOLVED|ERR_NAME_RESOLUTION_FAILED|ERR_ADDRESS_UNREACHABLE.*DNS/.test(m)) return 'dns';
  if (/ERR_CERT_|ERR_SSL_|ERR_BAD_SSL|SSL_PROTOCOL|ERR_TLS/.test(m)) return 'tls';
  if (/TIMEOUT|TIMED_OUT/.test(m)) return 'timeout';
  if (/TARGET (PAGE, CONTEXT OR BROWSER )?(HAS BEEN )?CLOSED|BROWSER HAS DISCONNECTED|PAGE CRASHED|TARGET CRASHED/.test(m))
    return 'browser-crash';
  if (/ERR_CONNECTION_|ERR_EMPTY_RESPONSE|ERR_SOCKET|ERR_NETWORK_CHANGED|ERR_ADDRESS_UNREACHABLE|ERR_INTERNET_DISCONNECTED/.test(m))
    return 'connection';
  if (/ERR_INVALID_URL|INVALID URL/.test(m)) return 'bad-url';
  return 'navigation';
}
