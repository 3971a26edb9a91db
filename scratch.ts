import pino from 'pino';
import { openDatabase } from './src/db/connect.js';
import { startJobs } from './src/jobs/boss.js';

const db = await openDatabase({ memory: true });
const t = Date.now();
const boss = await startJobs(db, pino());
console.log('started', Date.now() - t);
await boss.createQueue('hello');
await boss.work('hello', async ([job]) => {
  console.log('got job', job?.data);
});
await boss.send('hello', { a: 1 });
await new Promise((r) => setTimeout(r, 3000));
await boss.stop({ graceful: true, wait: true });
await db.close();
console.log('done');
