/**
 * Free TCP ports on the loopback interface for test servers.
 *
 * The kernel picks a free port for a listener on port 0; the listener closes before the caller binds it, so another
 * process could take the port in between. Harnesses that start servers retry once on "address in use".
 */
import { createServer } from 'node:net';

/** Returns a port that was free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('listener on 127.0.0.1:0 has no TCP address'));
        return;
      }
      const { port } = address;
      server.close(() => {
        resolve(port);
      });
    });
  });
}
