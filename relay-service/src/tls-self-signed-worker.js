// Generates the self-signed certificate (see tls.ts) in a worker thread: the generator and
// its ASN.1 stack take ~25 MB, which go away with the thread instead of staying in the
// relay's heap. Plain JavaScript so the thread does not start a type stripper of its own.
import { parentPort, workerData } from 'node:worker_threads';
import selfsigned from 'selfsigned';

/** @type {{ hostname: string, notAfterMs: number }} */
const { hostname, notAfterMs } = workerData;
const pems = await selfsigned.generate([{ name: 'commonName', value: hostname }], {
  notAfterDate: new Date(notAfterMs),
  keySize: 2048,
});
parentPort.postMessage({ key: pems.private, cert: pems.cert });
