// The URL table of the URL rule's tests (apiUrl.test.ts, and the CLI run against a loopback
// server in src/cli/urlRule.test.ts): every row is accepted in the normal form given, or
// refused with a reason matching `refused`. `P` stands for the loopback server's port.

export interface UrlRow {
  input: string
  normal?: string
  refused?: RegExp
}

const USER_INFO = /user info/
const QUERY = /query/
const FRAGMENT = /fragment/
const CONTROL = /control character/
const PORT = /port .* not a number from 0 to 65535/
const PLAIN_HTTP = /Plain http:\/\/ is allowed only to this computer/
const SCHEME = /Enter a full https:\/\/ URL/
const EMPTY = /Enter a URL/

export function urlTable(port: number): UrlRow[] {
  const P = String(port)
  return [
    // accepted, in their normal form
    { input: 'https://sandbox.interswitchng.com', normal: 'https://sandbox.interswitchng.com' },
    { input: 'https://sandbox.interswitchng.com/', normal: 'https://sandbox.interswitchng.com' },
    { input: 'https://SANDBOX.InterSwitchNG.com', normal: 'https://sandbox.interswitchng.com' },
    { input: 'HTTPS://saturn.interswitchng.com:443/', normal: 'https://saturn.interswitchng.com' },
    { input: 'https://qa.example.com:8443/gateway/', normal: 'https://qa.example.com:8443/gateway' },
    { input: 'https://qa.example.com/a/b/../c/./', normal: 'https://qa.example.com/a/c' },
    { input: '  https://sandbox.interswitchng.com  ', normal: 'https://sandbox.interswitchng.com' },
    { input: 'https://sandbox.interswitchng.com.', normal: 'https://sandbox.interswitchng.com.' },
    { input: 'https://bücher.example/', normal: 'https://xn--bcher-kva.example' },
    { input: 'https://ｅｘａｍｐｌｅ.com', normal: 'https://example.com' },
    { input: 'https:\\\\sandbox.interswitchng.com\\api', normal: 'https://sandbox.interswitchng.com/api' },
    { input: `http://127.0.0.1:${P}`, normal: `http://127.0.0.1:${P}` },
    { input: `HTTP://127.0.0.1:${P}/`, normal: `http://127.0.0.1:${P}` },
    { input: `http://127.0.0.1:${P}/x/..`, normal: `http://127.0.0.1:${P}` },
    { input: `http://１２７.０.０.１:${P}`, normal: `http://127.0.0.1:${P}` },
    { input: `http://0x7f.0.0.1:${P}`, normal: `http://127.0.0.1:${P}` },
    { input: `http://LOCALHOST:${P}`, normal: `http://localhost:${P}` },
    { input: `http://[::1]:${P}/`, normal: `http://[::1]:${P}` },
    { input: `http://[0:0:0:0:0:0:0:1]:${P}`, normal: `http://[::1]:${P}` },
    { input: `http://127.1.2.3:${P}`, normal: `http://127.1.2.3:${P}` },
    // refused, with a reason
    { input: '', refused: EMPTY },
    { input: '   ', refused: EMPTY },
    { input: `http://user:pw@127.0.0.1:${P}`, refused: USER_INFO },
    { input: `https://saturn.interswitchng.com@127.0.0.1:${P}`, refused: USER_INFO },
    { input: `http://@127.0.0.1:${P}`, refused: USER_INFO },
    { input: `http://127.0.0.1:${P}/?x=1`, refused: QUERY },
    { input: `http://127.0.0.1:${P}/?`, refused: QUERY },
    { input: `http://127.0.0.1:${P}/#frag`, refused: FRAGMENT },
    { input: `http://127.0.0.1:${P}/\n`, refused: CONTROL },
    { input: `http://127.0.0.1:${P}/a\tb`, refused: CONTROL },
    { input: `http://127.0.0.1:${P}\r\nX-Evil: 1`, refused: CONTROL },
    { input: 'http://127.0.0.1:-1', refused: PORT },
    { input: 'http://127.0.0.1:65536', refused: PORT },
    { input: 'http://127.0.0.1:４５６７', refused: PORT },
    { input: 'http://sandbox.interswitchng.com', refused: PLAIN_HTTP },
    { input: `http://localhost.:${P}`, refused: PLAIN_HTTP },
    { input: 'http://10.0.0.1:8080', refused: PLAIN_HTTP },
    { input: `http://[::ffff:127.0.0.1]:${P}`, refused: PLAIN_HTTP },
    { input: `ftp://127.0.0.1:${P}`, refused: SCHEME },
    { input: 'javascript:alert(1)', refused: SCHEME },
    { input: 'file:///etc/passwd', refused: SCHEME },
    { input: `127.0.0.1:${P}`, refused: SCHEME },
    { input: 'https://', refused: /not a valid URL/ },
    { input: 'https://[::1', refused: /not a valid URL/ },
    { input: 'https://exa mple.com', refused: /space/ },
    { input: `https://a.example/${'x'.repeat(2100)}`, refused: /longer than 2048/ },
  ]
}
