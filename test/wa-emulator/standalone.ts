/**
 * The emulator as a staging target (`npm run emulator`): a WhatsApp Web server on loopback that
 * the service, in its own process, links to and sends through, with a control API to play the
 * phones. Prints where everything is and the command that starts the service against it.
 *
 * Env: `WA_EMULATOR_PORT` (WebSocket) and `WA_EMULATOR_CONTROL_PORT` (control API), both ephemeral
 * when unset; `WA_EMULATOR_LOG=1` prints every node in and out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRootKey } from './certificates.js';
import { startControlApi } from './control-api.js';
import { WaEmulator } from './emulator.js';
import { allModules } from './index.js';
import { mediaCertificate } from './media.js';

function portFromEnv(name: string): number {
  const value = process.env[name];
  if (value === undefined || value === '') return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`${name} must be a port number (0-65535), not ${JSON.stringify(value)}`);
  return port;
}

/** Leaves plain words alone and single-quotes the rest, so the printed command pastes safely. */
const shellWord = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`);

async function main(): Promise<void> {
  const wsPort = portFromEnv('WA_EMULATOR_PORT');
  const controlPort = portFromEnv('WA_EMULATOR_CONTROL_PORT');
  // A fresh root per run, like the network itself: accounts and links live only in this process.
  const emulator = await new WaEmulator({ modules: allModules, rootKey: createRootKey() }).listen(wsPort);
  const control = await startControlApi(emulator, controlPort).catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });

  // The service is another process: it cannot be handed an HTTPS agent, so it trusts the media
  // host's certificate from a file (NODE_EXTRA_CA_CERTS).
  const certificateDir = mkdtempSync(join(tmpdir(), 'wa-emulator-'));
  const certificatePath = join(certificateDir, 'media-ca.pem');
  writeFileSync(certificatePath, mediaCertificate(emulator));
  const rootKey = Buffer.from(emulator.rootPublicKey).toString('base64');

  console.log('WhatsApp Web emulator running (Ctrl+C stops it)');
  console.log(`WebSocket URL:   ${emulator.url}`);
  console.log(`Root public key: ${rootKey}`);
  console.log(`Control URL:     ${control.url}`);
  console.log(`Media CA (PEM):  ${certificatePath}`);
  console.log('Start the service against it:');
  console.log(
    [
      'CONNECTOR_ENGINE=baileys',
      `CONNECTOR_WA_URL=${shellWord(emulator.url)}`,
      `CONNECTOR_WA_ROOT_KEY=${shellWord(rootKey)}`,
      'CONNECTOR_TRUST_TEST_ROOT=1',
      `NODE_EXTRA_CA_CERTS=${shellWord(certificatePath)}`,
      'npm start',
    ].join(' '),
  );

  let stopping = false;
  const shutDown = async (signal: NodeJS.Signals) => {
    // A second Ctrl+C while closing means "now".
    if (stopping) process.exit(1);
    stopping = true;
    await control.close();
    await emulator.close();
    rmSync(certificateDir, { recursive: true, force: true });
    console.log(`Stopped (${signal})`);
    // Control requests still waiting (for an ack, a client asking for a code) hold timers of up
    // to 5 s; everything they could answer to is closed, so there is nothing left to wait for.
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutDown(signal));
}

main().catch((error: unknown) => {
  console.error(`wa-emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
