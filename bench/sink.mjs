// A local destination for benchmarks: answers 200 at once and reports how many requests it received.
import http from 'node:http';

let count = 0;
let firstAt = 0;
let lastAt = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/__count') {
    res.end(JSON.stringify({ count, firstAt, lastAt }));
    return;
  }
  req.on('data', () => {});
  req.on('end', () => {
    count++;
    lastAt = Date.now();
    if (count === 1) firstAt = lastAt;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('sink ready'));
process.on('SIGTERM', () => process.exit(0));
