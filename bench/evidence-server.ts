/**
 * The server of the evidence benchmark, alone in its process so its memory can be read from
 * /proc: a fresh database, an owner signed in. Prints one JSON line (address, session, pid),
 * then serves until stdin closes.
 */
import type { Engine } from '../test/helpers/db.js';
import { makeOwner, signIn, startServer } from './setup.js';

const engine = process.argv[2] as Engine;
const server = await startServer(engine);
const user = await makeOwner(server.rt);
const { cookie, me } = await signIn(server.baseUrl, user);
const controls = await server.rt.database.query('SELECT id FROM controls WHERE org_id = $1 ORDER BY key LIMIT 1', [
  user.orgId,
]);
process.stdout.write(
  `${JSON.stringify({
    baseUrl: server.baseUrl,
    cookie,
    csrf: (me.session as { csrfToken: string }).csrfToken,
    control: (controls.rows[0] as { id: string }).id,
    pid: process.pid,
  })}\n`,
);
process.stdin.resume();
process.stdin.on('end', () => {
  void server.close().finally(() => process.exit(0));
});
