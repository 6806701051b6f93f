/**
 * The baseline: a bare express 5 app answering the same JSON as imbridge's relation read and
 * friend write, with no auth, validation, store or logging. Prints its URL on stdout.
 */
import express from 'express';

const relation = { uid: 'bench_a', other: 'bench_b', friend: true, friendOf: true, blocking: false, blockedBy: false, alias: 'Bee', extra: null };
const friendship = { uid: 'bench_a', friend: 'bench_b', alias: 'Bee', extra: null, since: new Date().toISOString() };

const app = express();
app.use(express.json());
app.get('/v1/users/:uid/relations/:other', (_request, response) => {
  response.json(relation);
});
app.put('/v1/users/:uid/friends/:friend', (_request, response) => {
  response.json(friendship);
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`listening http://127.0.0.1:${address.port}\n`);
});
