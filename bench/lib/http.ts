// A light keep-alive JSON client for benchmarks: node:http with a pooled agent, so the
// load generator spends as little of the machine's CPU as it can.
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, target: string, body: object, onResponse: (res: http.IncomingMessage) => void, onError: (err: Error) => void): void {
  const { hostname, port } = new URL(url);
  const payload = JSON.stringify(body);
  const req = http.request(
    {
      agent,
      hostname,
      port,
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'content-length': Buffer.byteLength(payload),
        'x-amz-target': `AWSCognitoIdentityProviderService.${target}`,
      },
    },
    onResponse,
  );
  req.on('error', onError);
  req.end(payload);
}

/** POSTs an AWS JSON request and resolves with the status, discarding the body. */
export function postJson(url: string, target: string, body: object): Promise<number> {
  return new Promise((resolve, reject) => {
    post(url, target, body, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }, reject);
  });
}

/** postJson that also hands back the parsed JSON body (for multi-step flows such as SRP). */
export function postJsonBody<T = Record<string, unknown>>(url: string, target: string, body: object): Promise<{ status: number; body: T }> {
  return new Promise((resolve, reject) => {
    post(url, target, body, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T });
        } catch (err) {
          reject(err);
        }
      });
    }, reject);
  });
}
