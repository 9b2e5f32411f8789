/**
 * Peer under test: @y/websocket-server 0.1.1, exactly as its bin/server.js wires it (an HTTP server,
 * `setupWSConnection` on every upgrade, no auth, no persistence), but on the ws 8 that the rest of
 * the tree uses instead of the ws 6 its optional dependency pulls in, so all three servers run on
 * the same WebSocket library. PORT=0 picks a free port; prints "listening <port>".
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection } from '@y/websocket-server/utils';

const wss = new WebSocketServer({ noServer: true });
const server = http.createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' });
  response.end('okay');
});
wss.on('connection', setupWSConnection);
server.on('upgrade', (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
