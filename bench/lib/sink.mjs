#!/usr/bin/env node
// Fallback counting SMTP sink, used only when Postfix's smtp-sink is not installed.
// Accepts everything (PIPELINING, no TLS), discards the data and writes the running
// message count to stdout in smtp-sink -c's format ("... mesg=N\r"), so the
// orchestrator reads either sink the same way.
//   node sink.mjs 127.0.0.1 2526 [capture-dir]
// With capture-dir, every message is also written there (used for DKIM checks only).
import net from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const [host = '127.0.0.1', port = '2526', captureDir] = process.argv.slice(2);
let mesg = 0, sess = 0;
const report = () => process.stdout.write(`sess=${sess} quit=0 mesg=${mesg}\r`);

net.createServer((sock) => {
  sess++;
  sock.setNoDelay(true);
  let buf = '', inData = false;
  sock.write('220 sink.bench.test ESMTP bench sink\r\n');
  sock.on('error', () => {});
  sock.on('data', (chunk) => {
    buf += chunk.toString('latin1');
    let out = '';
    for (;;) {
      if (inData) {
        // buf holds the message so far, starting right after DATA's 354 (messages are small).
        const end = buf.startsWith('.\r\n') ? -2 : buf.indexOf('\r\n.\r\n');
        if (end === -1) break;
        if (captureDir) writeFileSync(path.join(captureDir, `msg-${process.pid}-${mesg}.eml`), Buffer.from(buf.slice(0, end + 2), 'latin1'));
        buf = buf.slice(end + 5);
        inData = false; mesg++; report();
        out += '250 2.0.0 Ok: queued\r\n';
        continue;
      }
      const nl = buf.indexOf('\r\n');
      if (nl === -1) break;
      const line = buf.slice(0, nl); buf = buf.slice(nl + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'EHLO') out += '250-sink.bench.test\r\n250-PIPELINING\r\n250-SIZE 104857600\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n';
      else if (verb === 'DATA') { out += '354 End data with <CR><LF>.<CR><LF>\r\n'; inData = true; }
      else if (verb === 'QUIT') { out += '221 Bye\r\n'; sock.end(out); return; }
      else out += '250 2.0.0 Ok\r\n';
    }
    if (out) sock.write(out);
  });
}).listen(Number(port), host, () => process.stderr.write(`sink listening on ${host}:${port}\n`));
