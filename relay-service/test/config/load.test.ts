import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, configurationTable, ConfigError } from '../../src/config/load.ts';
import { SETTINGS } from '../../src/config/schema.ts';

test('defaults give an embedded SQLite database under the data folder and the standard ports', () => {
  const config = loadConfig({}, { readDotEnv: false });
  assert.match(config.databaseUrl, /^sqlite:\/\/.*\/data\/relay\.db$/);
  assert.equal(config.submissionPort, 587);
  assert.equal(config.smtpsPort, 465);
  assert.equal(config.inboundPort, 25);
  assert.equal(config.mxPort, 25);
  assert.deepEqual(config.retrySchedule, [300_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000]);
  assert.equal(config.maxQueueAge, 48 * 3_600_000);
  assert.equal(config.maxMessageSize, 25 * 1024 * 1024);
});

test('operator values are parsed: ports, lists, durations, sizes, and an empty port disables a listener', () => {
  const config = loadConfig({
    RELAY_HTTP_PORT: '0', RELAY_SMTPS_PORT: '', RELAY_DNS_SERVERS: '127.0.0.1:5353, 127.0.0.2',
    RELAY_RETRY_SCHEDULE: '1s,2m', RELAY_MAX_MESSAGE_SIZE: '512KB', RELAY_DATABASE_URL: 'postgres://u@h/db',
  }, { readDotEnv: false });
  assert.equal(config.httpPort, 0);
  assert.equal(config.smtpsPort, null);
  assert.deepEqual(config.dnsServers, ['127.0.0.1:5353', '127.0.0.2']);
  assert.deepEqual(config.retrySchedule, [1000, 120_000]);
  assert.equal(config.maxMessageSize, 512 * 1024);
  assert.equal(config.databaseUrl, 'postgres://u@h/db');
});

test('every bad value is reported at once, each naming its variable', () => {
  assert.throws(
    () => loadConfig({ RELAY_HTTP_PORT: '70000', RELAY_MAX_QUEUE_AGE: 'forever', RELAY_LOG_LEVEL: 'loud', RELAY_TLS_CERT_FILE: '/x.pem' }, { readDotEnv: false }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /RELAY_HTTP_PORT: "70000" is not a port number/);
      assert.match(err.message, /RELAY_MAX_QUEUE_AGE: "forever" is not a duration/);
      assert.match(err.message, /RELAY_LOG_LEVEL: "loud" is not one of/);
      assert.match(err.message, /RELAY_TLS_CERT_FILE and RELAY_TLS_KEY_FILE must be set together/);
      return true;
    },
  );
});

test('the generated configuration table documents every setting', () => {
  const table = configurationTable();
  for (const spec of Object.values(SETTINGS)) assert.ok(table.includes(`\`${spec.env}\``), spec.env);
});
