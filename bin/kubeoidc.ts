#!/usr/bin/env node
/**
 * The container image's single entry: `kubeoidc provider` runs the OpenID Connect provider, `kubeoidc operator` the
 * Kubernetes operator, `kubeoidc hash-password` prints an argon2id hash for the accounts file (reads the password from
 * standard input), `kubeoidc create-initial-access-token` / `revoke-initial-access-token` manage stored initial access
 * tokens for client registration (docs/registration.md).
 */
const [command] = process.argv.slice(2);

switch (command) {
  case 'provider':
    await import('../provider/server.ts');
    break;
  case 'operator':
    await import('../operator/main.ts');
    break;
  case 'hash-password': {
    const { hashPassword } = await import('../provider/accounts/password.ts');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const password = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
    if (!password) {
      console.error('kubeoidc hash-password: give the password on standard input');
      process.exit(2);
    }
    console.log(await hashPassword(password));
    break;
  }
  case 'create-initial-access-token':
  case 'revoke-initial-access-token': {
    const { readFile } = await import('node:fs/promises');
    const { initialAccessTokenCommand } = await import('../provider/registration/cli.ts');
    process.exitCode = await initialAccessTokenCommand(command, process.argv.slice(3), {
      env: process.env,
      readFile: (path) => readFile(path, 'utf8'),
      stdin: async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      },
      out: (line) => {
        console.log(line);
      },
      err: (line) => {
        console.error(line);
      },
    });
    break;
  }
  default:
    console.error(
      'usage: kubeoidc provider | operator | hash-password | create-initial-access-token | revoke-initial-access-token',
    );
    process.exit(2);
}
